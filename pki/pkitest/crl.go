package pkitest

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"math/big"
	"time"

	"crypto/x509/pkix"
)

// oidDeltaCRLIndicator marks a delta CRL (RFC 5280 §5.2.4); critical.
var oidDeltaCRLIndicator = asn1.ObjectIdentifier{2, 5, 29, 27}

// CRL returns ca's CRL (ca is Root() or SubCA()) as the server would serve
// it now, faults included, for tests that load CRLs offline. It panics for
// any other certificate.
func (p *PKI) CRL(ca *x509.Certificate) []byte {
	der, err := p.signCRL(p.mustAuthority(ca), false)
	if err != nil {
		panic("pkitest: signing CRL: " + err.Error())
	}
	return der
}

// DeltaCRL returns the sub-CA's delta CRL; see WithDeltaCRL. It panics when
// delta CRLs are off for ca.
func (p *PKI) DeltaCRL(ca *x509.Certificate) []byte {
	a := p.mustAuthority(ca)
	if !a.delta {
		panic("pkitest: DeltaCRL without WithDeltaCRL")
	}
	der, err := p.signCRL(a, true)
	if err != nil {
		panic("pkitest: signing delta CRL: " + err.Error())
	}
	return der
}

// PublishBaseCRL publishes a new base CRL, carrying every revocation so
// far, for each CA publishing deltas; later revocations go on the delta
// CRLs, which refer to this base, until the next call. A base also
// publishes itself when the last one expires by the PKI clock.
func (p *PKI) PublishBaseCRL() {
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, a := range []*authority{p.root, p.sub} {
		if a.delta {
			a.publishBase(now)
		}
	}
}

// SetFixedCRL makes the server return der, verbatim, as ca's CRL instead
// of signing one per request (nil goes back to signing). For crafted CRLs:
// an old one kept from earlier, one with a bad extension.
func (p *PKI) SetFixedCRL(ca *x509.Certificate, der []byte) {
	a := p.mustAuthority(ca)
	p.mu.Lock()
	a.fixedCRL = der
	p.mu.Unlock()
}

// CRLWithEntries returns a CRL of the sub-CA listing n revoked serial
// numbers, BigCRLSerial(0) … BigCRLSerial(n−1), for benchmarks. It is not
// served and does not revoke anything this PKI issued.
func (p *PKI) CRLWithEntries(n int) []byte {
	if n < 0 {
		panic("pkitest: CRLWithEntries with a negative count")
	}
	now := p.now()
	entries := make([]x509.RevocationListEntry, n)
	for i := range entries {
		entries[i] = x509.RevocationListEntry{SerialNumber: BigCRLSerial(i), RevocationTime: now.Add(-time.Hour)}
	}
	p.mu.Lock()
	p.sub.crlNumber++
	num := p.sub.crlNumber
	p.mu.Unlock()
	der, err := x509.CreateRevocationList(p.cfg.rand, &x509.RevocationList{
		RevokedCertificateEntries: entries,
		Number:                    big.NewInt(num),
		ThisUpdate:                now,
		NextUpdate:                now.Add(p.cfg.crlValidity),
	}, p.sub.cert, p.sub.key)
	if err != nil {
		panic("pkitest: signing big CRL: " + err.Error())
	}
	return der
}

// BigCRLSerial is the serial number of entry i of CRLWithEntries: 10⁹ + i,
// far from the random 127-bit serials of issued certificates.
func BigCRLSerial(i int) *big.Int { return big.NewInt(1_000_000_000 + int64(i)) }

func (p *PKI) mustAuthority(ca *x509.Certificate) *authority {
	switch {
	case ca == nil:
	case ca.Equal(p.root.cert):
		return p.root
	case ca.Equal(p.sub.cert):
		return p.sub
	}
	panic("pkitest: not a CA of this PKI")
}

// signCRL signs a's CRL as of now — the complete CRL, or for a CA
// publishing deltas the base in force or a new delta — applying the CRL
// faults that concern content and signature.
func (p *PKI) signCRL(a *authority, delta bool) ([]byte, error) {
	now := p.now()
	p.mu.Lock()
	if a.fixedCRL != nil && !delta {
		der := a.fixedCRL
		p.mu.Unlock()
		return der, nil
	}
	revoked, number, thisUpdate := a.revoked, int64(0), now
	var base publishedBase
	if a.delta {
		// See crl_base.go: the base is re-served as published, a delta
		// is issued now against it.
		base = a.currentBase(now, p.cfg.crlValidity)
		if delta {
			revoked = a.revoked[base.count:]
		} else {
			revoked, number, thisUpdate = a.revoked[:base.count], base.number, base.thisUpdate
		}
	}
	if number == 0 {
		a.crlNumber++
		number = a.crlNumber
	}
	entries := make([]x509.RevocationListEntry, len(revoked))
	for i, r := range revoked {
		entries[i] = x509.RevocationListEntry{SerialNumber: r.serial, RevocationTime: r.at, ReasonCode: r.reason}
	}
	tmpl := &x509.RevocationList{
		RevokedCertificateEntries: entries,
		Number:                    big.NewInt(number),
		ThisUpdate:                thisUpdate,
		NextUpdate:                thisUpdate.Add(p.cfg.crlValidity),
	}
	if delta {
		ind, err := asn1.Marshal(big.NewInt(base.number))
		if err != nil {
			p.mu.Unlock()
			return nil, err
		}
		tmpl.ExtraExtensions = []pkix.Extension{{Id: oidDeltaCRLIndicator, Critical: true, Value: ind}}
	}
	faults := p.faults
	p.mu.Unlock()

	if faults&FaultStaleCRL != 0 {
		tmpl.ThisUpdate = now.Add(-2 * p.cfg.crlValidity)
		tmpl.NextUpdate = now.Add(-p.cfg.crlValidity)
	}
	var key crypto.Signer = a.key
	if faults&FaultCRLWrongKey != 0 {
		k, err := p.wrongKey()
		if err != nil {
			return nil, err
		}
		key = k
	}
	// CreateRevocationList does not check that key matches the issuer
	// certificate, which is what lets FaultCRLWrongKey sign as the CA.
	return x509.CreateRevocationList(p.cfg.rand, tmpl, a.cert, key)
}

// wrongKey is a key of this PKI's that no CA holds.
func (p *PKI) wrongKey() (crypto.Signer, error) {
	p.mu.Lock()
	k := p.wrongCRLKey
	p.mu.Unlock()
	if k != nil {
		return k, nil
	}
	k, err := p.nextKey(RSA2048)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.wrongCRLKey == nil {
		p.wrongCRLKey = k
	}
	return p.wrongCRLKey, nil
}
