package pki_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/pki/pkitest"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// The example of DESIGN.md: public agency codes of the Da Nang health
// department, not personal data.
const (
	exampleMST = "0400260612"
	exampleMNS = "1047665"
	exampleCN  = "SỞ Y TẾ"
	exampleO   = "ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG"
)

func exampleName() pkix.Name {
	n := pkitest.AgencySubject(exampleCN, "", exampleMST)
	n.Organization = []string{exampleO}
	n.Locality = []string{"Hải Châu"}
	n.Province = []string{"Đà Nẵng"}
	n.ExtraNames = append(n.ExtraNames, pkitest.UIDAttr("MNS:"+exampleMNS))
	return n
}

// TestSubjectOfVGCAExample reads the DESIGN.md subject from a certificate
// really encoded and parsed by crypto/x509.
func TestSubjectOfVGCAExample(t *testing.T) {
	p := pkitest.NewPKI(t)
	l := p.Issue(t, pkitest.LeafSpec{Subject: exampleName(), EmailAddresses: []string{"soyte@danang.gov.vn"}})
	s, err := pki.SubjectOf(l.Cert)
	if err != nil {
		t.Fatal(err)
	}
	if s.CommonName != exampleCN || s.Organization != exampleO || s.Country != "VN" ||
		s.Locality != "Hải Châu" || s.Province != "Đà Nẵng" {
		t.Errorf("names not kept intact: %+v", s)
	}
	if len(s.UIDs) != 2 {
		t.Fatalf("UIDs = %+v", s.UIDs)
	}
	if u := s.UIDs[0]; u.Kind != pki.UIDMST || u.Value != exampleMST || u.Raw != "MST:"+exampleMST || u.Err != nil || !u.Valid() {
		t.Errorf("UID 0 = %+v", u)
	}
	if u, ok := s.First(pki.UIDMNS); !ok || u.Value != exampleMNS || u.Err != nil {
		t.Errorf("MNS = %+v %v", u, ok)
	}
	if s.TaxCode != exampleMST || s.TaxCodeErr != nil {
		t.Errorf("TaxCode = %q, %v", s.TaxCode, s.TaxCodeErr)
	}
	if m, ok := s.MST(); !ok || m.Base != exampleMST {
		t.Errorf("MST() = %v %v", m, ok)
	}
	if _, ok := s.AgencyCode(); ok {
		t.Error("AgencyCode() without an MDV: UID")
	}
	if _, ok := s.PersonalID(); ok {
		t.Error("PersonalID() of an agency")
	}
	if s.Email != "soyte@danang.gov.vn" || len(s.Emails) != 1 {
		t.Errorf("emails %q %q", s.Email, s.Emails)
	}
	if s.Raw.CommonName != exampleCN {
		t.Error("Raw not kept")
	}
}

func TestSubjectAgencyAndPerson(t *testing.T) {
	n := pkitest.AgencySubject("VĂN PHÒNG CHÍNH PHỦ", "000.00.00.G22", "0100101107")
	s, err := pki.ParseSubject(n) // hand-built: no Names, read via ToRDNSequence
	if err != nil {
		t.Fatal(err)
	}
	a, ok := s.AgencyCode()
	if !ok || a.String() != "000.00.00.G22" {
		t.Errorf("AgencyCode = %v %v", a, ok)
	}
	// A fake person: vnid.NewCCCD makes a number that validates.
	c, err := vnid.NewCCCD("001", vnid.Female, 1990, "123456")
	if err != nil {
		t.Fatal(err)
	}
	s, err = pki.ParseSubject(pkitest.PersonSubject("Nguyễn Thị Thử", c.Number))
	if err != nil {
		t.Fatal(err)
	}
	if u, ok := s.PersonalID(); !ok || u.Kind != pki.UIDCCCD || u.Value != c.Number {
		t.Errorf("PersonalID = %+v %v", u, ok)
	}
	if s.CommonName != "Nguyễn Thị Thử" {
		t.Errorf("CN = %q", s.CommonName)
	}
}

func TestParseUID(t *testing.T) {
	cccd, _ := vnid.NewCCCD("079", vnid.Male, 1985, "000001")
	tests := []struct {
		raw     string
		kind    pki.UIDKind
		family  pki.UIDKind
		value   string
		wantErr error // nil: valid
	}{
		{"CMND:123456789", pki.UIDCMND, pki.UIDCMND, "123456789", nil},
		{"CCCD:" + cccd.Number, pki.UIDCCCD, pki.UIDCCCD, cccd.Number, nil},
		{"HC:c1234567", pki.UIDHC, pki.UIDHC, "C1234567", nil},
		{"MST:0400260612", pki.UIDMST, pki.UIDMST, "0400260612", nil},
		{"MST:0400260612-001", pki.UIDMST, pki.UIDMST, "0400260612-001", nil},
		{"MST:" + cccd.Number, pki.UIDMST, pki.UIDMST, cccd.Number, nil}, // personal tax code since 2025
		{"MNS:1047665", pki.UIDMNS, pki.UIDMNS, "1047665", nil},
		{"BHXH:0123456789", pki.UIDBHXH, pki.UIDBHXH, "0123456789", nil},
		{"QĐ:123/QĐ-UBND", pki.UIDQD, pki.UIDQD, "123/QĐ-UBND", nil},
		{"QD:123/QD-UBND", pki.UIDQD, pki.UIDQD, "123/QD-UBND", nil},
		{"qđ:1", pki.UIDQD, pki.UIDQD, "1", nil},
		{"QÐ:1", pki.UIDQD, pki.UIDQD, "1", nil},       // U+00D0 eth, from legacy converters
		{"QD\u0335:1", pki.UIDQD, pki.UIDQD, "1", nil}, // D + combining stroke
		{"MDV:000.00.00.H41", pki.UIDMDV, pki.UIDMDV, "000.00.00.H41", nil},
		{"PID:" + cccd.Number, pki.UIDPID, pki.UIDCCCD, cccd.Number, nil},
		{"PID:123456789", pki.UIDPID, pki.UIDCMND, "123456789", nil},
		{"PPT:B7654321", pki.UIDPPT, pki.UIDHC, "B7654321", nil},
		{"CZN:" + cccd.Number, pki.UIDCZN, pki.UIDCCCD, cccd.Number, nil},
		{"TIN:0400260612", pki.UIDTIN, pki.UIDMST, "0400260612", nil},
		{"BDG:1047665", pki.UIDBDG, pki.UIDMNS, "1047665", nil},
		{" mst : 0400260612 ", pki.UIDMST, pki.UIDMST, "0400260612", nil},
		// Kept with their error.
		{"MST:0400260613", pki.UIDMST, pki.UIDMST, "0400260613", vnid.ErrChecksum},
		{"CCCD:12345", pki.UIDCCCD, pki.UIDCCCD, "12345", vnid.ErrLength},
		{"CCCD:999012345678", pki.UIDCCCD, pki.UIDCCCD, "999012345678", vnid.ErrProvince},
		{"MNS:10476X5", pki.UIDMNS, pki.UIDMNS, "10476X5", vnid.ErrCharacter},
		{"BHXH:123", pki.UIDBHXH, pki.UIDBHXH, "123", vnid.ErrLength},
		{"MDV:H41", pki.UIDMDV, pki.UIDMDV, "H41", vnid.ErrLength},
		{"QĐ:", pki.UIDQD, pki.UIDQD, "", vnid.ErrEmpty},
		{"CMND:", pki.UIDCMND, pki.UIDCMND, "", vnid.ErrEmpty},
		// Unknown: whole value, unchecked.
		{"ABC:1", pki.UIDUnknown, pki.UIDUnknown, "ABC:1", nil},
		{"0400260612", pki.UIDUnknown, pki.UIDUnknown, "0400260612", nil},
		{"PıD:123456789", pki.UIDUnknown, pki.UIDUnknown, "PıD:123456789", nil}, // dotless ı is not I
		{"", pki.UIDUnknown, pki.UIDUnknown, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			u := pki.ParseUID(tt.raw)
			if u.Kind != tt.kind || u.Family() != tt.family || u.Value != tt.value || u.Raw != tt.raw {
				t.Errorf("got kind %q family %q value %q raw %q", u.Kind, u.Family(), u.Value, u.Raw)
			}
			switch {
			case tt.wantErr == nil && u.Err != nil:
				t.Errorf("unexpected error %v", u.Err)
			case tt.wantErr != nil && (!errors.Is(u.Err, tt.wantErr) || !errors.Is(u.Err, pki.ErrUIDInvalid)):
				t.Errorf("error %v, want %v and ErrUIDInvalid", u.Err, tt.wantErr)
			}
			if tt.wantErr != nil {
				var ue *pki.UIDError
				if !errors.As(u.Err, &ue) || ue.Kind != tt.kind {
					t.Errorf("not a *UIDError of kind %q: %v", tt.kind, u.Err)
				}
				if u.Valid() {
					t.Error("Valid() with an error")
				}
			}
		})
	}
}

func TestFirstAndAliases(t *testing.T) {
	s, err := pki.ParseSubject(pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{
		pkitest.UIDAttr("TIN:0400260613"), // bad check digit
		pkitest.UIDAttr("TIN:0400260612"),
		pkitest.UIDAttr("PPT:C1234567"),
		pkitest.UIDAttr("MDV:bad"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if u, ok := s.First(pki.UIDMST); !ok || u.Err == nil {
		t.Errorf("First(MST) should find the first TIN, invalid: %+v", u)
	}
	if u, ok := s.First(pki.UIDTIN); !ok || u.Kind != pki.UIDTIN {
		t.Errorf("First(TIN) = %+v", u)
	}
	if _, ok := s.First(pki.UIDPID); ok {
		t.Error("First(PID) found a non-PID")
	}
	if _, ok := s.First(pki.UIDUnknown); ok {
		t.Error("First(UIDUnknown) found something")
	}
	if s.TaxCode != "0400260612" || s.TaxCodeErr != nil {
		t.Errorf("TaxCode %q %v: the valid TIN should win", s.TaxCode, s.TaxCodeErr)
	}
	if u, ok := s.PersonalID(); !ok || u.Value != "C1234567" || u.Family() != pki.UIDHC {
		t.Errorf("PersonalID = %+v", u)
	}
	if _, ok := s.AgencyCode(); ok {
		t.Error("AgencyCode() from an invalid MDV")
	}
}

func TestTaxCodeFromOrganizationIdentifier(t *testing.T) {
	oid := asn1.ObjectIdentifier{2, 5, 4, 97}
	cccd, _ := vnid.NewCCCD("048", vnid.Male, 1970, "654321")
	tests := []struct {
		orgID, uid string
		want       string
		wantErr    error
		wantMST    bool
	}{
		{"0400260612", "", "0400260612", nil, true},
		{"VATVN-0400260612", "", "0400260612", nil, true},
		{"NTRVN-0400260612", "", "0400260612", nil, true},
		{"tinvn-0400260612-001", "", "0400260612-001", nil, true},
		{"MST:0400260612", "", "0400260612", nil, true},
		{"TIN: 0400260612", "", "0400260612", nil, true},
		{cccd.Number, "", cccd.Number, nil, false}, // an individual's: not an MST
		{"VNTIN-0400260612", "", "", vnid.ErrCharacter, false},
		{"VATFR-0400260612", "", "", vnid.ErrCharacter, false},
		{"0400260613", "", "", vnid.ErrChecksum, false},
		// The VGCA UID wins over 2.5.4.97; a bad UID falls back to it.
		{"VATVN-0100101107", "MST:0400260612", "0400260612", nil, true},
		{"VATVN-0400260612", "MST:0400260613", "0400260612", nil, true},
		// Both bad: the UID's error is reported.
		{"VATVN-0400260610", "MST:0400260613", "", vnid.ErrChecksum, false},
		{"", "", "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.orgID+"|"+tt.uid, func(t *testing.T) {
			n := pkix.Name{CommonName: "x"}
			if tt.orgID != "" {
				n.ExtraNames = append(n.ExtraNames, pkix.AttributeTypeAndValue{Type: oid, Value: tt.orgID})
			}
			if tt.uid != "" {
				n.ExtraNames = append(n.ExtraNames, pkitest.UIDAttr(tt.uid))
			}
			s, err := pki.ParseSubject(n)
			if err != nil {
				t.Fatal(err)
			}
			if s.TaxCode != tt.want || s.OrganizationIdentifier != tt.orgID {
				t.Errorf("TaxCode %q OrganizationIdentifier %q", s.TaxCode, s.OrganizationIdentifier)
			}
			if (tt.wantErr == nil) != (s.TaxCodeErr == nil) || tt.wantErr != nil && !errors.Is(s.TaxCodeErr, tt.wantErr) {
				t.Errorf("TaxCodeErr %v, want %v", s.TaxCodeErr, tt.wantErr)
			}
			if _, ok := s.MST(); ok != tt.wantMST {
				t.Errorf("MST() ok = %v", ok)
			}
		})
	}
}

func TestParseSubjectLimitsAndValues(t *testing.T) {
	many := pkix.Name{}
	for i := 0; i <= pki.MaxSubjectAttributes; i++ {
		many.ExtraNames = append(many.ExtraNames, pkitest.UIDAttr("MST:0400260612"))
	}
	attr := func(oid asn1.ObjectIdentifier, v any) pkix.Name {
		return pkix.Name{Names: []pkix.AttributeTypeAndValue{{Type: oid, Value: v}}}
	}
	cn := asn1.ObjectIdentifier{2, 5, 4, 3}
	tests := []struct {
		name string
		in   pkix.Name
		want error
	}{
		{"too many attributes", many, pki.ErrSubjectTooLarge},
		{"value too long", attr(cn, strings.Repeat("A", pki.MaxSubjectValueLen+1)), pki.ErrSubjectTooLarge},
		{"UID not a string", attr(asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}, 42), pki.ErrSubjectValue},
		{"invalid UTF-8", attr(cn, "S\xd0 Y T\xff"), pki.ErrSubjectValue},
		{"unknown attribute, odd value: ignored", attr(asn1.ObjectIdentifier{1, 2, 3}, []byte{0xff}), nil},
		{"longest value", attr(cn, strings.Repeat("Ế", pki.MaxSubjectValueLen/3)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pki.ParseSubject(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var se *pki.SubjectError
			if tt.want != nil && !errors.As(err, &se) {
				t.Fatalf("not a *SubjectError: %T", err)
			}
			if err != nil && strings.Contains(err.Error(), "T\xff") {
				t.Error("error quotes the value")
			}
		})
	}
	if _, err := pki.SubjectOf(nil); !errors.Is(err, pki.ErrSubjectValue) {
		t.Errorf("SubjectOf(nil) = %v", err)
	}
}

// TestParseSubjectStringTypes feeds BMPString, T61String, PrintableString and
// IA5String values through encoding/asn1 as a certificate parser would.
func TestParseSubjectStringTypes(t *testing.T) {
	bmp := func(s string) []byte {
		var b []byte
		for _, r := range s { // all BMP: no surrogates needed
			b = append(b, byte(r>>8), byte(r))
		}
		return b
	}
	atv := func(oid asn1.ObjectIdentifier, tag int, val []byte) pkix.AttributeTypeAndValue {
		return pkix.AttributeTypeAndValue{Type: oid, Value: asn1.RawValue{Tag: tag, Bytes: val}}
	}
	rdns := pkix.RDNSequence{
		{atv(asn1.ObjectIdentifier{2, 5, 4, 6}, asn1.TagPrintableString, []byte("VN"))},
		{atv(asn1.ObjectIdentifier{2, 5, 4, 10}, asn1.TagBMPString, bmp(exampleO))},
		{atv(asn1.ObjectIdentifier{2, 5, 4, 7}, asn1.TagT61String, []byte("H\xe0 N\xf4i"))}, // Latin-1 à, ô
		{atv(asn1.ObjectIdentifier{2, 5, 4, 3}, asn1.TagUTF8String, []byte(exampleCN))},
		{atv(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}, asn1.TagIA5String, []byte("soyte@danang.gov.vn"))},
		{
			atv(asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}, asn1.TagUTF8String, []byte("MST:"+exampleMST)),
			atv(asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}, asn1.TagBMPString, bmp("QĐ:12/QĐ-UBND")),
		},
	}
	der, err := asn1.Marshal(rdns)
	if err != nil {
		t.Fatal(err)
	}
	name := nameFromDER(t, der)
	s, err := pki.ParseSubject(name)
	if err != nil {
		t.Fatal(err)
	}
	if s.Organization != exampleO || s.CommonName != exampleCN || s.Locality != "Hà Nôi" || s.Email != "soyte@danang.gov.vn" {
		t.Errorf("decoded: O %q CN %q L %q email %q", s.Organization, s.CommonName, s.Locality, s.Email)
	}
	if len(s.UIDs) != 2 || s.UIDs[1].Kind != pki.UIDQD || s.UIDs[1].Value != "12/QĐ-UBND" {
		t.Errorf("UIDs %+v", s.UIDs)
	}
}

func TestParseSubjectMultiValued(t *testing.T) {
	s, err := pki.ParseSubject(pkix.Name{
		CommonName:   "first",
		Organization: []string{"O1", "O2"},
		ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}, Value: "a@example.vn"},
			{Type: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}, Value: "a@example.vn"},
			{Type: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}, Value: "b@example.vn"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.Organization != "O1" || len(s.Emails) != 2 || s.Email != "a@example.vn" {
		t.Errorf("O %q emails %q", s.Organization, s.Emails)
	}
}

// TestParseRealVGCARoot reads the subject of the real VGCA root from the
// shared test data.
func TestParseRealVGCARoot(t *testing.T) {
	path := filepath.Join(testenv.SharedDir(t), "testdata", "vgca", "vgca-root-ca.cer")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(raw)
	if err != nil {
		t.Fatal(err)
	}
	s, err := pki.SubjectOf(cert)
	if err != nil {
		t.Fatal(err)
	}
	if s.CommonName != "Co quan chung thuc so chuyen dung Chinh phu (RootCA)" ||
		s.Organization != "Ban Co yeu Chinh phu" || s.Country != "VN" {
		t.Errorf("VGCA root subject = %+v", s)
	}
	if len(s.UIDs) != 0 || s.TaxCode != "" || s.TaxCodeErr != nil {
		t.Errorf("root has identifiers: %+v", s.UIDs)
	}
}

func nameFromDER(t testing.TB, der []byte) pkix.Name {
	t.Helper()
	var rdns pkix.RDNSequence
	if rest, err := asn1.Unmarshal(der, &rdns); err != nil || len(rest) != 0 {
		t.Fatalf("unmarshal: %v (%d trailing)", err, len(rest))
	}
	var n pkix.Name
	n.FillFromRDNSequence(&rdns)
	return n
}
