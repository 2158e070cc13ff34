package pki_test

import (
	"testing"

	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/pki/pkitest"
)

// pkitest's delegated responder carries id-pkix-ocsp-nocheck: its own
// revocation is not looked at, as RFC 6960 §4.2.2.2.1 says, so revoking it
// on the CA's CRL does not stop its answers. (Delegates without nocheck are
// covered in ocsp_delegate_test.go.)
func TestE2EOCSPDelegateNoCheck(t *testing.T) {
	c := newE2E(t, pki.RevocationOCSPThenCRL, pkitest.WithDelegatedOCSP())
	leaf := c.leaf(t)
	c.p.Revoke(c.p.OCSPResponder(c.p.SubCA()), pkitest.ReasonKeyCompromise)
	c.p.Inject(pkitest.FaultCRLDown)
	res, err := c.verify(leaf)
	wantStatuses(t, res, err, pki.StatusGood, "ocsp", "ocsp")
	if n := c.p.CRLFetches(); n != 0 {
		t.Errorf("%d CRL fetches: the nocheck delegate's status was looked up", n)
	}
}
