package pkitest

import (
	"crypto"
	"crypto/x509"
	"io"
	"math/big"
	"time"
)

// authority is one CA of the PKI with its issuance and revocation records.
// Its mutable fields are guarded by PKI.mu.
type authority struct {
	name   string // "root" or "subca": the file names on the CRL server
	cert   *x509.Certificate
	key    crypto.Signer
	parent *authority // nil for the root

	issued  map[string]bool // serial numbers (decimal) it has signed
	revoked []revocation    // in revocation order

	// crlNumber is the last CRL number used. Each CRL issued takes the
	// next; base and delta CRLs share the sequence (RFC 5280 §5.2.4).
	crlNumber int64
	delta     bool          // publishes delta CRLs (WithDeltaCRL)
	base      publishedBase // the base CRL in force when delta
	fixedCRL  []byte

	responder      *signerCert // delegated OCSP responder, made on first use
	noEKUResponder *signerCert // FaultOCSPDelegateNoEKU, made on first use
}

type revocation struct {
	serial *big.Int
	at     time.Time
	reason int
}

func newAuthority(name string, cert *x509.Certificate, key crypto.Signer, parent *authority) *authority {
	a := &authority{name: name, cert: cert, key: key, parent: parent, issued: map[string]bool{}}
	if parent == nil {
		a.issued[cert.SerialNumber.String()] = true // the root's own, self-issued
	}
	return a
}

func (a *authority) isRevoked(serial *big.Int) (revocation, bool) {
	for _, r := range a.revoked {
		if r.serial.Cmp(serial) == 0 {
			return r, true
		}
	}
	return revocation{}, false
}

func readFull(r io.Reader, b []byte) (int, error) { return io.ReadFull(r, b) }
