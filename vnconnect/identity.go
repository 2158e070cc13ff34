package vnconnect

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// Identity is a Vnconnect account as described by its UserInfo claims (or by
// a directory entry, which has the same shape), with every known claim
// mapped to a typed, validated field.
//
// Mapping is tolerant in type and strict in content: a claim may come as a
// JSON string or number, but an identifier that fails its vnid check is not
// stored. Instead it is listed in Problems and the typed field stays at its
// zero value; Raw still holds what the server sent. Absent, null and empty
// string claims are simply absent.
type Identity struct {
	// Subject is "sub" exactly as sent (not trimmed): it must compare equal
	// to the ID token's subject.
	Subject string
	// TechID is the stable account key, a UUID in canonical lower-case form.
	TechID string
	// AccountType is from LoaiTaiKhoan.
	AccountType AccountType
	// LoAs are the levels of assurance held ("LoA1".."LoA4"), ascending,
	// without duplicates. Vnconnect sends loAs as one string or an array.
	LoAs []string
	// Status is TrangThai as text; its codes are not documented publicly.
	Status string

	// CCCD is SoDinhDanh parsed; nil when absent or invalid.
	CCCD *vnid.CCCD
	// CMND is SoCMND, the 9-digit legacy ID.
	CMND vnid.CMND
	// Passport is HoChieu.
	Passport vnid.Passport
	// MaBHXH is the 10-digit social insurance number.
	MaBHXH string

	// FullName is HoVaTen, with its diacritics.
	FullName string
	// BirthDate is NgayThangNamSinh; zero when absent or invalid.
	BirthDate CivilDate
	// Gender is GioiTinh (1 nam/male, 2 nữ/female).
	Gender vnid.Gender
	// Email is ThuDienTu, a bare address (checked with net/mail).
	Email string
	// Phone is SoDienThoai normalised to E.164 ("+84912345678").
	Phone vnid.Phone
	// Address is DiaChi, free text.
	Address string

	// TaxCode is MaSoThue parsed; nil when absent or invalid.
	TaxCode *vnid.MST
	// EnterpriseCode is MaSoDoanhNghiep as sent (trimmed). For enterprises
	// registered since 2010 it equals the tax code.
	EnterpriseCode string
	// EnterpriseName is TenDoanhNghiep.
	EnterpriseName string
	// AgencyCode is MaDinhDanhCoQuan parsed (organisations); nil when
	// absent or invalid.
	AgencyCode *vnid.AgencyCode

	// Extra holds every other string or number claim as text: the
	// residence and family fields (permanent address, hometown, ethnicity,
	// parents' names, …) whose names vary between deployments, and
	// standard OIDC claims. Object and array claims are only in Raw.
	Extra map[string]string

	// Problems lists claims that were present but could not be mapped.
	Problems []ClaimProblem
	// Raw holds every claim as received.
	Raw map[string]json.RawMessage
}

// IdentityFromClaims maps a UserInfo response body to an Identity.
//
// It fails only when the document as a whole is unusable: larger than
// MaxClaimsBytes (ErrResponseTooLarge), not a JSON object
// (ErrMalformedClaims), or without a non-empty "sub" (ErrMissingClaim).
// Bad individual claims end up in Identity.Problems.
func IdentityFromClaims(raw []byte) (*Identity, error) {
	m, err := decodeClaims(raw)
	if err != nil {
		return nil, err
	}
	return identityFromMap(m, true)
}

// decodeClaims checks the size and the top-level shape of a claims document.
func decodeClaims(raw []byte) (map[string]json.RawMessage, error) {
	if len(raw) > MaxClaimsBytes {
		return nil, fmt.Errorf("vnconnect: claims larger than %d bytes: %w", MaxClaimsBytes, ErrResponseTooLarge)
	}
	// json.Unmarshal would turn "null" into a nil map without complaint.
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformedClaims)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%w: invalid JSON", ErrMalformedClaims)
	}
	return m, nil
}

// identityFromMap builds the Identity. requireSub is false for directory
// entries, which identify the account by TechID.
func identityFromMap(m map[string]json.RawMessage, requireSub bool) (*Identity, error) {
	id := &Identity{Raw: m}
	if raw, present := m[ClaimSubject]; present {
		v, ok, err := scalarClaim(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %q is not a string", ErrMalformedClaims, ClaimSubject)
		}
		if ok {
			// Exactly as sent: a trimmed sub would no longer equal the
			// ID token's.
			if !v.number {
				if err := json.Unmarshal(raw, &id.Subject); err != nil {
					return nil, fmt.Errorf("%w: %q is not a string", ErrMalformedClaims, ClaimSubject)
				}
			} else {
				id.Subject = v.text
			}
		}
	}
	if requireSub && id.Subject == "" {
		return nil, fmt.Errorf("vnconnect: userinfo %q: %w", ClaimSubject, ErrMissingClaim)
	}
	id.mapClaims()
	return id, nil
}

// Claim decodes the raw claim name into v, which is what json.Unmarshal
// takes. It wraps ErrMissingClaim when the claim is absent.
func (id *Identity) Claim(name string, v any) error {
	raw, ok := id.Raw[name]
	if !ok {
		return fmt.Errorf("vnconnect: claim %q: %w", name, ErrMissingClaim)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("vnconnect: claim %q: %w", name, err)
	}
	return nil
}

// Problem returns the problem recorded for claim name, or nil.
func (id *Identity) Problem(name string) error {
	for _, p := range id.Problems {
		if p.Claim == name {
			return p
		}
	}
	return nil
}

// HighestLoA returns the strongest level of assurance held, or "".
func (id *Identity) HighestLoA() string {
	if len(id.LoAs) == 0 {
		return ""
	}
	return id.LoAs[len(id.LoAs)-1]
}

// DisplayName is the name to greet the account with: the person's name,
// or the enterprise/organisation name when HoVaTen is absent.
func (id *Identity) DisplayName() string {
	if id.FullName != "" {
		return id.FullName
	}
	return id.EnterpriseName
}
