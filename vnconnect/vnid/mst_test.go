package vnid

import (
	"strconv"
	"testing"
)

// The check digits below were computed by hand from the formula in doc.go;
// 0100109106 and 0400260612 are public tax codes of organisations (the second
// is the example in DESIGN.md), the rest are made up.
func TestParseMST(t *testing.T) {
	valid := []struct {
		name, in     string
		base, branch string
	}{
		{"public org", "0100109106", "0100109106", ""},
		{"design example", "0400260612", "0400260612", ""},
		{"made up", "0100000003", "0100000003", ""},
		{"remainder 10 gives 0", "0100000010", "0100000010", ""},
		{"branch", "0301234562-001", "0301234562", "001"},
		{"branch 999", "0312345673-999", "0312345673", "999"},
		{"13 digits without dash", "0100109106001", "0100109106", "001"},
		{"trimmed", " 0123456787 ", "0123456787", ""},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseMST(tc.in)
			if err != nil {
				t.Fatalf("ParseMST(%q): %v", tc.in, err)
			}
			if got.Base != tc.base || got.Branch != tc.branch {
				t.Fatalf("ParseMST(%q) = %#v", tc.in, got)
			}
			if got.IsBranch() != (tc.branch != "") || got.Head().String() != tc.base {
				t.Errorf("IsBranch/Head wrong for %#v", got)
			}
		})
	}
	invalid := []struct {
		name, in string
		want     error
	}{
		{"empty", "", ErrEmpty},
		{"wrong check digit", "0100109107", ErrChecksum},
		{"check digit 10 impossible", "0100000050", ErrChecksum},
		{"9 digits", "010010910", ErrLength},
		{"11 digits", "01001091060", ErrLength},
		{"letter", "010010910X", ErrCharacter},
		{"branch 000", "0100109106-000", ErrRange},
		{"branch 000 undashed", "0100109106000", ErrRange},
		{"short branch", "0100109106-01", ErrLength},
		{"empty branch", "0100109106-", ErrLength},
		{"two dashes", "0100109106-001-002", ErrCharacter},
		{"short base", "010010910-001", ErrLength},
		{"letter in branch", "0100109106-00a", ErrCharacter},
		{"bad check with branch", "0100109107-001", ErrChecksum},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseMST(tc.in)
			wantErr(t, err, KindMST, tc.want)
		})
	}
}

func TestMSTString(t *testing.T) {
	for _, tc := range []struct {
		m    MST
		want string
	}{
		{MST{Base: "0100109106"}, "0100109106"},
		{MST{Base: "0100109106", Branch: "001"}, "0100109106-001"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if tc.m.String() != tc.want {
				t.Errorf("String() = %q", tc.m.String())
			}
		})
	}
}

func TestCompleteMST(t *testing.T) {
	impossible := 0
	for i := 0; i < 1000; i++ {
		first9 := "0" + strconv.Itoa(100000000 + i*7919)[1:]
		m, err := CompleteMST(first9)
		if err != nil {
			wantErr(t, err, KindMST, ErrChecksum)
			impossible++
			for d := '0'; d <= '9'; d++ {
				if _, err := ParseMST(first9 + string(d)); err == nil {
					t.Fatalf("%s%c accepted although no check digit should exist", first9, d)
				}
			}
			continue
		}
		if _, err := ParseMST(m.String()); err != nil {
			t.Fatalf("CompleteMST(%s) = %s, which does not parse: %v", first9, m, err)
		}
	}
	// About one prefix in eleven has no check digit.
	if impossible < 50 || impossible > 140 {
		t.Errorf("%d of 1000 prefixes impossible, want about 91", impossible)
	}
	for _, tc := range []struct {
		name, in string
		want     error
	}{
		{"short", "01001091", ErrLength},
		{"letter", "01001091a", ErrCharacter},
		{"impossible", "010000005", ErrChecksum},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CompleteMST(tc.in)
			wantErr(t, err, KindMST, tc.want)
		})
	}
}

func FuzzParseMST(f *testing.F) {
	for _, s := range []string{"0100109106", "0100109106-001", "0100109106001", "0100109107", "0100109106-000", "-", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMST(s)
		if err != nil {
			checkSafeError(t, err, KindMST, s)
			return
		}
		if len(m.Base) != 10 || !isASCIIDigits(m.Base) {
			t.Fatalf("accepted %q with base %q", s, m.Base)
		}
		if m.Branch != "" && (len(m.Branch) != 3 || !isASCIIDigits(m.Branch) || m.Branch == "000") {
			t.Fatalf("accepted %q with branch %q", s, m.Branch)
		}
		again, err := ParseMST(m.String())
		if err != nil || again != m {
			t.Fatalf("round trip: %#v, %v; want %#v", again, err, m)
		}
		if c, err := CompleteMST(m.Base[:9]); err != nil || c.Base != m.Base {
			t.Fatalf("CompleteMST disagrees: %#v, %v", c, err)
		}
	})
}
