package changeform

import (
	"errors"
	"strings"

	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// Kinds of identity number in the form's ID column.
const (
	IDKindCCCD = "cccd" // 12-digit personal identification number
	IDKindCMND = "cmnd" // 9-digit legacy identity card
)

// idNumber is a parsed ID cell.
type idNumber struct {
	kind, number string
	// repaired: leading zeros were restored (see parseID).
	repaired bool
}

var errNotDigits = errors.New("not a CMND (9 digits) or CCCD (12 digits)")

// parseID reads the ID column. The column says "Số CMND" but holds CMNDs
// and CCCDs alike, written with spaces, dots or dashes between groups, or
// behind Excel's text apostrophe.
//
// A spreadsheet that stored the number as a number has lost its leading
// zeros: every CCCD starts with 0 (province codes run 001–096), and many
// CMNDs do. So 11 and 10 digits are read as a CCCD missing one or two
// zeros, 8 digits as a CMND missing one, and the row is marked repaired.
// The guess is safe because it is never trusted alone: the person found
// under the repaired number must also carry the form's name.
func parseID(s string) (idNumber, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "'")
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '\u00a0', '\t':
			return -1
		}
		return r
	}, s)
	if s == "" || len(s) > 16 || strings.Trim(s, "0123456789") != "" {
		return idNumber{}, errNotDigits
	}
	out := idNumber{}
	switch len(s) {
	case 10, 11:
		s, out.repaired = strings.Repeat("0", 12-len(s))+s, true
		fallthrough
	case 12:
		c, err := vnid.ParseCCCD(s)
		if err != nil {
			return idNumber{}, err
		}
		out.kind, out.number = IDKindCCCD, c.Number
	case 8:
		s, out.repaired = "0"+s, true
		fallthrough
	case 9:
		c, err := vnid.ParseCMND(s)
		if err != nil {
			return idNumber{}, err
		}
		out.kind, out.number = IDKindCMND, string(c)
	default:
		return idNumber{}, errNotDigits
	}
	return out, nil
}
