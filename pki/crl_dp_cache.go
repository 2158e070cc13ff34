package pki

import (
	"crypto/x509"
	"encoding/binary"
	"fmt"
	"sync"
)

// dpCache remembers a certificate's parsed distribution points and delta
// URLs by the bytes they were parsed from. The certificates of one CA
// share them, and parsing them with encoding/asn1 on every Verify was the
// largest cost beside the signatures in the profile of a cached-CRL
// verification. Entries are immutable; the map is emptied when full.
type dpCache struct {
	mu sync.RWMutex
	m  map[string]*certDPs
}

// certDPs is what revocation needs from a certificate's extensions.
type certDPs struct {
	dps    []distPoint
	deltas []string // FreshestCRL http URLs
	err    error    // typed: ErrCRLInvalid
}

const dpCacheMax = 1024

func newDPCache() *dpCache { return &dpCache{m: map[string]*certDPs{}} }

// get returns c's distribution points, parsing them on a miss.
func (d *dpCache) get(c *x509.Certificate) *certDPs {
	var dpExt, freshExt []byte
	for _, e := range c.Extensions {
		switch {
		case e.Id.Equal(oidCRLDistributionPoints):
			dpExt = e.Value
		case e.Id.Equal(oidFreshestCRL):
			freshExt = e.Value
		}
	}
	// The key holds every input of the parse: relative names resolve
	// against the issuer name. A stack buffer keeps the common lookup
	// allocation-free.
	var buf [512]byte
	key := buf[:0]
	for _, part := range [][]byte{dpExt, freshExt, c.RawIssuer} {
		key = binary.AppendUvarint(key, uint64(len(part)))
		key = append(key, part...)
	}
	d.mu.RLock()
	hit := d.m[string(key)]
	d.mu.RUnlock()
	if hit != nil {
		return hit
	}
	e := parseCertDPs(c, dpExt, freshExt)
	d.mu.Lock()
	if len(d.m) >= dpCacheMax {
		clear(d.m)
	}
	d.m[string(key)] = e
	d.mu.Unlock()
	return e
}

func parseCertDPs(c *x509.Certificate, dpExt, freshExt []byte) *certDPs {
	e := &certDPs{dps: []distPoint{{reasons: allReasons}}} // no extension: "the CRL of its issuer"
	if dpExt != nil {
		dps, err := parseDistPoints(dpExt, c.RawIssuer)
		if err != nil {
			return &certDPs{err: fmt.Errorf("%w: CRL distribution points: %w", ErrCRLInvalid, err)}
		}
		e.dps = dps
	}
	deltas, err := freshestURLs(freshExt, c.RawIssuer)
	if err != nil {
		return &certDPs{err: fmt.Errorf("%w: FreshestCRL: %w", ErrCRLInvalid, err)}
	}
	e.deltas = deltas
	return e
}
