package vnid

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// wantErr checks that err is a *Error of the given kind wrapping sentinel.
func wantErr(t *testing.T, err error, kind string, sentinel error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got nil error, want %v", sentinel)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v is not a *vnid.Error", err, err)
	}
	if e.Kind != kind {
		t.Errorf("Kind = %q, want %q", e.Kind, kind)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("error %q does not wrap %v", err, sentinel)
	}
	if !strings.HasPrefix(err.Error(), "vnid: invalid "+kind) {
		t.Errorf("message %q lacks the prefix", err)
	}
}

// checkSafeError is the fuzzers' check on any parser error: right type, a
// known sentinel, a short valid message that does not carry the input.
func checkSafeError(t *testing.T, err error, kind, input string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not a *vnid.Error", err)
	}
	if e.Kind != kind {
		t.Fatalf("Kind = %q, want %q", e.Kind, kind)
	}
	known := false
	for _, s := range []error{ErrEmpty, ErrLength, ErrCharacter, ErrFormat, ErrProvince, ErrChecksum, ErrRange} {
		if errors.Is(err, s) {
			known = true
		}
	}
	if !known {
		t.Fatalf("error %q wraps no sentinel", err)
	}
	msg := err.Error()
	if len(msg) > 160 || !utf8.ValidString(msg) {
		t.Fatalf("message too long or not UTF-8: %q", msg)
	}
	// Anything longer than a few characters of input must not be echoed.
	if trimmed := trimSpace(input); len(trimmed) > 6 && strings.Contains(msg, trimmed) {
		t.Fatalf("message %q echoes the input", msg)
	}
}
