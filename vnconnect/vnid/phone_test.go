package vnid

import (
	"strings"
	"testing"
)

func TestParsePhone(t *testing.T) {
	valid := []struct{ name, in, want string }{
		{"national", "0912345678", "+84912345678"},
		{"E.164", "+84912345678", "+84912345678"},
		{"84 without plus", "84912345678", "+84912345678"},
		{"00 international", "0084912345678", "+84912345678"},
		{"spaces", "0912 345 678", "+84912345678"},
		{"dots", "091.234.5678", "+84912345678"},
		{"dashes", "+84-91-234-5678", "+84912345678"},
		{"parentheses", "(+84) 912 345 678", "+84912345678"},
		{"trunk 0 after +84", "+84 (0) 912 345 678", "+84912345678"},
		{"trunk 0 after 84", "84 0912345678", "+84912345678"},
		{"trunk 0 after 0084", "0084 0912345678", "+84912345678"},
		{"non-breaking space", "0912\u00a0345\u00a0678", "+84912345678"},
		{"Viettel 03x", "0321234567", "+84321234567"},
		{"Vietnamobile 052", "0521234567", "+84521234567"},
		{"Mobifone 070", "0701234567", "+84701234567"},
		{"Vinaphone 081", "0811234567", "+84811234567"},
		{"Vinaphone 084", "0841234567", "+84841234567"},
		{"Gmobile 099", "0991234567", "+84991234567"},
		{"Vinaphone 094", "0941234567", "+84941234567"},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePhone(tc.in)
			if err != nil || got.String() != tc.want {
				t.Fatalf("ParsePhone(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			if got.National() != "0"+tc.want[3:] {
				t.Errorf("National() = %q", got.National())
			}
		})
	}
	invalid := []struct {
		name, in string
		want     error
	}{
		{"empty", "", ErrEmpty},
		{"letters", "09123abc78", ErrCharacter},
		{"slash", "0912/345678", ErrCharacter},
		{"plus in middle", "0912+345678", ErrFormat},
		{"two plus", "++84912345678", ErrFormat},
		{"other country", "+1 650 555 0100", ErrFormat},
		{"no prefix", "912345678", ErrFormat},
		{"too short", "091234567", ErrLength},
		{"too long", "09123456789", ErrLength},
		{"old 11-digit", "01651234567", ErrLength},
		{"fixed line", "0241234567", ErrRange},
		{"030 not assigned", "0301234567", ErrRange},
		{"095 not assigned", "0951234567", ErrRange},
		{"080 not assigned", "0801234567", ErrRange},
		{"087 not assigned", "0871234567", ErrRange},
		{"071 not assigned", "0711234567", ErrRange},
		{"051 not assigned", "0511234567", ErrRange},
		{"010", "0101234567", ErrRange},
		{"+84 short", "+8491234567", ErrLength},
		{"just +", "+", ErrFormat},
		{"oversized", "0" + strings.Repeat(" ", 64) + "912345678", ErrLength},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePhone(tc.in)
			wantErr(t, err, KindPhone, tc.want)
		})
	}
}

func TestPhoneNational(t *testing.T) {
	for _, p := range []Phone{"", "0912345678", "+8491234567", "+1912345678"} {
		if got := p.National(); got != "" {
			t.Errorf("Phone(%q).National() = %q, want empty", p, got)
		}
	}
}

// Every two-digit prefix is accepted or refused exactly as the numbering
// plan in DESIGN.md says.
func TestMobilePrefixes(t *testing.T) {
	want := map[string]bool{}
	for _, p := range strings.Fields("32 33 34 35 36 37 38 39 52 55 56 58 59 70 76 77 78 79 81 82 83 84 85 86 88 89 90 91 92 93 94 96 97 98 99") {
		want[p] = true
	}
	for a := '0'; a <= '9'; a++ {
		for b := '0'; b <= '9'; b++ {
			pre := string(a) + string(b)
			_, err := ParsePhone("0" + pre + "1234567")
			if (err == nil) != want[pre] {
				t.Errorf("prefix 0%s: err = %v", pre, err)
			}
		}
	}
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"0912345678", "+84 (0) 912 345 678", "84912345678", "0084912345678", "0241234567", "+", "(", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePhone(s)
		if err != nil {
			checkSafeError(t, err, KindPhone, s)
			return
		}
		if len(p) != 12 || p[:3] != "+84" || !isASCIIDigits(string(p[3:])) {
			t.Fatalf("accepted %q as %q", s, p)
		}
		for _, form := range []string{p.String(), p.National(), p.String()[1:]} {
			if again, err := ParsePhone(form); err != nil || again != p {
				t.Fatalf("%q from %q: %q, %v", form, s, again, err)
			}
		}
	})
}
