package vnid

import "testing"

func TestParsePassport(t *testing.T) {
	valid := []struct{ name, in, want string }{
		{"upper", "C1234567", "C1234567"},
		{"lower normalised", "b7654321", "B7654321"},
		{"trimmed", "\tN0000001 ", "N0000001"},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePassport(tc.in)
			if err != nil || got.String() != tc.want {
				t.Fatalf("ParsePassport(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	invalid := []struct {
		name, in string
		want     error
	}{
		{"empty", " ", ErrEmpty},
		{"digit first", "11234567", ErrCharacter},
		{"two letters", "CB123456", ErrCharacter},
		{"non-ASCII letter", "Đ1234567", ErrCharacter},
		{"6 digits", "C123456", ErrLength},
		{"8 digits", "C12345678", ErrLength},
		{"letter only", "C", ErrLength},
		{"dash", "C-1234567", ErrCharacter},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePassport(tc.in)
			wantErr(t, err, KindPassport, tc.want)
		})
	}
}

func FuzzParsePassport(f *testing.F) {
	for _, s := range []string{"C1234567", "b7654321", "C123456", "Đ1234567", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePassport(s)
		if err != nil {
			checkSafeError(t, err, KindPassport, s)
			return
		}
		if len(p) != 8 || p[0] < 'A' || p[0] > 'Z' || !isASCIIDigits(string(p[1:])) {
			t.Fatalf("accepted %q as %q", s, p)
		}
		if again, err := ParsePassport(p.String()); err != nil || again != p {
			t.Fatalf("round trip: %q, %v", again, err)
		}
	})
}
