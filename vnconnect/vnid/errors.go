package vnid

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every parser returns a *Error whose Unwrap gives one of
// these, so callers can branch with errors.Is without parsing messages.
var (
	// ErrEmpty: the input was empty or only white space.
	ErrEmpty = errors.New("vnid: empty input")
	// ErrLength: the input is too long to consider, or has the wrong number
	// of digits.
	ErrLength = errors.New("vnid: wrong length")
	// ErrCharacter: the input holds a character the format does not allow.
	ErrCharacter = errors.New("vnid: character not allowed")
	// ErrFormat: the characters are allowed but not in the required layout
	// (separators, prefixes, hierarchy of an agency code).
	ErrFormat = errors.New("vnid: malformed")
	// ErrProvince: a CCCD province code that is not on the official list.
	ErrProvince = errors.New("vnid: unknown province code")
	// ErrChecksum: an MST check digit that does not match.
	ErrChecksum = errors.New("vnid: check digit mismatch")
	// ErrRange: a well-formed value outside the assigned range (MST branch
	// 000, a prefix that is not a mobile carrier's, a birth year a CCCD
	// cannot encode).
	ErrRange = errors.New("vnid: value out of range")
	// ErrMismatch: an identifier that is valid on its own but contradicts
	// other data about its holder (see CCCD.CheckHolder).
	ErrMismatch = errors.New("vnid: identifier does not match holder data")
)

// Kinds of identifier, used in Error.Kind.
const (
	KindCCCD     = "CCCD"
	KindCMND     = "CMND"
	KindPassport = "passport"
	KindMST      = "MST"
	KindAgency   = "agency code"
	KindPhone    = "phone"
)

// Error describes why an identifier was rejected. Detail is written by this
// package and never quotes more than a few characters of the input, so the
// message is safe to log or show even when the input came from an untrusted
// token or form.
type Error struct {
	Kind   string // which identifier: one of the Kind constants
	Err    error  // one of the sentinel errors
	Detail string // what is wrong, in plain words
}

func (e *Error) Error() string {
	msg := "vnid: invalid " + e.Kind
	if e.Detail != "" {
		return msg + ": " + e.Detail
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the sentinel, so errors.Is(err, ErrChecksum) works.
func (e *Error) Unwrap() error { return e.Err }

func newError(kind string, sentinel error, detail string) *Error {
	return &Error{Kind: kind, Err: sentinel, Detail: detail}
}

// maxInput bounds every parser's input. The longest valid form (a phone
// number written with separators, "+84 (0) 912 345 678") is far below it;
// anything longer is rejected before any other work so that hostile input
// cannot make a parser do much.
const maxInput = 64

// prepare is the common first step of every parser: size limit, then
// trimming, then the empty check.
func prepare(kind, s string) (string, error) {
	if len(s) > maxInput {
		return "", newError(kind, ErrLength,
			"input is "+strconv.Itoa(len(s))+" bytes, the limit is "+strconv.Itoa(maxInput))
	}
	s = trimSpace(s)
	if s == "" {
		return "", newError(kind, ErrEmpty, "empty")
	}
	return s, nil
}

// checkDigits reports the first character of s that is not an ASCII digit;
// where names the part of the input s is ("" for all of it) so the position
// in the message makes sense. Unicode digits from other scripts (full-width,
// Arabic-Indic) are refused on purpose: registries store ASCII, and accepting
// look-alikes would let two different strings name the same person.
func checkDigits(kind, where, s string) error {
	pos := 0
	for _, r := range s {
		pos++
		if r < '0' || r > '9' {
			return newError(kind, ErrCharacter, where+"character "+strconv.Itoa(pos)+" is not a digit")
		}
	}
	return nil
}

func wantDigits(kind string, want, got int) error {
	return newError(kind, ErrLength, "want "+strconv.Itoa(want)+" digits, got "+strconv.Itoa(got))
}
