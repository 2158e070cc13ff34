package vnid

import "strings"

// MST is a tax code (mã số thuế) of an enterprise or organisation: a 10-digit
// base whose last digit is a check digit, optionally followed by a 3-digit
// branch number for a dependent unit ("0100109106-001").
//
// Since 1 July 2025 individuals use their 12-digit personal identification
// number as tax code; that form is a CCCD, not an MST: parse it with
// ParseCCCD.
type MST struct {
	Base   string // 10 digits, check digit last
	Branch string // "" for the head unit, else "001" … "999"
}

// mstWeights are the weights of the first nine digits in the check-digit
// formula of the tax administration (see doc.go).
var mstWeights = [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}

// mstCheckDigit computes d10 = 10 − (Σ dᵢ·wᵢ mod 11) for the nine digits of
// first9. A remainder of 10 gives 0. A remainder of 0 would need a check digit
// of 10, which does not exist: no valid tax code starts with those nine
// digits, and ok is false.
func mstCheckDigit(first9 string) (d byte, ok bool) {
	sum := 0
	for i, w := range mstWeights {
		sum += int(first9[i]-'0') * w
	}
	r := sum % 11
	if r == 0 {
		return 0, false
	}
	return byte('0' + (10-r)%10), true
}

// ParseMST accepts "NNNNNNNNNN", "NNNNNNNNNN-NNN" and, because some systems
// store branch codes without the dash, 13 digits in a row; surrounding white
// space is trimmed. The check digit must match and the branch must not be 000.
func ParseMST(s string) (MST, error) {
	s, err := prepare(KindMST, s)
	if err != nil {
		return MST{}, err
	}
	var base, branch string
	if b, br, dashed := strings.Cut(s, "-"); dashed {
		if err := checkDigits(KindMST, "", b); err != nil {
			return MST{}, err
		}
		if len(b) != 10 {
			return MST{}, newError(KindMST, ErrLength, "want 10 digits before the dash")
		}
		if err := checkDigits(KindMST, "in the branch, ", br); err != nil {
			return MST{}, err
		}
		if len(br) != 3 {
			return MST{}, newError(KindMST, ErrLength, "want 3 branch digits after the dash")
		}
		base, branch = b, br
	} else {
		if err := checkDigits(KindMST, "", s); err != nil {
			return MST{}, err
		}
		switch len(s) {
		case 10:
			base = s
		case 13:
			base, branch = s[:10], s[10:]
		default:
			return MST{}, newError(KindMST, ErrLength, "want 10 digits, or 13 with a branch")
		}
	}
	want, ok := mstCheckDigit(base)
	if !ok || base[9] != want {
		return MST{}, newError(KindMST, ErrChecksum, "check digit does not match")
	}
	if branch == "000" {
		return MST{}, newError(KindMST, ErrRange, "branch 000 is not assigned; branches are 001–999")
	}
	return MST{Base: base, Branch: branch}, nil
}

// String returns "NNNNNNNNNN" or "NNNNNNNNNN-NNN".
func (m MST) String() string {
	if m.Branch == "" {
		return m.Base
	}
	return m.Base + "-" + m.Branch
}

// IsBranch reports whether m names a dependent unit rather than the head unit.
func (m MST) IsBranch() bool { return m.Branch != "" }

// Head returns the tax code of the head unit (the base without the branch).
func (m MST) Head() MST { return MST{Base: m.Base} }

// CompleteMST appends the check digit to the first nine digits of a tax code.
// It exists so test fakes can generate valid codes. It fails with ErrChecksum
// for the one in eleven prefixes that no check digit can complete.
func CompleteMST(first9 string) (MST, error) {
	if len(first9) > maxInput {
		return MST{}, newError(KindMST, ErrLength, "want 9 digits")
	}
	if err := checkDigits(KindMST, "", first9); err != nil {
		return MST{}, err
	}
	if len(first9) != 9 {
		return MST{}, wantDigits(KindMST, 9, len(first9))
	}
	d, ok := mstCheckDigit(first9)
	if !ok {
		return MST{}, newError(KindMST, ErrChecksum, "no check digit completes these nine digits")
	}
	return MST{Base: first9 + string(rune(d))}, nil
}
