package vnid

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Phone is a Vietnamese mobile number in E.164 form, e.g. "+84912345678".
// Storing one canonical form lets numbers typed as "0912 345 678",
// "84912345678" or "+84 91-234-5678" compare equal.
type Phone string

// mobilePrefixes[a] lists the second digits b for which "ab" (the two digits
// after the trunk 0) is a mobile carrier prefix. Since the 2018 renumbering of
// 11-digit numbers these are 3[2-9], 5[25689], 7[06-9], 8[1-689], 9[0-46-9];
// 02x is the fixed-line range and is refused.
var mobilePrefixes = [10]string{
	3: "23456789",
	5: "25689",
	7: "06789",
	8: "12345689",
	9: "012346789",
}

// subscriberDigits is the length of the national significant number: the
// two-digit carrier prefix and seven digits.
const subscriberDigits = 9

// ParsePhone accepts a mobile number written with a trunk 0 ("0912345678"),
// the country code ("84912345678", "+84912345678", "0084912345678"), and
// spaces, dots, dashes and parentheses between the digits. The common
// mistake of keeping the trunk 0 after the country code ("+84 (0)912…") is
// forgiven. The result is E.164.
func ParsePhone(s string) (Phone, error) {
	s, err := prepare(KindPhone, s)
	if err != nil {
		return "", err
	}
	// Collect the digits. prepare bounded s to 64 bytes, so this buffer and
	// this loop are bounded too.
	var buf [maxInput]byte
	digits := buf[:0]
	plus := false
	pos := 0
	for _, r := range s {
		pos++
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == '+':
			// Only as the very first symbol of the number, e.g. "(+84)".
			if plus || len(digits) > 0 {
				return "", newError(KindPhone, ErrFormat, "'+' may only start the number")
			}
			plus = true
		case r == ' ', r == '.', r == '-', r == '(', r == ')', r != utf8.RuneError && unicode.IsSpace(r):
			// Separators people write; they carry no meaning.
		default:
			return "", newError(KindPhone, ErrCharacter,
				"character "+strconv.Itoa(pos)+" is not a digit or separator")
		}
	}
	n := string(digits)
	switch {
	case plus:
		if len(n) < 2 || n[:2] != "84" {
			return "", newError(KindPhone, ErrFormat, "country code must be +84")
		}
		n = stripTrunk(n[2:])
	case len(n) >= 4 && n[:4] == "0084":
		// "00" is the international call prefix; no national number
		// starts with it, so this cannot be confused with "0…".
		n = stripTrunk(n[4:])
	case len(n) == 11 && n[:2] == "84":
		n = n[2:]
	case len(n) == 12 && n[:3] == "840":
		n = n[3:]
	case len(n) > 0 && n[0] == '0':
		n = n[1:]
	default:
		return "", newError(KindPhone, ErrFormat, "must start with 0, 84 or +84")
	}
	if len(n) != subscriberDigits {
		return "", newError(KindPhone, ErrLength,
			"want 9 digits after the 0 or +84 prefix, got "+strconv.Itoa(len(n)))
	}
	if !isMobilePrefix(n[0], n[1]) {
		// Two validated digits: safe to quote.
		return "", newError(KindPhone, ErrRange, "0"+n[:2]+" is not a mobile carrier prefix")
	}
	return Phone("+84" + n), nil
}

// stripTrunk drops a trunk 0 written after the country code.
func stripTrunk(n string) string {
	if len(n) == subscriberDigits+1 && n[0] == '0' {
		return n[1:]
	}
	return n
}

func isMobilePrefix(a, b byte) bool {
	for i := 0; i < len(mobilePrefixes[a-'0']); i++ {
		if mobilePrefixes[a-'0'][i] == b {
			return true
		}
	}
	return false
}

// String returns the E.164 form.
func (p Phone) String() string { return string(p) }

// National returns the number as dialled inside Vietnam, "0912345678", or ""
// if p is not in the form ParsePhone produces.
func (p Phone) National() string {
	if len(p) != 3+subscriberDigits || p[:3] != "+84" {
		return ""
	}
	return "0" + string(p[3:])
}
