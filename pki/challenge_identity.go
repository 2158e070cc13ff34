package pki

import (
	"encoding/hex"
	"time"
)

// AgencyIdentity is who answered a challenge: the agency named by the
// verified signer certificate.
type AgencyIdentity struct {
	// Name is the certificate's CN, or O when there is no CN.
	Name string
	// AgencyCode is the agency code (mã định danh cơ quan) of the first
	// valid MDV: UID, in vnid's normal form; "" when there is none. A
	// registration that requires one must check it is not empty.
	AgencyCode string
	// MST is the organisation's tax code (Subject.MST), "" when none.
	MST string
	// CertSerial is the certificate's serial number in lower-case hex
	// (the big-endian bytes, two digits each, no separators).
	CertSerial string
	// CertIssuer is the issuer's distinguished name (RFC 2253 string).
	CertIssuer string
	// NotAfter is when the certificate expires.
	NotAfter time.Time

	// ChallengeID and Purpose are those of the answered challenge.
	ChallengeID string
	Purpose     string

	// Subject is the certificate subject (VGCA profile); Result the whole
	// verification (chain, revocation status).
	Subject *Subject
	Result  *Result
}

// AgencyCredential holds the fields of rbac.AgencyCredential in the same
// order with the same types, so that
//
//	cred := rbac.AgencyCredential(id.Credential())
//
// converts it (Go converts between struct types of identical fields). pki
// sits below rbac and must not import it; if rbac's struct changes, the
// conversion stops compiling, which is the check.
type AgencyCredential struct {
	AgencyCode string
	MST        string
	Name       string
	CertSerial string
	CertIssuer string
}

// Credential returns the fields the super-admin registration stores.
func (id *AgencyIdentity) Credential() AgencyCredential {
	return AgencyCredential{AgencyCode: id.AgencyCode, MST: id.MST, Name: id.Name,
		CertSerial: id.CertSerial, CertIssuer: id.CertIssuer}
}

func newAgencyIdentity(ch *Challenge, res *Result) *AgencyIdentity {
	leaf := res.Chain[0]
	s := res.Subject
	id := &AgencyIdentity{
		Name:        s.CommonName,
		CertSerial:  hex.EncodeToString(leaf.SerialNumber.Bytes()),
		CertIssuer:  leaf.Issuer.String(),
		NotAfter:    leaf.NotAfter,
		ChallengeID: ch.ID,
		Purpose:     ch.Purpose,
		Subject:     s,
		Result:      res,
	}
	if id.Name == "" {
		id.Name = s.Organization
	}
	if a, ok := s.AgencyCode(); ok {
		id.AgencyCode = a.String()
	}
	if m, ok := s.MST(); ok {
		id.MST = m.String()
	}
	return id
}
