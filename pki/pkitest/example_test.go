package pkitest_test

import (
	"crypto/x509"
	"fmt"
	"testing"

	"github.com/rpkit-vn/rpkit/pki/pkitest"
)

// In a test: build the PKI, issue an agency certificate, revoke it, and
// point the code under test at p.Root() (its CRL and OCSP URLs are in the
// certificates).
func ExampleNewPKI() {
	t := &testing.T{} // in a real test, the test's own *testing.T
	p := pkitest.NewPKI(t)
	defer p.Close()

	leaf := p.Issue(t, pkitest.LeafSpec{
		Subject: pkitest.AgencySubject("SỞ Y TẾ", "", "0400260612"),
	})
	p.Revoke(leaf.Cert, pkitest.ReasonKeyCompromise)

	crl, err := x509.ParseRevocationList(p.CRL(p.SubCA()))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(leaf.Chain[1].Subject.CommonName)
	fmt.Println(len(crl.RevokedCertificateEntries), "revoked")
	// Output:
	// CA phuc vu cac co quan Nha nuoc TEST
	// 1 revoked
}
