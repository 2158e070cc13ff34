package vnid

import (
	"errors"
	"strings"
	"testing"
)

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"detail", &Error{Kind: KindCCCD, Err: ErrLength, Detail: "want 12 digits, got 3"}, "vnid: invalid CCCD: want 12 digits, got 3"},
		{"sentinel only", &Error{Kind: KindMST, Err: ErrChecksum}, "vnid: invalid MST: vnid: check digit mismatch"},
		{"bare", &Error{Kind: KindPhone}, "vnid: invalid phone"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
			if !errors.Is(tc.err, tc.err.Err) && tc.err.Err != nil {
				t.Error("Unwrap broken")
			}
		})
	}
}

// Untrusted input of any length never shows up in the message.
func TestErrorsDoNotEchoInput(t *testing.T) {
	secret := "eyJhbGciOiJSUzI1NiJ9.SECRET"
	parsers := map[string]func(string) error{
		KindCCCD:     func(s string) error { _, err := ParseCCCD(s); return err },
		KindCMND:     func(s string) error { _, err := ParseCMND(s); return err },
		KindPassport: func(s string) error { _, err := ParsePassport(s); return err },
		KindMST:      func(s string) error { _, err := ParseMST(s); return err },
		KindAgency:   func(s string) error { _, err := ParseAgencyCode(s); return err },
		KindPhone:    func(s string) error { _, err := ParsePhone(s); return err },
	}
	for kind, parse := range parsers {
		for _, in := range []string{secret, strings.Repeat(secret, 10), "0" + secret} {
			t.Run(kind, func(t *testing.T) {
				err := parse(in)
				checkSafeError(t, err, kind, in)
				if strings.Contains(err.Error(), "SECRET") {
					t.Errorf("message %q echoes input", err)
				}
			})
		}
	}
}
