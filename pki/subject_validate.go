package pki

import (
	"fmt"

	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// Errors for the codes vnid has no parser for wrap vnid's sentinels, so a
// caller branches the same way whichever validated the code.
var (
	errNotDigits = fmt.Errorf("%w: not all ASCII digits", vnid.ErrCharacter)
	errEmpty     = fmt.Errorf("%w: empty", vnid.ErrEmpty)
)

// Lengths of the codes validated here rather than in vnid.
const (
	mnsDigits  = 7  // budget-unit code: 7 digits (Circular 185/2015/TT-BTC)
	bhxhDigits = 10 // social-insurance number: 10 digits
	cmndDigits = 9
)

// validateUID checks value for kind and returns it in normal form, or the
// trimmed value and a *UIDError.
func validateUID(kind UIDKind, value string) (string, error) {
	norm, err := validateValue(kind, value)
	if err != nil {
		return value, &UIDError{Kind: kind, Err: err}
	}
	return norm, nil
}

func validateValue(kind UIDKind, v string) (string, error) {
	switch kind {
	case UIDCMND:
		c, err := vnid.ParseCMND(v)
		return c.String(), err
	case UIDCCCD, UIDCZN:
		c, err := vnid.ParseCCCD(v)
		return c.String(), err
	case UIDPID:
		// A personal ID is the 12-digit number today; certificates issued
		// before the CCCD rollout carry the 9-digit CMND under the same prefix.
		if len(v) == cmndDigits {
			c, err := vnid.ParseCMND(v)
			return c.String(), err
		}
		c, err := vnid.ParseCCCD(v)
		return c.String(), err
	case UIDHC, UIDPPT:
		p, err := vnid.ParsePassport(v)
		return p.String(), err
	case UIDMST, UIDTIN:
		return validateTaxCode(v)
	case UIDMDV:
		a, err := vnid.ParseAgencyCode(v)
		return a.String(), err
	case UIDMNS, UIDBDG:
		return v, checkDigitsLen(v, mnsDigits)
	case UIDBHXH:
		return v, checkDigitsLen(v, bhxhDigits)
	case UIDQD:
		// A decision reference ("123/QĐ-UBND") has no fixed syntax; only
		// its presence is checked.
		if v == "" {
			return v, errEmpty
		}
		return v, nil
	}
	return v, nil
}

// validateTaxCode accepts an enterprise tax code (vnid.MST, with or without
// branch) or, since individuals' tax code became their personal ID number on
// 1 July 2025, a 12-digit CCCD.
func validateTaxCode(v string) (string, error) {
	if len(v) == 12 && isDigits(v) {
		c, err := vnid.ParseCCCD(v)
		return c.String(), err
	}
	m, err := vnid.ParseMST(v)
	return m.String(), err
}

func checkDigitsLen(v string, n int) error {
	if v == "" {
		return errEmpty
	}
	if !isDigits(v) {
		return errNotDigits
	}
	if len(v) != n {
		return fmt.Errorf("%w: want %d digits, got %d", vnid.ErrLength, n, len(v))
	}
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
