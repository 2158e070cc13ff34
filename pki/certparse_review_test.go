package pki

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"net"
	"net/url"
	"reflect"
	"testing"
)

// Security review of the tolerant parse (certparse.go): what crypto/x509
// derives from the tag-rewritten copy must be what the original says.

// TestReviewRelativeDPFields: every field crypto/x509 derives is the one it
// derives from the certificate without the extension, for a certificate
// with many extensions around the relative distribution point, and the
// CRLDistributionPoints URLs (what is fetched) are the fullName ones only,
// even when the relative name's value looks like a URL.
func TestReviewRelativeDPFields(t *testing.T) {
	fx := newFixture(t)
	tmpl := fx.leafTemplate()
	tmpl.CRLDistributionPoints = nil
	tmpl.DNSNames = []string{"a.example.vn"}
	tmpl.EmailAddresses = []string{"x@example.vn"}
	tmpl.IPAddresses = []net.IP{net.IPv4(10, 0, 0, 1)}
	u, _ := url.Parse("https://u.example.vn/x")
	tmpl.URIs = []*url.URL{u}
	tmpl.OCSPServer = []string{"http://ocsp.invalid"}
	tmpl.IssuingCertificateURL = []string{"http://aia.invalid/sub.cer"}
	tmpl.Policies = []x509.OID{mustOID(t, "1.2.3.4")}
	tmpl.SubjectKeyId = []byte{1, 2, 3}
	lookalike := "http://evil.invalid/x.crl"
	ext := crldpExt(relDP(lookalike), uriDP("http://crl.invalid/full.crl"), relDP("DP2"))
	ext.Critical = true
	unknownCritical := pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 7}, Critical: true, Value: []byte{0x05, 0x00}}
	tmpl.ExtraExtensions = []pkix.Extension{ext, unknownCritical}
	der := fx.issueDER(t, tmpl)
	if _, err := x509.ParseCertificate(der); err == nil || err.Error() != errX509CRLDP {
		t.Fatalf("premise: %v", err)
	}
	c, err := parseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	stripped, ok := stripExtension(der, oidCRLDistributionPoints)
	if !ok {
		t.Fatal("cannot strip")
	}
	ref, err := x509.ParseCertificate(stripped)
	if err != nil {
		t.Fatal(err)
	}
	// Every exported field but those the extension or the raw bytes feed.
	cv, rv := reflect.ValueOf(*c), reflect.ValueOf(*ref)
	for i := 0; i < cv.NumField(); i++ {
		name := cv.Type().Field(i).Name
		switch name {
		case "Raw", "RawTBSCertificate", "Signature", "Extensions", "CRLDistributionPoints":
			continue
		}
		if !reflect.DeepEqual(cv.Field(i).Interface(), rv.Field(i).Interface()) {
			t.Errorf("%s differs from crypto/x509's reading without the extension", name)
		}
	}
	if got := c.CRLDistributionPoints; len(got) != 1 || got[0] != "http://crl.invalid/full.crl" {
		t.Errorf("URLs to fetch %q, want the fullName one only", got)
	}
	// The unknown critical extension survived the rewrite: Verify refuses.
	if len(c.UnhandledCriticalExtensions) != 1 || !c.UnhandledCriticalExtensions[0].Equal(unknownCritical.Id) {
		t.Fatalf("UnhandledCriticalExtensions %v", c.UnhandledCriticalExtensions)
	}
	cfg := fx.config(t)
	cfg.Intermediates = []*x509.Certificate{fx.sub}
	if _, err := mustVerifier(t, cfg).Verify(context.Background(), c, nil, Options{Use: UseSigning}); err == nil {
		t.Fatal("certificate with an unknown critical extension verified")
	}
	// The signature is checked over the original bytes, which it covers.
	if err := c.CheckSignatureFrom(fx.sub); err != nil {
		t.Fatal(err)
	}
	// A rewrite of the original by the attacker (the relative name turned
	// into a fullName, as the copy has it) is another certificate: its
	// signature fails.
	bad := bytes.Clone(der)
	i := bytes.Index(bad, []byte{relTagRelative, byte(len(cnATV(lookalike)))})
	if i < 0 {
		t.Fatal("tag not found")
	}
	bad[i] = relTagFull
	// (Here the fullName then holds no GeneralName: refused outright.)
	if bc, err := parseCertificate(bad); err == nil && bc.CheckSignatureFrom(fx.sub) == nil {
		t.Fatal("re-tagged certificate verifies")
	}
}

// TestReviewRelativeDPOtherErrors: a certificate crypto/x509 refuses with
// the same error for another reason than a relative name is still refused.
func TestReviewRelativeDPOtherErrors(t *testing.T) {
	fx := newFixture(t)
	cases := map[string]pkix.Extension{
		// A DP that is not a SEQUENCE.
		"DP not a SEQUENCE": crldpExt(relDP("a"), []byte{0x05, 0x00}),
		// The relative name's tag primitive ([1] not constructed).
		"primitive [1]": crldpExt(seq(tagged(0, tlv(asn1.ClassContextSpecific, 1, false, cnATV("a"))))),
	}
	for name, ext := range cases {
		t.Run(name, func(t *testing.T) {
			tmpl := fx.leafTemplate()
			tmpl.CRLDistributionPoints = nil
			tmpl.ExtraExtensions = []pkix.Extension{ext}
			der := fx.issueDER(t, tmpl)
			if _, err := x509.ParseCertificate(der); err == nil {
				t.Fatal("premise: crypto/x509 accepts it")
			}
			if c, err := parseCertificate(der); err == nil {
				t.Fatalf("accepted %v", c.Subject)
			}
			if _, err := LoadCertificates(der); !errors.Is(err, ErrCertificateInput) {
				t.Fatalf("LoadCertificates: %v", err)
			}
		})
	}
}

// issueDER issues tmpl under the sub-CA, returning its DER unparsed.
func (f *fixture) issueDER(tb testing.TB, tmpl *x509.Certificate) []byte {
	tb.Helper()
	f.serial++
	tmpl.SerialNumber = big.NewInt(f.serial)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, f.sub, &fxKey(2).PublicKey, f.subKey)
	if err != nil {
		tb.Fatal(err)
	}
	return der
}

func mustOID(tb testing.TB, s string) x509.OID {
	tb.Helper()
	o, err := x509.ParseOID(s)
	if err != nil {
		tb.Fatal(err)
	}
	return o
}
