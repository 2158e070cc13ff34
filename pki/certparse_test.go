package pki

import (
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"
	"time"
)

// The tolerant path of parseCertificate (certparse.go): certificates whose
// CRLDistributionPoints use nameRelativeToCRLIssuer, and everything around
// them that must still be refused.

func TestParseCertificateRelativeDP(t *testing.T) {
	fx := newFixture(t)
	der := fx.relLeafDER(t, crldpExt(relDP("DP1"), uriDP("http://crl.invalid/full.crl")))
	if _, err := x509.ParseCertificate(der); err == nil || err.Error() != errX509CRLDP {
		t.Fatalf("premise: crypto/x509 should refuse with %q, got %v", errX509CRLDP, err)
	}
	c, err := parseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c.Raw, der) {
		t.Error("Raw is not the input")
	}
	var cert struct {
		TBS asn1.RawValue
		Alg asn1.RawValue
		Sig asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &cert); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c.RawTBSCertificate, cert.TBS.FullBytes) {
		t.Error("RawTBSCertificate is not the original TBS")
	}
	if !bytes.Equal(c.Signature, cert.Sig.Bytes) {
		t.Error("Signature is not the original")
	}
	var dp *pkix.Extension
	for i := range c.Extensions {
		if c.Extensions[i].Id.Equal(oidCRLDistributionPoints) {
			dp = &c.Extensions[i]
		}
	}
	if dp == nil || !bytes.Equal(dp.Value, crldpExt(relDP("DP1"), uriDP("http://crl.invalid/full.crl")).Value) {
		t.Fatal("CRLDistributionPoints extension not the original")
	}
	if len(c.CRLDistributionPoints) != 1 || c.CRLDistributionPoints[0] != "http://crl.invalid/full.crl" {
		t.Errorf("CRLDistributionPoints = %q, want the fullName URL only", c.CRLDistributionPoints)
	}
	if err := c.CheckSignatureFrom(fx.sub); err != nil {
		t.Errorf("signature of the real certificate: %v", err)
	}
	// Every other field is crypto/x509's reading of the certificate
	// without the extension (an independent re-encoding).
	stripped, ok := stripExtension(der, oidCRLDistributionPoints)
	if !ok {
		t.Fatal("cannot strip")
	}
	ref, err := x509.ParseCertificate(stripped)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ref.RawSubject, c.RawSubject) || !bytes.Equal(ref.RawIssuer, c.RawIssuer) ||
		ref.SerialNumber.Cmp(c.SerialNumber) != 0 || !ref.NotAfter.Equal(c.NotAfter) ||
		!bytes.Equal(ref.RawSubjectPublicKeyInfo, c.RawSubjectPublicKeyInfo) || ref.KeyUsage != c.KeyUsage ||
		len(ref.Extensions) != len(c.Extensions)-1 {
		t.Error("fields differ from crypto/x509's parse of the stripped certificate")
	}
	dps, err := parseDistPoints(dp.Value, c.RawIssuer)
	if err != nil || len(dps) != 2 {
		t.Fatalf("distribution points: %v %v", dps, err)
	}
	// Through the public entry points, DER and PEM.
	for name, in := range map[string][]byte{"der": der, "pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})} {
		cs, err := LoadCertificates(in)
		if err != nil || len(cs) != 1 || !bytes.Equal(cs[0].Raw, der) {
			t.Errorf("LoadCertificates(%s): %v", name, err)
		}
	}
}

func TestParseCertificateRelativeDPRefused(t *testing.T) {
	fx := newFixture(t)
	badBC := pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 19}, Value: []byte{0x30, 0x03, 0x01, 0x01, 0x02}} // BOOLEAN 0x02: not DER
	noDirIssuer := tagged(2, tlv(asn1.ClassContextSpecific, 6, false, []byte("http://x")))
	cases := map[string][]byte{
		"empty RDN":                        fx.relLeafDER(t, crldpExt(seq(tagged(0, tagged(1))))),
		"RDN element not a SEQUENCE":       fx.relLeafDER(t, crldpExt(seq(tagged(0, tagged(1, []byte{0x05, 0x00}))))),
		"RDN attribute without value":      fx.relLeafDER(t, crldpExt(seq(tagged(0, tagged(1, seq([]byte{0x06, 0x03, 0x55, 0x04, 0x03})))))),
		"trailing data in the name":        fx.relLeafDER(t, crldpExt(seq(tagged(0, tagged(1, cnATV("a")), []byte{0x05, 0x00})))),
		"unknown DP field":                 fx.relLeafDER(t, crldpExt(relDP("a", tagged(3)))),
		"reasons unused bits 8":            fx.relLeafDER(t, crldpExt(relDP("a", tlv(asn1.ClassContextSpecific, 1, false, []byte{8, 0x80})))),
		"cRLIssuer without a DN":           fx.relLeafDER(t, crldpExt(relDP("a", noDirIssuer))),
		"other DP name neither CHOICE":     fx.relLeafDER(t, crldpExt(relDP("a"), seq(tagged(0, tagged(2, cnATV("b")))))),
		"malformed BasicConstraints after": fx.relLeafDER(t, crldpExt(relDP("a")), badBC),
		"duplicate CRLDP":                  fx.relLeafDER(t, crldpExt(relDP("a")), crldpExt(relDP("b"))),
	}
	good := fx.relLeafDER(t, crldpExt(relDP("a")))
	cases["trailing data"] = append(bytes.Clone(good), 0x00)
	big := pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Value: make([]byte, maxTolerantCertBytes)}
	cases["over the size limit"] = fx.relLeafDER(t, big, crldpExt(relDP("a")))
	for name, der := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := x509.ParseCertificate(der); err == nil {
				t.Fatal("premise: crypto/x509 accepts it")
			} else if name != "duplicate CRLDP" && err.Error() != errX509CRLDP {
				t.Fatalf("premise: crypto/x509 refuses for another reason: %v", err)
			}
			if c, err := parseCertificate(der); err == nil {
				t.Fatalf("accepted: %v", c.Subject)
			}
			if _, err := LoadCertificates(der); !errors.Is(err, ErrCertificateInput) {
				t.Fatalf("LoadCertificates: %v", err)
			}
		})
	}
}

// TestParseCertificateRelativeDPTampered: the tolerant parse reads a
// tampered certificate, but its signature — checked on the original TBS —
// fails, here and in Verify.
func TestParseCertificateRelativeDPTampered(t *testing.T) {
	fx := newFixture(t)
	der := fx.relLeafDER(t, crldpExt(relDP("DP1")))
	for name, tamper := range map[string][]byte{
		"relative name": []byte("DP1"),
		"subject":       []byte("Y T"),
	} {
		t.Run(name, func(t *testing.T) {
			i := bytes.Index(der, tamper)
			if i < 0 {
				t.Fatal("marker not found")
			}
			bad := bytes.Clone(der)
			bad[i]++
			c, err := parseCertificate(bad)
			if err != nil {
				t.Fatalf("structurally fine, should parse: %v", err)
			}
			if err := c.CheckSignatureFrom(fx.sub); err == nil {
				t.Fatal("tampered certificate's signature verifies")
			}
			cfg := fx.config(t)
			cfg.Intermediates = []*x509.Certificate{fx.sub}
			v, err := NewVerifier(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.Verify(context.Background(), c, nil, Options{Use: UseSigning}); err == nil {
				t.Fatal("tampered certificate verifies")
			}
		})
	}
}

// TestVerifyRelativeDP: the relative name resolves against the issuer
// (RFC 5280 §4.2.1.13) and selects the CRL whose IDP names it.
func TestVerifyRelativeDP(t *testing.T) {
	fx := newFixture(t)
	c, err := parseCertificate(fx.relLeafDER(t, crldpExt(relDP("DP1"))))
	if err != nil {
		t.Fatal(err)
	}
	var subRDNs asn1.RawValue
	if _, err := asn1.Unmarshal(fx.sub.RawSubject, &subRDNs); err != nil {
		t.Fatal(err)
	}
	fullDN := func(cn string) []byte {
		return seq(subRDNs.Bytes, tlv(asn1.ClassUniversal, asn1.TagSet, true, cnATV(cn)))
	}
	idpFull := func(cn string) []byte { return seq(tagged(0, tagged(0, dirName(fullDN(cn))))) }
	idpRel := func(cn string) []byte { return seq(tagged(0, tagged(1, cnATV(cn)))) }
	cases := []struct {
		name    string
		idp     []byte
		revoked bool
		want    error
	}{
		{"IDP fullName matches", idpFull("DP1"), false, nil},
		{"IDP relative name matches", idpRel("DP1"), false, nil},
		{"IDP fullName matches, revoked", idpFull("DP1"), true, ErrRevoked},
		{"IDP relative name matches, revoked", idpRel("DP1"), true, ErrRevoked},
		{"IDP names another point", idpFull("DP2"), true, ErrRevocationUnknown},
		{"IDP relative to another point", idpRel("DP2"), true, ErrRevocationUnknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var revoked []*big.Int
			if tc.revoked {
				revoked = []*big.Int{c.SerialNumber}
			}
			crl := fx.crl(t, fx.sub, fx.subKey, revoked, func(rl *x509.RevocationList) {
				rl.ExtraExtensions = []pkix.Extension{{Id: oidIssuingDP, Critical: true, Value: tc.idp}}
			})
			v, err := NewVerifier(Config{
				Roots:         []*x509.Certificate{fx.root},
				Intermediates: []*x509.Certificate{fx.sub},
				Clock:         func() time.Time { return fxNow },
				CRLs:          []*x509.RevocationList{fx.crl(t, fx.root, fx.rootKey, nil, nil), crl},
				Revocation:    RevocationCRLOnly,
				HTTPClient:    noNetworkClient(),
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = v.Verify(context.Background(), c, nil, Options{Use: UseSigning})
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// FuzzParseCertificate: parseCertificate never panics, returns the input
// as Raw, and accepts what crypto/x509 refuses only for the relative
// distribution point name: crypto/x509 then refuses with exactly that
// error and accepts the certificate re-encoded without the extension.
func FuzzParseCertificate(f *testing.F) {
	fx := newFixture(f)
	f.Add(fx.root.Raw)
	f.Add(fx.relLeafDER(f, crldpExt(relDP("DP1"))))
	f.Add(fx.relLeafDER(f, crldpExt(relDP("DP1", dirIssuer(fx.root.RawSubject)), uriDP("http://crl.invalid/a.crl"))))
	f.Add(fx.relLeafDER(f, crldpExt(seq(tagged(0, tagged(1))))))
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		if len(der) > 1<<17 {
			return
		}
		c, err := parseCertificate(der)
		ref, refErr := x509.ParseCertificate(der)
		if err != nil {
			if refErr == nil {
				t.Fatalf("refused what crypto/x509 accepts: %v", err)
			}
			return
		}
		if !bytes.Equal(c.Raw, der) {
			t.Fatal("Raw is not the input")
		}
		if refErr == nil {
			if !bytes.Equal(ref.RawTBSCertificate, c.RawTBSCertificate) {
				t.Fatal("differs from crypto/x509")
			}
			return
		}
		if refErr.Error() != errX509CRLDP {
			t.Fatalf("accepted what crypto/x509 refuses with %v", refErr)
		}
		if len(der) > maxTolerantCertBytes {
			t.Fatal("size limit ignored")
		}
		if !bytes.Contains(der, c.RawTBSCertificate) || len(c.RawTBSCertificate) == 0 {
			t.Fatal("RawTBSCertificate not from the input")
		}
		stripped, ok := stripExtension(der, oidCRLDistributionPoints)
		if !ok {
			t.Fatal("accepted a certificate encoding/asn1 cannot walk")
		}
		s, err := x509.ParseCertificate(stripped)
		if err != nil {
			t.Fatalf("accepted, but crypto/x509 refuses it without the extension too: %v", err)
		}
		if !bytes.Equal(s.RawSubject, c.RawSubject) || !bytes.Equal(s.RawSubjectPublicKeyInfo, c.RawSubjectPublicKeyInfo) {
			t.Fatal("fields differ from crypto/x509's reading")
		}
		n := 0
		for _, e := range c.Extensions {
			if e.Id.Equal(oidCRLDistributionPoints) {
				n++
				if !bytes.Contains(c.RawTBSCertificate, e.Value) {
					t.Fatal("extension value not from the input")
				}
				if _, err := parseDistPoints(e.Value, c.RawIssuer); err != nil {
					t.Fatalf("accepted distribution points revocation cannot read: %v", err)
				}
			}
		}
		if n != 1 {
			t.Fatalf("%d CRLDistributionPoints extensions", n)
		}
	})
}

func dirIssuer(name []byte) []byte { return tagged(2, dirName(name)) }
