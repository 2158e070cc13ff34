package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"unicode/utf8"
)

// Subject is the certificate subject read with the VGCA profile: the usual
// name attributes, every UID attribute with the kind of identifier its prefix
// announces, and the organisation's tax code.
//
// Text is kept exactly as the certificate carries it (UTF-8; BMPString and
// T61String values are decoded by crypto/x509 before they reach us). Nothing
// is case-folded or Unicode-normalised: "SỞ Y TẾ" stays "SỞ Y TẾ", so a value
// shown to an administrator is the value in the certificate. Compare names
// with vnid.FoldName when a diacritic-insensitive match is wanted.
//
// When an attribute occurs more than once, the single-valued fields hold the
// first occurrence in certificate order; Raw has all of them.
type Subject struct {
	CommonName         string // CN (2.5.4.3)
	Organization       string // O (2.5.4.10)
	OrganizationalUnit string // OU (2.5.4.11)
	Locality           string // L (2.5.4.7)
	Province           string // ST (2.5.4.8): tỉnh/thành phố
	Country            string // C (2.5.4.6)
	SerialNumber       string // serialNumber (2.5.4.5), rarely used by VGCA
	Title              string // title (2.5.4.12)

	// Email is the first e-mail address: the emailAddress attribute
	// (1.2.840.113549.1.9.1) first, then, with SubjectOf, the SAN rfc822Names.
	// Emails lists them all, without duplicates.
	Email  string
	Emails []string

	// UIDs are the UID attributes (0.9.2342.19200300.100.1.1) in certificate
	// order. A UID whose identifier does not validate is kept with its Err set:
	// a badly typed identifier in one attribute must not make the whole
	// certificate unreadable.
	UIDs []UID

	// TaxCode is the organisation's tax code (mã số thuế) in the normal form
	// of vnid.MST.String, taken from the first valid MST:/TIN: UID, else from
	// organizationIdentifier (2.5.4.97). It is "" when neither holds a valid
	// one; TaxCodeErr then says why if one was present.
	TaxCode    string
	TaxCodeErr error

	// OrganizationIdentifier is the 2.5.4.97 attribute as written (for
	// example "VATVN-0400260612"), "" when absent.
	OrganizationIdentifier string

	// Raw is the name the subject was read from.
	Raw pkix.Name
}

// Object identifiers of the attributes pkix.Name does not have a field for.
var (
	oidAttrUID                    = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}
	oidAttrEmailAddress           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
	oidAttrOrganizationIdentifier = asn1.ObjectIdentifier{2, 5, 4, 97}
	oidAttrCommonName             = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidAttrSerialNumber           = asn1.ObjectIdentifier{2, 5, 4, 5}
	oidAttrCountry                = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidAttrLocality               = asn1.ObjectIdentifier{2, 5, 4, 7}
	oidAttrProvince               = asn1.ObjectIdentifier{2, 5, 4, 8}
	oidAttrOrganization           = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidAttrOrganizationalUnit     = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidAttrTitle                  = asn1.ObjectIdentifier{2, 5, 4, 12}
)

// Bounds on what ParseSubject reads. A subject is attacker-supplied input
// until its chain is verified (and a CA's mistakes are not bounded at all),
// so the work done per name is capped. Real VGCA subjects have fewer than
// ten attributes of under a hundred bytes; the X.520 upper bound for a name
// (ub-name) is 32768, far more than any display needs.
const (
	// MaxSubjectAttributes bounds the number of attribute values in a name,
	// across all RDNs.
	MaxSubjectAttributes = 64
	// MaxSubjectValueLen bounds the length in bytes of one attribute value.
	MaxSubjectValueLen = 1024
)

// ParseSubject reads name with the VGCA profile.
//
// It reads name.Names, which crypto/x509 fills with every attribute of a
// parsed certificate in order. A pkix.Name built by hand usually has no
// Names; its fields and ExtraNames are read instead (via ToRDNSequence).
//
// The error is a *SubjectError for a name over the size limits or with a
// value that is not a valid UTF-8 string where text is expected. Invalid
// identifiers are not errors: see UID.Err and Subject.TaxCodeErr.
func ParseSubject(name pkix.Name) (*Subject, error) {
	atvs := name.Names
	if len(atvs) == 0 {
		atvs = flatten(name.ToRDNSequence())
	}
	if len(atvs) > MaxSubjectAttributes {
		return nil, &SubjectError{Err: ErrSubjectTooLarge, Detail: "too many attributes"}
	}
	s := &Subject{Raw: name}
	for i, atv := range atvs {
		if err := s.add(i, atv); err != nil {
			return nil, err
		}
	}
	s.resolveTaxCode()
	return s, nil
}

// SubjectOf reads cert's subject with ParseSubject and adds the e-mail
// addresses of its subject alternative name.
func SubjectOf(cert *x509.Certificate) (*Subject, error) {
	if cert == nil {
		return nil, &SubjectError{Err: ErrSubjectValue, Detail: "nil certificate"}
	}
	s, err := ParseSubject(cert.Subject)
	if err != nil {
		return nil, err
	}
	if len(cert.EmailAddresses) > MaxSubjectAttributes {
		return nil, &SubjectError{Err: ErrSubjectTooLarge, Detail: "too many SAN e-mail addresses"}
	}
	for i, e := range cert.EmailAddresses {
		if err := checkText(i, "SAN email", e); err != nil {
			return nil, err
		}
		s.addEmail(e)
	}
	return s, nil
}

func flatten(rdns pkix.RDNSequence) []pkix.AttributeTypeAndValue {
	var out []pkix.AttributeTypeAndValue
	for _, rdn := range rdns {
		out = append(out, rdn...)
		if len(out) > MaxSubjectAttributes {
			break // the caller reports it; no need to copy more
		}
	}
	return out
}

// add files one attribute. Attributes the profile does not know are left in
// Raw only; their values are not checked, as nothing here displays them.
func (s *Subject) add(i int, atv pkix.AttributeTypeAndValue) error {
	field := s.fieldFor(atv.Type)
	isUID := atv.Type.Equal(oidAttrUID)
	isOrgID := atv.Type.Equal(oidAttrOrganizationIdentifier)
	isEmail := atv.Type.Equal(oidAttrEmailAddress)
	if field == nil && !isUID && !isOrgID && !isEmail {
		return nil
	}
	v, ok := atv.Value.(string)
	if !ok {
		return &SubjectError{Index: i, Attr: atv.Type.String(), Err: ErrSubjectValue,
			Detail: "value is not a string"}
	}
	if err := checkText(i, atv.Type.String(), v); err != nil {
		return err
	}
	switch {
	case isUID:
		s.UIDs = append(s.UIDs, ParseUID(v))
	case isOrgID:
		if s.OrganizationIdentifier == "" {
			s.OrganizationIdentifier = v
		}
	case isEmail:
		s.addEmail(v)
	default:
		if *field == "" {
			*field = v
		}
	}
	return nil
}

func (s *Subject) fieldFor(oid asn1.ObjectIdentifier) *string {
	switch {
	case oid.Equal(oidAttrCommonName):
		return &s.CommonName
	case oid.Equal(oidAttrOrganization):
		return &s.Organization
	case oid.Equal(oidAttrOrganizationalUnit):
		return &s.OrganizationalUnit
	case oid.Equal(oidAttrLocality):
		return &s.Locality
	case oid.Equal(oidAttrProvince):
		return &s.Province
	case oid.Equal(oidAttrCountry):
		return &s.Country
	case oid.Equal(oidAttrSerialNumber):
		return &s.SerialNumber
	case oid.Equal(oidAttrTitle):
		return &s.Title
	}
	return nil
}

func (s *Subject) addEmail(e string) {
	for _, have := range s.Emails {
		if have == e {
			return
		}
	}
	s.Emails = append(s.Emails, e)
	if s.Email == "" {
		s.Email = e
	}
}

// checkText applies the per-value limits. Invalid UTF-8 is refused rather
// than repaired: a name shown to an administrator must be the certificate's
// own text, and a repaired one is not.
func checkText(i int, attr, v string) error {
	if len(v) > MaxSubjectValueLen {
		return &SubjectError{Index: i, Attr: attr, Err: ErrSubjectTooLarge, Detail: "value too long"}
	}
	if !utf8.ValidString(v) {
		return &SubjectError{Index: i, Attr: attr, Err: ErrSubjectValue, Detail: "value is not valid UTF-8"}
	}
	return nil
}
