package vnid

// CMND is a 9-digit number of the old people's identity card (chứng minh nhân
// dân), sent by Vnconnect as SoCMND.
//
// Only the 9-digit form is a CMND here. The 12-digit cards issued from 2012
// carry a personal identification number: parse those with ParseCCCD, which
// also checks the province and century digits that a 9-digit CMND lacks.
type CMND string

const cmndDigits = 9

// ParseCMND accepts exactly 9 ASCII digits after trimming surrounding white
// space. The first digits of a CMND name the issuing police department, but
// the codes were reassigned over the years, so they are not checked.
func ParseCMND(s string) (CMND, error) {
	s, err := prepare(KindCMND, s)
	if err != nil {
		return "", err
	}
	if err := checkDigits(KindCMND, "", s); err != nil {
		return "", err
	}
	if len(s) != cmndDigits {
		return "", wantDigits(KindCMND, cmndDigits, len(s))
	}
	return CMND(s), nil
}

// String returns the 9 digits.
func (c CMND) String() string { return string(c) }
