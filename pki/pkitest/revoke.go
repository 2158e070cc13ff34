package pkitest

import (
	"bytes"
	"crypto/x509"
	"time"
)

// Revocation reasons (RFC 5280 §5.3.1), for Revoke.
const (
	ReasonUnspecified          = 0
	ReasonKeyCompromise        = 1
	ReasonCACompromise         = 2
	ReasonAffiliationChanged   = 3
	ReasonSuperseded           = 4
	ReasonCessationOfOperation = 5
	ReasonCertificateHold      = 6
	ReasonRemoveFromCRL        = 8
	ReasonPrivilegeWithdrawn   = 9
	ReasonAACompromise         = 10
)

// Revoke revokes cert now (by the PKI clock) with reason: it appears on its
// CA's next CRL and OCSP answers "revoked". Revoking the sub-CA puts it on
// the root's CRL. It panics if this PKI did not issue cert.
func (p *PKI) Revoke(cert *x509.Certificate, reason int) {
	p.RevokeAt(cert, reason, p.now())
}

// RevokeAt is Revoke with an explicit revocation time. Revoking a
// certificate twice keeps the first record.
func (p *PKI) RevokeAt(cert *x509.Certificate, reason int, at time.Time) {
	a := p.issuerOf(cert)
	if a == nil {
		panic("pkitest: Revoke of a certificate this PKI did not issue")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, done := a.isRevoked(cert.SerialNumber); done {
		return
	}
	a.revoked = append(a.revoked, revocation{serial: cert.SerialNumber, at: at.UTC(), reason: reason})
}

// issuerOf finds the authority that issued cert, or nil.
func (p *PKI) issuerOf(cert *x509.Certificate) *authority {
	if cert == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, a := range []*authority{p.sub, p.root} {
		if bytes.Equal(cert.RawIssuer, a.cert.RawSubject) && a.issued[cert.SerialNumber.String()] &&
			!bytes.Equal(cert.Raw, a.cert.Raw) {
			return a
		}
	}
	return nil
}
