package pkitest_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/pki/pkitest"
)

func TestHierarchy(t *testing.T) {
	p := pkitest.NewPKI(t)
	root, sub := p.Root(), p.SubCA()
	if root.Subject.CommonName != pkitest.RootCommonName || root.Subject.Organization[0] != pkitest.CAOrganization ||
		root.Subject.Country[0] != "VN" {
		t.Errorf("root subject = %v", root.Subject)
	}
	if sub.Subject.CommonName != pkitest.SubCACommonName {
		t.Errorf("sub-CA subject = %v", sub.Subject)
	}
	if k, ok := root.PublicKey.(*rsa.PublicKey); !ok || k.N.BitLen() != 2048 {
		t.Errorf("root key is not RSA-2048")
	}
	if err := sub.CheckSignatureFrom(root); err != nil {
		t.Errorf("sub-CA not signed by root: %v", err)
	}
	if !sub.IsCA || sub.MaxPathLen != 0 || !sub.MaxPathLenZero {
		t.Errorf("sub-CA constraints: IsCA=%v MaxPathLen=%d", sub.IsCA, sub.MaxPathLen)
	}
	if len(sub.CRLDistributionPoints) != 1 || sub.CRLDistributionPoints[0] != p.CRLServerURL()+"/crl/root.crl" {
		t.Errorf("sub-CA CRL DP = %v", sub.CRLDistributionPoints)
	}

	l := p.Issue(t, pkitest.LeafSpec{Subject: pkitest.AgencySubject("SỞ Y TẾ", "000.00.00.H41", "0400260612")})
	if err := verifyChain(p, l, time.Now()); err != nil {
		t.Fatalf("chain does not verify: %v", err)
	}
	c := l.Cert
	if c.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment {
		t.Errorf("default key usage = %v", c.KeyUsage)
	}
	if len(c.ExtKeyUsage) != 2 {
		t.Errorf("default EKUs = %v", c.ExtKeyUsage)
	}
	if c.CRLDistributionPoints[0] != p.CRLServerURL()+"/crl/subca.crl" || c.OCSPServer[0] != p.OCSPServerURL() {
		t.Errorf("leaf URLs: CRL %v OCSP %v", c.CRLDistributionPoints, c.OCSPServer)
	}
	if len(l.Chain) != 3 || l.Chain[1] != sub || l.Chain[2] != root || len(l.Intermediates()) != 1 {
		t.Errorf("chain shape wrong")
	}
	if c.Subject.CommonName != "SỞ Y TẾ" {
		t.Errorf("CN = %q", c.Subject.CommonName)
	}
	var uids []string
	for _, n := range c.Subject.Names {
		if n.Type.Equal(pkitest.OIDUID) {
			uids = append(uids, n.Value.(string))
		}
	}
	if len(uids) != 2 || uids[0] != "MST:0400260612" || uids[1] != "MDV:000.00.00.H41" {
		t.Errorf("UIDs = %q", uids)
	}

	// AIA caIssuers serves the CA certificates.
	code, body := fetch(t, c.IssuingCertificateURL[0])
	if code != http.StatusOK || !bytes.Equal(body, sub.Raw) {
		t.Errorf("caIssuers: status %d, %d bytes", code, len(body))
	}
}

func TestLeafOptions(t *testing.T) {
	p := pkitest.NewPKI(t)
	t.Run("P256", func(t *testing.T) {
		l := p.Issue(t, pkitest.LeafSpec{KeyType: pkitest.P256})
		if _, ok := l.Cert.PublicKey.(*ecdsa.PublicKey); !ok {
			t.Fatalf("key %T", l.Cert.PublicKey)
		}
		if err := verifyChain(p, l, time.Now()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("RSA3072", func(t *testing.T) {
		l := p.Issue(t, pkitest.LeafSpec{KeyType: pkitest.RSA3072})
		if k := l.Cert.PublicKey.(*rsa.PublicKey); k.N.BitLen() != 3072 {
			t.Fatalf("bits %d", k.N.BitLen())
		}
	})
	t.Run("SHA1", func(t *testing.T) {
		l := p.Issue(t, pkitest.LeafSpec{SHA1: true})
		if l.Cert.SignatureAlgorithm != x509.SHA1WithRSA {
			t.Fatalf("alg %v", l.Cert.SignatureAlgorithm)
		}
		// Go ≥ 1.24 refuses SHA-1 signatures; the verifier's
		// InsecureAllowSHA1Before exists for exactly these chains.
		if err := verifyChain(p, l, time.Now()); err == nil || !strings.Contains(err.Error(), "insecure algorithm SHA1-RSA") {
			t.Fatalf("crypto/x509 should refuse the SHA-1 leaf, got %v", err)
		}
	})
	t.Run("UsageAndValidity", func(t *testing.T) {
		nb, na := time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour)
		l := p.Issue(t, pkitest.LeafSpec{
			KeyUsage: x509.KeyUsageKeyEncipherment, EKUs: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			NotBefore: nb, NotAfter: na, NoCRLDP: true, NoOCSP: true,
			EmailAddresses: []string{"vanthu@example.gov.vn"},
		})
		c := l.Cert
		if c.KeyUsage != x509.KeyUsageKeyEncipherment || c.ExtKeyUsage[0] != x509.ExtKeyUsageServerAuth ||
			!c.NotAfter.Equal(na.Truncate(time.Second)) || c.CRLDistributionPoints != nil || c.OCSPServer != nil ||
			c.EmailAddresses[0] != "vanthu@example.gov.vn" {
			t.Errorf("spec not applied: %+v", c)
		}
		var ie x509.CertificateInvalidError
		if err := verifyChain(p, l, time.Now()); !errors.As(err, &ie) || ie.Reason != x509.Expired {
			t.Errorf("expired leaf: %v", err)
		}
	})
	t.Run("NoEKUByRootModify", func(t *testing.T) {
		l := p.Issue(t, pkitest.LeafSpec{NoEKU: true, ByRoot: true, Modify: func(c *x509.Certificate) {
			c.ExtraExtensions = append(c.ExtraExtensions, pkixExt(asn1.ObjectIdentifier{1, 2, 3, 4}, true))
		}})
		if l.Cert.ExtKeyUsage != nil || len(l.Chain) != 2 || l.Intermediates() != nil {
			t.Errorf("EKU %v chain %d", l.Cert.ExtKeyUsage, len(l.Chain))
		}
		if len(l.Cert.UnhandledCriticalExtensions) != 1 {
			t.Errorf("Modify not applied")
		}
	})
	t.Run("DistinctKeys", func(t *testing.T) {
		seen := map[string]bool{}
		for _, c := range []*x509.Certificate{p.Root(), p.SubCA(), p.Issue(t, pkitest.LeafSpec{}).Cert, p.Issue(t, pkitest.LeafSpec{}).Cert} {
			k := string(c.RawSubjectPublicKeyInfo)
			if seen[k] {
				t.Fatal("two certificates of one PKI share a key")
			}
			seen[k] = true
		}
	})
}

func TestSHA1SubCA(t *testing.T) {
	p := pkitest.NewPKI(t, pkitest.WithSHA1Root(), pkitest.WithSHA1SubCA())
	if p.Root().SignatureAlgorithm != x509.SHA1WithRSA || p.SubCA().SignatureAlgorithm != x509.SHA1WithRSA {
		t.Fatalf("algorithms %v %v", p.Root().SignatureAlgorithm, p.SubCA().SignatureAlgorithm)
	}
}

// Two PKIs of a process share pool keys; their distinct CA names must keep
// one's certificates from chaining to the other's root.
func TestPKIsAreIsolated(t *testing.T) {
	a, b := pkitest.NewPKI(t), pkitest.NewPKI(t)
	if bytes.Equal(a.Root().RawSubject, b.Root().RawSubject) {
		t.Fatal("two PKIs have the same root name")
	}
	l := b.Issue(t, pkitest.LeafSpec{})
	if err := verifyChain(a, l, time.Now()); err == nil {
		t.Fatal("a leaf of PKI b verified under PKI a's root")
	}
}

func TestClockAndRand(t *testing.T) {
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	clk := &fixedClock{t: at}
	mk := func() *pkitest.PKI {
		return pkitest.NewPKI(t, pkitest.WithClock(clk.now), pkitest.WithRand(&counterReader{}))
	}
	p1, p2 := mk(), mk()
	if p1.Root().SerialNumber.Cmp(p2.Root().SerialNumber) != 0 {
		t.Errorf("same rand, different serials")
	}
	if !p1.Root().NotBefore.Equal(at.Add(-24 * time.Hour)) {
		t.Errorf("root NotBefore %v", p1.Root().NotBefore)
	}
	l := p1.Issue(t, pkitest.LeafSpec{})
	if !l.Cert.NotBefore.Equal(at.Add(-time.Hour)) {
		t.Errorf("leaf NotBefore %v", l.Cert.NotBefore)
	}
	clk.t = at.Add(2 * time.Hour)
	crl := fetchCRL(t, l.Cert.CRLDistributionPoints[0])
	if !crl.ThisUpdate.Equal(clk.t) || !crl.NextUpdate.Equal(clk.t.Add(24*time.Hour)) {
		t.Errorf("CRL times %v %v", crl.ThisUpdate, crl.NextUpdate)
	}
}

func TestConcurrentUse(t *testing.T) {
	p := pkitest.NewPKI(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := p.Issue(t, pkitest.LeafSpec{KeyType: pkitest.P256})
			p.Revoke(l.Cert, pkitest.ReasonSuperseded)
			_ = p.CRL(p.SubCA())
			_ = p.OCSPResponse(l.Cert)
		}()
	}
	wg.Wait()
	crl, err := x509.ParseRevocationList(p.CRL(p.SubCA()))
	if err != nil || len(crl.RevokedCertificateEntries) != 8 {
		t.Fatalf("entries: %v, %v", crl, err)
	}
}

func TestMisusePanics(t *testing.T) {
	p := pkitest.NewPKI(t)
	other := pkitest.NewPKI(t)
	foreign := other.Issue(t, pkitest.LeafSpec{}).Cert
	mustPanic(t, "NewPKI(nil)", func() { pkitest.NewPKI(nil) })
	mustPanic(t, "Revoke foreign", func() { p.Revoke(foreign, 0) })
	mustPanic(t, "Revoke nil", func() { p.Revoke(nil, 0) })
	mustPanic(t, "Revoke root", func() { p.Revoke(p.Root(), 0) })
	mustPanic(t, "CRL of a leaf", func() { p.CRL(foreign) })
	mustPanic(t, "DeltaCRL off", func() { p.DeltaCRL(p.SubCA()) })
	mustPanic(t, "OCSPResponse foreign", func() { p.OCSPResponse(foreign) })
	mustPanic(t, "bad key type", func() { p.Issue(t, pkitest.LeafSpec{KeyType: 99}) })
	mustPanic(t, "negative CRL", func() { p.CRLWithEntries(-1) })
	mustPanic(t, "WithClock(nil)", func() { pkitest.WithClock(nil) })
	mustPanic(t, "WithRand(nil)", func() { pkitest.WithRand(nil) })
}

// counterReader is a deterministic "random" source.
type counterReader struct{ n byte }

func (r *counterReader) Read(b []byte) (int, error) {
	for i := range b {
		r.n++
		b[i] = r.n
	}
	return len(b), nil
}
