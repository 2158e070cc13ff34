package vnid

import (
	"strings"
	"testing"
)

func TestParseCMND(t *testing.T) {
	valid := []struct{ name, in, want string }{
		{"plain", "012345678", "012345678"},
		{"trimmed", " 271000123 ", "271000123"},
		{"leading zeros kept", "000000001", "000000001"},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCMND(tc.in)
			if err != nil || got.String() != tc.want {
				t.Fatalf("ParseCMND(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	invalid := []struct {
		name, in string
		want     error
	}{
		{"empty", "", ErrEmpty},
		{"8 digits", "01234567", ErrLength},
		{"10 digits", "0123456789", ErrLength},
		{"12-digit form is a CCCD", "001090012345", ErrLength},
		{"letter", "01234567X", ErrCharacter},
		{"inner space", "012 345 678", ErrCharacter},
		{"oversized", strings.Repeat(" ", 70), ErrLength},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCMND(tc.in)
			wantErr(t, err, KindCMND, tc.want)
		})
	}
}

func FuzzParseCMND(f *testing.F) {
	for _, s := range []string{"012345678", " 271000123 ", "01234567X", "", "0123456789"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCMND(s)
		if err != nil {
			checkSafeError(t, err, KindCMND, s)
			return
		}
		if len(c) != 9 || !isASCIIDigits(string(c)) {
			t.Fatalf("accepted %q as %q", s, c)
		}
		if again, err := ParseCMND(c.String()); err != nil || again != c {
			t.Fatalf("round trip: %q, %v", again, err)
		}
	})
}
