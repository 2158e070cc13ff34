package pkitest

import (
	"crypto/x509"
	"net/http"
	"testing"
)

// TestNewStandalone builds a PKI without a test, as a demo does, issues an
// agency certificate with IssueLeaf and checks the chain and the CRL
// server; Close stops the servers.
func TestNewStandalone(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := p.IssueLeaf(LeafSpec{Subject: AgencySubject("Sở Tư pháp (thử nghiệm)", "000.00.10.H38", "0101234567")})
	if err != nil {
		t.Fatal(err)
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(p.Root())
	inter.AddCert(p.SubCA())
	if _, err := leaf.Cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		t.Fatalf("leaf does not chain to the root: %v", err)
	}
	if len(leaf.Chain) != 3 || leaf.Key == nil {
		t.Fatalf("chain of %d, key %v", len(leaf.Chain), leaf.Key)
	}
	resp, err := http.Get(leaf.Cert.CRLDistributionPoints[0])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CRL: status %d", resp.StatusCode)
	}
	p.Close()
	p.Close() // a second Close does nothing
	if _, err := http.Get(leaf.Cert.CRLDistributionPoints[0]); err == nil {
		t.Fatal("CRL server still answers after Close")
	}
}
