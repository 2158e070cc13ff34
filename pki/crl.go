package pki

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"
	"sync"
	"time"
)

// CRL reason codes (RFC 5280 §5.3.1) the verifier acts on.
const (
	ReasonUnspecified     = 0
	ReasonKeyCompromise   = 1
	ReasonCACompromise    = 2
	ReasonCertificateHold = 6
	ReasonRemoveFromCRL   = 8
)

// maxCRLEntries bounds the entries indexed from one CRL (fuzzing, DoS).
const maxCRLEntries = 5_000_000

// revEntry is what a CRL says about one serial.
type revEntry struct {
	at     time.Time
	reason int
}

// preparedCRL is a parsed CRL checked for what the verifier supports, with
// its revoked serials indexed once so a lookup is a map access.
type preparedCRL struct {
	rl         *x509.RevocationList
	source     string // URL, or "offline"
	issuerKey  string
	idp        *issuingDP
	delta      bool
	baseNumber *big.Int // deltaCRLIndicator
	// freshest are the http URLs of a complete CRL's FreshestCRL
	// extension: where its deltas are published (RFC 5280 §5.2.6).
	freshest []string
	// direct holds entries about certificates of the CRL issuer; byIssuer
	// those an indirect CRL lists for other issuers (certificateIssuer).
	direct   map[string]revEntry
	byIssuer map[string]map[string]revEntry

	mu       sync.Mutex
	verified map[string]error // signer Raw → signature check result
}

// prepareCRL validates the structure of a CRL: critical extensions known,
// entry extensions known, IDP parsed, serials indexed. Signature and
// freshness depend on the signer and the time, checked at use.
func prepareCRL(rl *x509.RevocationList, source string) (*preparedCRL, error) {
	if rl == nil {
		return nil, fmt.Errorf("%w: nil CRL", ErrCRLInvalid)
	}
	p := &preparedCRL{rl: rl, source: source, issuerKey: nameKey(rl.RawIssuer), verified: map[string]error{}}
	for _, e := range rl.Extensions {
		switch {
		case e.Id.Equal(oidIssuingDP):
			idp, err := parseIssuingDP(e.Value, rl.RawIssuer)
			if err != nil {
				return nil, fmt.Errorf("%w: issuing distribution point: %w", ErrCRLInvalid, err)
			}
			p.idp = idp
		case e.Id.Equal(oidDeltaCRLIndicator):
			var n *big.Int
			if rest, err := asn1.Unmarshal(e.Value, &n); err != nil || len(rest) != 0 {
				return nil, fmt.Errorf("%w: deltaCRLIndicator", ErrCRLInvalid)
			}
			p.delta, p.baseNumber = true, n
		case e.Id.Equal(oidFreshestCRL):
			urls, err := freshestURLs(e.Value, rl.RawIssuer)
			if err != nil {
				return nil, fmt.Errorf("%w: FreshestCRL: %w", ErrCRLInvalid, err)
			}
			p.freshest = urls
		case e.Id.Equal(oidCRLNumber), e.Id.Equal(oidAuthorityKeyID), e.Id.Equal(oidAuthorityInfoAccess):
		default:
			if e.Critical {
				return nil, fmt.Errorf("%w: unsupported critical extension %s", ErrCRLInvalid, e.Id)
			}
		}
	}
	if p.delta && rl.Number == nil {
		return nil, fmt.Errorf("%w: delta CRL without CRL number", ErrCRLInvalid)
	}
	if p.idp != nil && p.idp.onlyUser && p.idp.onlyCA {
		return nil, fmt.Errorf("%w: IDP both user-only and CA-only", ErrCRLInvalid)
	}
	if len(rl.RevokedCertificateEntries) > maxCRLEntries {
		return nil, fmt.Errorf("%w: too many entries", ErrCRLInvalid)
	}
	p.direct = make(map[string]revEntry, len(rl.RevokedCertificateEntries))
	current := p.direct // certificateIssuer switches this for the entries that follow
	var buf [serialKeyMax]byte
	for _, r := range rl.RevokedCertificateEntries {
		if r.SerialNumber == nil {
			return nil, fmt.Errorf("%w: entry without serial", ErrCRLInvalid)
		}
		reason := r.ReasonCode
		for _, e := range r.Extensions {
			switch {
			case e.Id.Equal(oidReasonCode), e.Id.Equal(oidInvalidityDate), e.Id.Equal(oidHoldInstruction):
			case e.Id.Equal(oidCertificateIssuer):
				if p.idp == nil || !p.idp.indirect {
					return nil, fmt.Errorf("%w: certificateIssuer in a direct CRL", ErrCRLInvalid)
				}
				gns, err := parseGeneralNames(e.Value)
				if err != nil {
					return nil, fmt.Errorf("%w: certificateIssuer: %w", ErrCRLInvalid, err)
				}
				var dn []byte
				for _, g := range gns {
					if g.tag == gnDirectory {
						dn = g.value
						break
					}
				}
				if dn == nil {
					return nil, fmt.Errorf("%w: certificateIssuer without a directory name", ErrCRLInvalid)
				}
				k := nameKey(dn)
				if k == p.issuerKey {
					current = p.direct
					break
				}
				if p.byIssuer == nil {
					p.byIssuer = map[string]map[string]revEntry{}
				}
				if p.byIssuer[k] == nil {
					p.byIssuer[k] = map[string]revEntry{}
				}
				current = p.byIssuer[k]
			default:
				if e.Critical {
					return nil, fmt.Errorf("%w: unsupported critical entry extension %s", ErrCRLInvalid, e.Id)
				}
			}
		}
		k, ok := serialKey(&buf, r.SerialNumber)
		if !ok {
			return nil, fmt.Errorf("%w: serial too long", ErrCRLInvalid)
		}
		current[string(k)] = revEntry{at: r.RevocationTime, reason: reason}
	}
	return p, nil
}

// serialKeyMax fits RFC 5280's 20-octet serials with room for non-conforming CAs.
const serialKeyMax = 1 + 64

// serialKey encodes a serial as sign byte + magnitude into buf, without
// allocating, for map lookups.
func serialKey(buf *[serialKeyMax]byte, n *big.Int) ([]byte, bool) {
	l := (n.BitLen() + 7) / 8
	if l > serialKeyMax-1 {
		return nil, false
	}
	b := buf[:1+l]
	if n.Sign() < 0 { // negative serials are non-conforming but exist (PKITS 4.4.14)
		b[0] = '-'
		new(big.Int).Abs(n).FillBytes(b[1:])
		return b, true
	}
	b[0] = '+'
	n.FillBytes(b[1:])
	return b, true
}

// lookup finds the certificate's entry: in the direct index when the
// certificate's issuer is the CRL issuer, else in the indirect one.
func (p *preparedCRL) lookup(c *x509.Certificate, issuerKey string) (revEntry, bool) {
	var buf [serialKeyMax]byte
	k, ok := serialKey(&buf, c.SerialNumber)
	if !ok {
		return revEntry{}, false
	}
	m := p.direct
	if issuerKey != p.issuerKey {
		m = p.byIssuer[issuerKey]
	}
	e, found := m[string(k)]
	return e, found
}

// current reports whether the CRL is usable at t: thisUpdate not in the
// future and nextUpdate (or thisUpdate+maxAge without one) not past, each
// with the skew allowance.
func (p *preparedCRL) current(t time.Time, skew, maxAge time.Duration) error {
	if p.rl.ThisUpdate.After(t.Add(skew)) {
		return fmt.Errorf("%w: thisUpdate in the future", ErrCRLExpired)
	}
	next := p.rl.NextUpdate
	if next.IsZero() {
		next = p.rl.ThisUpdate.Add(maxAge)
	}
	if t.After(next.Add(skew)) {
		return fmt.Errorf("%w: nextUpdate passed", ErrCRLExpired)
	}
	return nil
}

// checkSignedBy verifies the CRL signature with signer's key once and
// remembers the answer.
func (p *preparedCRL) checkSignedBy(v *Verifier, signer *x509.Certificate) error {
	p.mu.Lock()
	err, done := p.verified[string(signer.Raw)]
	p.mu.Unlock()
	if done {
		return err
	}
	err = v.checkSigned(signer, p.rl.SignatureAlgorithm, p.rl.RawTBSRevocationList, p.rl.Signature, p.rl.ThisUpdate)
	p.mu.Lock()
	if len(p.verified) < 64 {
		p.verified[string(signer.Raw)] = err
	}
	p.mu.Unlock()
	return err
}
