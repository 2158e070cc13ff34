package vnconnect

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// Fixed widths used to restore leading zeros of identifiers sent as JSON
// numbers (see identifierText).
const (
	widthCCCD   = 12
	widthCMND   = 9
	widthMST    = 10
	widthBHXH   = 10
	widthMobile = 10 // 0 + 9 digits
)

// knownClaims are the claims mapped to typed fields; everything else goes
// to Identity.Extra.
var knownClaims = map[string]bool{
	ClaimSubject: true, ClaimTechID: true, ClaimAccountType: true, ClaimLoAs: true,
	ClaimStatus: true, ClaimCCCD: true, ClaimCMND: true, ClaimPassport: true,
	ClaimSocialInsurance: true, ClaimFullName: true, ClaimBirthDate: true,
	ClaimGender: true, ClaimEmail: true, ClaimPhone: true, ClaimAddress: true,
	ClaimTaxCode: true, ClaimEnterpriseCode: true, ClaimEnterpriseName: true,
	ClaimAgencyCode: true,
}

// mapClaims fills the typed fields from id.Raw. The order is fixed so that
// Problems is deterministic.
func (id *Identity) mapClaims() {
	id.TechID = id.scalar(ClaimTechID, func(v claimScalar) (string, error) {
		if v.number {
			return "", invalidClaim(claimValueTypeMessage)
		}
		return canonicalUUID(v.text)
	})
	if v, ok := id.value(ClaimAccountType); ok {
		if n, ok := smallInt(v); ok && AccountType(n).Valid() {
			id.AccountType = AccountType(n)
		} else {
			id.problem(ClaimAccountType, invalidClaim("not 1, 2 or 3"))
		}
	}
	id.mapLoAs()
	id.Status = id.text(ClaimStatus)

	if v, ok := id.value(ClaimCCCD); ok {
		s, err := identifierText(v, widthCCCD)
		if err == nil {
			var c vnid.CCCD
			if c, err = vnid.ParseCCCD(s); err == nil {
				id.CCCD = &c
			}
		}
		id.problem(ClaimCCCD, wrapParse(err))
	}
	id.CMND = vnid.CMND(id.scalar(ClaimCMND, func(v claimScalar) (string, error) {
		s, err := identifierText(v, widthCMND)
		if err != nil {
			return "", err
		}
		c, err := vnid.ParseCMND(s)
		return string(c), wrapParse(err)
	}))
	id.Passport = vnid.Passport(id.scalar(ClaimPassport, func(v claimScalar) (string, error) {
		p, err := vnid.ParsePassport(v.text)
		return string(p), wrapParse(err)
	}))
	id.MaBHXH = id.scalar(ClaimSocialInsurance, func(v claimScalar) (string, error) {
		s, err := identifierText(v, widthBHXH)
		if err != nil {
			return "", err
		}
		if len(s) != widthBHXH || !allDigits(s) {
			return "", invalidClaim("social insurance number is not 10 digits")
		}
		return s, nil
	})

	id.FullName = id.text(ClaimFullName)
	id.BirthDate = mapped(id, ClaimBirthDate, func(v claimScalar) (CivilDate, error) {
		d, err := parseCompactDate(v.text)
		if err != nil {
			return d, invalidClaim(err.Error())
		}
		return d, nil
	})
	if v, ok := id.value(ClaimGender); ok {
		if g, ok := parseGender(v); ok {
			id.Gender = g
		} else {
			id.problem(ClaimGender, invalidClaim("not 1 (nam) or 2 (nữ)"))
		}
	}
	id.Email = id.scalar(ClaimEmail, func(v claimScalar) (string, error) { return checkEmail(v.text) })
	id.Phone = vnid.Phone(id.scalar(ClaimPhone, func(v claimScalar) (string, error) {
		s := v.text
		if v.number && allDigits(s) && len(s) == widthMobile-1 {
			s = "0" + s // 912345678 was 0912345678 before it became a number
		}
		p, err := vnid.ParsePhone(s)
		return string(p), wrapParse(err)
	}))
	id.Address = id.text(ClaimAddress)

	if v, ok := id.value(ClaimTaxCode); ok {
		s, err := identifierText(v, widthMST)
		if err == nil {
			var m vnid.MST
			if m, err = vnid.ParseMST(s); err == nil {
				id.TaxCode = &m
			}
		}
		id.problem(ClaimTaxCode, wrapParse(err))
	}
	id.EnterpriseCode = id.text(ClaimEnterpriseCode)
	id.EnterpriseName = id.text(ClaimEnterpriseName)
	if v, ok := id.value(ClaimAgencyCode); ok {
		a, err := vnid.ParseAgencyCode(v.text)
		if err == nil {
			id.AgencyCode = &a
		}
		id.problem(ClaimAgencyCode, wrapParse(err))
	}

	id.crossCheck()
	id.collectExtra()
}

// crossCheck compares what the CCCD's digits say about the holder with the
// separate gender and birth date claims. A disagreement usually means a
// data-entry error in one registry; it is reported, and both values kept.
func (id *Identity) crossCheck() {
	if id.CCCD == nil {
		return
	}
	if id.Gender != vnid.GenderUnknown {
		if err := id.CCCD.CheckHolder(0, id.Gender); err != nil {
			id.problem(ClaimGender, fmt.Errorf("%w: %w", ErrClaimMismatch, err))
		}
	}
	if !id.BirthDate.IsZero() {
		if err := id.CCCD.CheckHolder(id.BirthDate.Year, vnid.GenderUnknown); err != nil {
			id.problem(ClaimBirthDate, fmt.Errorf("%w: %w", ErrClaimMismatch, err))
		}
	}
}

// collectExtra keeps unmodelled scalar claims as text.
func (id *Identity) collectExtra() {
	for name, raw := range id.Raw {
		if knownClaims[name] {
			continue
		}
		v, ok, err := scalarClaim(raw)
		if err != nil || !ok {
			continue
		}
		if id.Extra == nil {
			id.Extra = make(map[string]string)
		}
		id.Extra[name] = v.text
	}
}

// value returns a scalar claim, recording a problem for a wrong JSON type.
func (id *Identity) value(name string) (claimScalar, bool) {
	raw, present := id.Raw[name]
	if !present {
		return claimScalar{}, false
	}
	v, ok, err := scalarClaim(raw)
	if err != nil {
		id.problem(name, err)
		return claimScalar{}, false
	}
	return v, ok
}

// text returns a free-text claim (names, address): any string, or a
// number's text.
func (id *Identity) text(name string) string {
	v, _ := id.value(name)
	return v.text
}

// scalar maps a string-valued claim through parse, recording its error.
func (id *Identity) scalar(name string, parse func(claimScalar) (string, error)) string {
	return mapped(id, name, parse)
}

// mapped maps a claim through parse; on error it records a problem and
// returns the zero T, so a typed field is either valid or empty.
func mapped[T any](id *Identity, name string, parse func(claimScalar) (T, error)) T {
	var zero T
	v, ok := id.value(name)
	if !ok {
		return zero
	}
	out, err := parse(v)
	if err != nil {
		id.problem(name, err)
		return zero
	}
	return out
}

func (id *Identity) problem(name string, err error) {
	if err != nil {
		id.Problems = append(id.Problems, ClaimProblem{Claim: name, Err: err})
	}
}

// wrapParse puts a vnid parse error under ErrInvalidClaim; nil stays nil and
// errors already under ErrInvalidClaim are kept as they are.
func wrapParse(err error) error {
	if err == nil || errors.Is(err, ErrInvalidClaim) {
		return err
	}
	return invalidClaimErr(err)
}

// parseGender accepts 1/2 as numbers or numeric strings (0 = unknown), and
// the words the portal shows ("Nam", "Nữ") since some exports use them.
func parseGender(v claimScalar) (vnid.Gender, bool) {
	if n, ok := smallInt(v); ok {
		switch n {
		case 0:
			return vnid.GenderUnknown, true
		case 1:
			return vnid.Male, true
		case 2:
			return vnid.Female, true
		}
		return vnid.GenderUnknown, false
	}
	switch vnid.FoldName(v.text) {
	case "nam", "male":
		return vnid.Male, true
	case "nu", "female":
		return vnid.Female, true
	}
	return vnid.GenderUnknown, false
}

// checkEmail accepts a bare addr-spec only ("a@b.vn"): display names and
// comments are not what an e-mail claim holds. The check is light on
// purpose; only delivery proves an address.
func checkEmail(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", invalidClaim("not an e-mail address")
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || !strings.Contains(s[at+1:], ".") {
		return "", invalidClaim("not an e-mail address")
	}
	return s, nil
}

// canonicalUUID checks the 8-4-4-4-12 hex shape and returns it in lower
// case (RFC 9562's canonical output form), so TechIDs compare with ==.
func canonicalUUID(s string) (string, error) {
	if len(s) != 36 {
		return "", invalidClaim("not a UUID")
	}
	b := []byte(s)
	for i, c := range b {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", invalidClaim("not a UUID")
			}
			continue
		}
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			b[i] = c + ('a' - 'A')
		default:
			return "", invalidClaim("not a UUID")
		}
	}
	return string(b), nil
}
