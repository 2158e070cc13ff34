package pkitest

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
	"time"
)

// LeafSpec describes an end-entity certificate for Issue. The zero value is
// a VGCA-style signing certificate: RSA-2048, digitalSignature and
// nonRepudiation, EKU clientAuth and emailProtection, valid for a year from
// an hour ago, signed with SHA-256 by the sub-CA.
type LeafSpec struct {
	// Subject defaults to CN=pkitest leaf, C=VN. Use AgencySubject or
	// PersonSubject for the VGCA UIDs.
	Subject        pkix.Name
	EmailAddresses []string // SAN rfc822Name

	KeyType KeyType       // ignored when Key is set
	Key     crypto.Signer // a key of the test's own instead of a pool key

	// KeyUsage zero means digitalSignature|contentCommitment; EKUs nil
	// means clientAuth, emailProtection; NoEKU omits the extension.
	KeyUsage x509.KeyUsage
	EKUs     []x509.ExtKeyUsage
	NoEKU    bool

	NotBefore, NotAfter time.Time // zero: now−1h, now+1y by the PKI clock

	SHA1    bool // sign with sha1WithRSAEncryption (legacy chains)
	ByRoot  bool // issue directly under the root (a two-level chain)
	NoCRLDP bool // leave out the CRL distribution point
	NoOCSP  bool // leave out the AIA OCSP URL

	// Modify, if set, edits the template last, for what the fields above
	// do not cover (a critical unknown extension, a wrong basic constraint).
	Modify func(*x509.Certificate)
}

// Leaf is an issued certificate with its key.
type Leaf struct {
	Cert  *x509.Certificate
	Key   crypto.Signer
	Chain []*x509.Certificate // Cert, the issuing CA(s), the root
}

// Intermediates returns the chain between the leaf and the root.
func (l *Leaf) Intermediates() []*x509.Certificate {
	if len(l.Chain) < 3 {
		return nil
	}
	return l.Chain[1 : len(l.Chain)-1]
}

// Issue signs a certificate for spec. It fails the test if signing fails
// and panics on an unknown KeyType. IssueLeaf (standalone.go) returns the
// error instead.
func (p *PKI) Issue(t testing.TB, spec LeafSpec) *Leaf {
	t.Helper()
	l, err := p.IssueLeaf(spec)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
