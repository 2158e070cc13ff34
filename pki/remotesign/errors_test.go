package remotesign

import (
	"errors"
	"testing"
)

// TestClassify pins the mapping of service codes and descriptions to
// outcomes.
func TestClassify(t *testing.T) {
	cases := []struct {
		code, desc string
		want       error
	}{
		{"access_denied", "", ErrUserRejected},
		{"USER_REJECTED", "", ErrUserRejected},
		{"expired_token", "", ErrExpired},
		{"pin_locked", "", ErrPINBlocked},
		{"invalid_request", "PIN locked", ErrPINBlocked},
		{"invalid_pin", "The PIN is blocked", ErrPINBlocked},
		{"invalid_request", "Invalid parameter credentialID", ErrCredentialNotFound},
		{"invalid_request", "Invalid parameter userID", ErrCredentialNotFound},
		{"invalid_request", "SAD expired", ErrExpired},
		{"invalid_request", "Missing parameter hashes", nil},
		{"server_error", "PIN locked", nil},
		{"", "", nil},
	}
	for _, tc := range cases {
		err := newServiceError("m", 400, tc.code, tc.desc)
		if got := err.Unwrap(); got != tc.want {
			t.Errorf("%q/%q → %v, want %v", tc.code, tc.desc, got, tc.want)
		}
		if tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%q: errors.Is fails", tc.code)
		}
	}
}
