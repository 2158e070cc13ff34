package vnid

import (
	"strings"
	"testing"
)

func TestParseCCCD(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want CCCD
	}{
		{"Hà Nội male 1990", "001090012345", CCCD{"001090012345", "001", Male, 1900, 1990}},
		{"Cà Mau female 1985", "096185000321", CCCD{"096185000321", "096", Female, 1900, 1985}},
		{"HCM male 2005", "079205123450", CCCD{"079205123450", "079", Male, 2000, 2005}},
		{"Nghệ An female 2010", "040310000001", CCCD{"040310000001", "040", Female, 2000, 2010}},
		{"2100s male", "001400000001", CCCD{"001400000001", "001", Male, 2100, 2100}},
		{"2100s female", "001599000001", CCCD{"001599000001", "001", Female, 2100, 2199}},
		{"2200s", "001601000001", CCCD{"001601000001", "001", Male, 2200, 2201}},
		{"2200s female", "001702000001", CCCD{"001702000001", "001", Female, 2200, 2202}},
		{"1800s male", "001899000001", CCCD{"001899000001", "001", Male, 1800, 1899}},
		{"1800s female", "001998000001", CCCD{"001998000001", "001", Female, 1800, 1898}},
		{"trimmed", "  \t048195000777\n", CCCD{"048195000777", "048", Female, 1900, 1995}},
		{"non-breaking space trimmed", "\u00a0048195000777", CCCD{"048195000777", "048", Female, 1900, 1995}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCCCD(tc.in)
			if err != nil {
				t.Fatalf("ParseCCCD(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("ParseCCCD(%q) = %#v, want %#v", tc.in, got, tc.want)
			}
			if got.String() != tc.want.Number {
				t.Errorf("String() = %q", got.String())
			}
		})
	}
}

func TestParseCCCDInvalid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrEmpty},
		{"spaces", "   ", ErrEmpty},
		{"too short", "00109001234", ErrLength},
		{"too long", "0010900123456", ErrLength},
		{"CMND length", "123456789", ErrLength},
		{"letter", "00109001234a", ErrCharacter},
		{"inner space", "001 090 012 345", ErrCharacter},
		{"dash", "001-090-012345", ErrCharacter},
		{"full-width digits", "００１０９００１２３４５", ErrCharacter},
		{"arabic-indic digit", "00109001234٥", ErrCharacter},
		{"province 000", "000090012345", ErrProvince},
		{"province 003 (gap)", "003090012345", ErrProvince},
		{"province 005 (gap)", "005090012345", ErrProvince},
		{"province 097", "097090012345", ErrProvince},
		{"province 999", "999090012345", ErrProvince},
		{"oversized", strings.Repeat("1", 65), ErrLength},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCCCD(tc.in)
			wantErr(t, err, KindCCCD, tc.want)
		})
	}
}

func TestProvinces(t *testing.T) {
	codes := ProvinceCodes()
	if len(codes) != 63 {
		t.Fatalf("got %d province codes, want 63", len(codes))
	}
	if codes[0] != "001" || codes[62] != "096" {
		t.Errorf("first/last = %s/%s", codes[0], codes[62])
	}
	for _, tc := range []struct{ code, name string }{
		{"001", "Hà Nội"}, {"031", "Hải Phòng"}, {"048", "Đà Nẵng"},
		{"079", "Hồ Chí Minh"}, {"092", "Cần Thơ"}, {"096", "Cà Mau"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			if got, ok := ProvinceName(tc.code); !ok || got != tc.name {
				t.Errorf("ProvinceName(%q) = %q, %v", tc.code, got, ok)
			}
		})
	}
	for _, code := range []string{"", "000", "003", "097", "1", "0001"} {
		if _, ok := ProvinceName(code); ok {
			t.Errorf("ProvinceName(%q) ok", code)
		}
	}
	// The copy must not alias the package's list.
	codes[0] = "xxx"
	if ProvinceCodes()[0] != "001" {
		t.Error("ProvinceCodes returned shared storage")
	}
}

func TestCCCDCheckHolder(t *testing.T) {
	c, err := ParseCCCD("001190000123") // female, 1990
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		year   int
		gender Gender
		ok     bool
	}{
		{"both match", 1990, Female, true},
		{"year only", 1990, GenderUnknown, true},
		{"gender only", 0, Female, true},
		{"nothing known", 0, GenderUnknown, true},
		{"wrong year", 1991, Female, false},
		{"wrong century", 2090, Female, false},
		{"wrong gender", 1990, Male, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := c.CheckHolder(tc.year, tc.gender)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, KindCCCD, ErrMismatch)
		})
	}
	t.Run("zero CCCD", func(t *testing.T) {
		wantErr(t, CCCD{}.CheckHolder(1990, Male), KindCCCD, ErrEmpty)
	})
}

func TestNewCCCD(t *testing.T) {
	for _, prov := range ProvinceCodes() {
		for year := 1800; year < 2300; year += 37 {
			for _, g := range []Gender{Male, Female} {
				c, err := NewCCCD(prov, g, year, "000042")
				if err != nil {
					t.Fatalf("NewCCCD(%s, %v, %d): %v", prov, g, year, err)
				}
				if c.ProvinceCode != prov || c.BirthYear != year || c.Gender != g {
					t.Fatalf("NewCCCD(%s, %v, %d) = %#v", prov, g, year, c)
				}
				if err := c.CheckHolder(year, g); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	bad := []struct {
		name   string
		prov   string
		g      Gender
		year   int
		serial string
		want   error
	}{
		{"bad province", "003", Male, 1990, "000001", ErrProvince},
		{"unknown gender", "001", GenderUnknown, 1990, "000001", ErrRange},
		{"year too early", "001", Male, 1799, "000001", ErrRange},
		{"year too late", "001", Male, 2300, "000001", ErrRange},
		{"short serial", "001", Male, 1990, "00001", ErrFormat},
		{"letter serial", "001", Male, 1990, "00000a", ErrFormat},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCCCD(tc.prov, tc.g, tc.year, tc.serial)
			wantErr(t, err, KindCCCD, tc.want)
		})
	}
}

func TestGender(t *testing.T) {
	for _, tc := range []struct {
		g        Gender
		str, vie string
	}{
		{GenderUnknown, "unknown", ""}, {Male, "male", "Nam"}, {Female, "female", "Nữ"}, {Gender(7), "unknown", ""},
	} {
		t.Run(tc.str, func(t *testing.T) {
			if tc.g.String() != tc.str || tc.g.Vietnamese() != tc.vie {
				t.Errorf("%d: %q %q", tc.g, tc.g.String(), tc.g.Vietnamese())
			}
		})
	}
}

func FuzzParseCCCD(f *testing.F) {
	for _, s := range []string{"001090012345", "096185000321", "003090012345", "", " 079205123450 ", "00109001234a", "٠٠١"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCCCD(s)
		if err != nil {
			checkSafeError(t, err, KindCCCD, s)
			return
		}
		if len(c.Number) != 12 || !isASCIIDigits(c.Number) {
			t.Fatalf("accepted %q as %q", s, c.Number)
		}
		if _, ok := ProvinceName(c.ProvinceCode); !ok || c.ProvinceCode != c.Number[:3] {
			t.Fatalf("bad province in %#v", c)
		}
		if c.Gender != Male && c.Gender != Female {
			t.Fatalf("gender %v", c.Gender)
		}
		if c.BirthYear < c.BirthCentury || c.BirthYear >= c.BirthCentury+100 || c.BirthYear < 1800 || c.BirthYear > 2299 {
			t.Fatalf("year %d century %d", c.BirthYear, c.BirthCentury)
		}
		again, err := ParseCCCD(c.String())
		if err != nil || again != c {
			t.Fatalf("round trip: %#v, %v; want %#v", again, err, c)
		}
		if err := c.CheckHolder(c.BirthYear, c.Gender); err != nil {
			t.Fatalf("inconsistent with itself: %v", err)
		}
		built, err := NewCCCD(c.ProvinceCode, c.Gender, c.BirthYear, c.Number[6:])
		if err != nil || built != c {
			t.Fatalf("NewCCCD from parts = %#v, %v; want %#v", built, err, c)
		}
	})
}
