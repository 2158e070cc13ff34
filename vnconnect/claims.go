package vnconnect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// UserInfo claim names used by Vnconnect. They are Vietnamese and spelled
// exactly as WSO2 returns them; Identity maps each one to a typed field.
const (
	ClaimSubject         = "sub"
	ClaimTechID          = "TechID"           // stable account key (UUID)
	ClaimAccountType     = "LoaiTaiKhoan"     // 1 citizen, 2 business, 3 organisation
	ClaimLoAs            = "loAs"             // level(s) of assurance held
	ClaimStatus          = "TrangThai"        // account status
	ClaimCCCD            = "SoDinhDanh"       // 12-digit personal ID (CCCD)
	ClaimCMND            = "SoCMND"           // 9-digit legacy ID card
	ClaimPassport        = "HoChieu"          // passport number
	ClaimSocialInsurance = "MaBHXH"           // social insurance number
	ClaimFullName        = "HoVaTen"          // full name
	ClaimBirthDate       = "NgayThangNamSinh" // yyyyMMdd
	ClaimGender          = "GioiTinh"         // 1 male, 2 female
	ClaimEmail           = "ThuDienTu"        // e-mail address
	ClaimPhone           = "SoDienThoai"      // mobile number
	ClaimAddress         = "DiaChi"           // address, free text
	ClaimTaxCode         = "MaSoThue"         // MST, 10 digits or 10-3
	ClaimEnterpriseCode  = "MaSoDoanhNghiep"  // enterprise registration code
	ClaimEnterpriseName  = "TenDoanhNghiep"   // enterprise name
	ClaimAgencyCode      = "MaDinhDanhCoQuan" // QCVN 102 agency code
)

// MaxClaimsBytes is the largest UserInfo document IdentityFromClaims accepts.
// Real Vnconnect documents are a few kilobytes; the cap stops a hostile or
// broken server from making the relying party buffer without bound.
const MaxClaimsBytes = 1 << 20

const (
	maxClaimTextBytes     = 4 << 10 // a single text claim longer than this is not a real value
	claimProblemPrefix    = "vnconnect: claim "
	claimValueTypeMessage = "wrong JSON type"
)

var (
	// ErrMalformedClaims: a claims document is not a JSON object, or its
	// "sub" is not a string or number.
	ErrMalformedClaims = errors.New("vnconnect: malformed claims")

	// ErrInvalidClaim: a claim is present but its value is not acceptable
	// (wrong JSON type, bad identifier, impossible date). Found in
	// Identity.Problems; never fails a login on its own.
	ErrInvalidClaim = errors.New("vnconnect: invalid claim")

	// ErrClaimMismatch: two claims that must agree do not (the CCCD's
	// gender/birth-year digits against GioiTinh/NgayThangNamSinh).
	ErrClaimMismatch = errors.New("vnconnect: claims disagree")
)

// ClaimProblem records one claim that could not be mapped to its typed
// field. The field is left at its zero value and the raw value stays in
// Identity.Raw, so a relying party decides for itself whether the problem
// matters; Vnconnect data entered years ago by hand is not always clean, and
// refusing the login for a bad passport number would lock people out.
type ClaimProblem struct {
	Claim string // claim name, e.g. "SoDinhDanh"
	Err   error  // wraps ErrInvalidClaim or ErrClaimMismatch, and the vnid error if any
}

// Error never quotes the claim's value (user info is personal data and error
// strings end up in logs): the causes built here and by vnid describe the
// defect only.
func (p ClaimProblem) Error() string {
	return claimProblemPrefix + p.Claim + ": " + strings.TrimPrefix(p.Err.Error(), "vnconnect: ")
}

func (p ClaimProblem) Unwrap() error { return p.Err }

// claimScalar is a claim value that is a JSON string or number. WSO2 sends
// most attributes as strings, some deployments as numbers; both are taken.
type claimScalar struct {
	text   string // the string, or the number's literal text
	number bool   // it was a JSON number
}

// scalarClaim reads a string-or-number claim. ok is false when the claim is
// absent, null or an empty string (WSO2 sends "" for unset attributes).
func scalarClaim(raw json.RawMessage) (v claimScalar, ok bool, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return v, false, nil
	}
	switch c := raw[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return v, false, invalidClaim(claimValueTypeMessage)
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return v, false, nil
		}
		if len(s) > maxClaimTextBytes {
			return v, false, invalidClaim("value too long")
		}
		return claimScalar{text: s}, true, nil
	case c == '-' || (c >= '0' && c <= '9'):
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return v, false, invalidClaim(claimValueTypeMessage)
		}
		return claimScalar{text: n.String(), number: true}, true, nil
	default:
		return v, false, invalidClaim(claimValueTypeMessage)
	}
}

// identifierText returns the claim as an identifier string. A JSON number
// loses the leading zeros that Vietnamese identifiers commonly have (every
// CCCD starts with a 0 province digit, many MSTs with 01…), so for a
// number the zeros are restored up to width; the content is then checked
// by the vnid parser as for a string.
func identifierText(v claimScalar, width int) (string, error) {
	if !v.number {
		return v.text, nil
	}
	if !allDigits(v.text) {
		return "", invalidClaim("number is not a non-negative integer")
	}
	if width > 0 && len(v.text) < width {
		return strings.Repeat("0", width-len(v.text)) + v.text, nil
	}
	return v.text, nil
}

// smallInt reads an integer claim sent as a JSON number or numeric string
// ("1", " 2 "). Values outside [0, 99] are not small codes and are refused.
func smallInt(v claimScalar) (int, bool) {
	s := v.text
	if v.number {
		// "2.0" is what some JSON encoders emit for a float64 2.
		s = strings.TrimSuffix(s, ".0")
	}
	if s == "" || len(s) > 2 || !allDigits(s) {
		return 0, false
	}
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// invalidClaim builds a problem cause. The message describes the defect,
// never the value.
func invalidClaim(msg string) error { return fmt.Errorf("%w: %s", ErrInvalidClaim, msg) }

// invalidClaimErr wraps a parser error (a *vnid.Error) under ErrInvalidClaim
// so both errors.Is(ErrInvalidClaim) and errors.As(*vnid.Error) work.
func invalidClaimErr(err error) error { return fmt.Errorf("%w: %w", ErrInvalidClaim, err) }
