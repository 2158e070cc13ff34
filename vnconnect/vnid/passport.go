package vnid

import "strconv"

// Passport is a Vietnamese passport number (hộ chiếu), sent by Vnconnect as
// HoChieu: one letter naming the series (B, C, N, P, …) followed by 7 digits,
// e.g. "C1234567". The letter is normalised to upper case because the same
// passport is written both ways in practice.
//
// Foreign passports follow other rules and are not accepted.
type Passport string

const passportLen = 8

// ParsePassport accepts a letter and 7 digits after trimming surrounding
// white space; a lower-case letter is upper-cased.
func ParsePassport(s string) (Passport, error) {
	s, err := prepare(KindPassport, s)
	if err != nil {
		return "", err
	}
	c := s[0]
	switch {
	case c >= 'A' && c <= 'Z':
	case c >= 'a' && c <= 'z':
		c -= 'a' - 'A'
	default:
		return "", newError(KindPassport, ErrCharacter, "must start with a letter A–Z")
	}
	if err := checkDigits(KindPassport, "after the letter, ", s[1:]); err != nil {
		return "", err
	}
	if len(s) != passportLen {
		return "", newError(KindPassport, ErrLength,
			"want a letter and 7 digits, got "+strconv.Itoa(len(s)-1)+" digits")
	}
	return Passport(string(c) + s[1:]), nil
}

// String returns the normalised number.
func (p Passport) String() string { return string(p) }
