package pki

import (
	"context"
	"crypto/x509"
	"fmt"
	"time"
)

// RevocationPolicy says how revocation is established and what happens when
// it cannot be.
type RevocationPolicy int

const (
	// RevocationHardFail (default): CRL first, OCSP when no CRL decides; a
	// certificate whose status stays unknown fails with ErrRevocationUnknown.
	RevocationHardFail RevocationPolicy = iota
	// RevocationSoftFail: as HardFail, but an unknown status is accepted and
	// reported as StatusUnknown in the Result. Revoked still fails.
	RevocationSoftFail
	// RevocationCRLOnly: CRLs only, hard fail.
	RevocationCRLOnly
	// RevocationOCSPThenCRL: OCSP first, CRL when OCSP does not decide; hard fail.
	RevocationOCSPThenCRL
)

// Status is a certificate's revocation status. The zero value is Unknown.
type Status int

const (
	StatusUnknown Status = iota
	StatusGood
	StatusRevoked
)

func (s Status) String() string {
	switch s {
	case StatusGood:
		return "good"
	case StatusRevoked:
		return "revoked"
	}
	return "unknown"
}

// RevocationStatus is the revocation status of one certificate of the chain.
type RevocationStatus struct {
	Status     Status
	Source     string    // "crl", "ocsp", or "" when unknown
	RevokedAt  time.Time // when revoked
	Reason     int       // CRL reason code when revoked
	NextUpdate time.Time // when the answer used should be refreshed
	Err        error     // why the status is unknown
}

// maxRevocationDepth bounds nested CRL-signer validation (a CRL signed by a
// certificate outside the chain, whose own status needs another CRL …).
const maxRevocationDepth = 3

// revCtx carries one Verify call's revocation work.
type revCtx struct {
	ctx           context.Context
	v             *Verifier
	at            time.Time
	intermediates []*x509.Certificate
	extra         *certPool // built lazily: only needed for CRL signers outside the chain
	depth         int
	// pending are CRL signers whose path is validated and whose own status
	// is being established. A CRL signer may be covered by a CRL it signs
	// itself (PKITS 4.14.30); such a CRL is accepted for it rather than
	// recursing without end: a forged CRL would need the same key anyway.
	pending map[string]bool
}

func (v *Verifier) checkChainRevocation(ctx context.Context, chain, intermediates []*x509.Certificate, at time.Time) ([]RevocationStatus, error) {
	r := &revCtx{ctx: ctx, v: v, at: at, intermediates: intermediates}
	return r.chainStatus(chain)
}

func (r *revCtx) extraPool() *certPool {
	if r.extra == nil {
		r.extra = newCertPool(r.intermediates)
	}
	return r.extra
}

func (r *revCtx) chainStatus(chain []*x509.Certificate) ([]RevocationStatus, error) {
	n := len(chain) - 1
	out := make([]RevocationStatus, n)
	for i := 0; i < n; i++ {
		if err := r.ctx.Err(); err != nil {
			return out, err
		}
		st := r.status(chain, i)
		out[i] = st
		switch st.Status {
		case StatusRevoked:
			return out, verr(i, ErrRevoked, fmt.Sprintf("reason %d, by %s", st.Reason, st.Source), nil)
		case StatusUnknown:
			if r.v.cfg.Revocation != RevocationSoftFail {
				return out, verr(i, ErrRevocationUnknown, "", st.Err)
			}
		}
	}
	return out, nil
}

// status asks the sources in the policy's order until one decides.
func (r *revCtx) status(chain []*x509.Certificate, i int) RevocationStatus {
	var first RevocationStatus
	switch r.v.cfg.Revocation {
	case RevocationCRLOnly:
		return r.crlStatus(chain, i)
	case RevocationOCSPThenCRL:
		first = r.ocspStatus(chain, i)
		if first.Status != StatusUnknown {
			return first
		}
		second := r.crlStatus(chain, i)
		if second.Status == StatusUnknown {
			second.Err = joinUnknown(first.Err, second.Err)
		}
		return second
	default:
		first = r.crlStatus(chain, i)
		if first.Status != StatusUnknown {
			return first
		}
		second := r.ocspStatus(chain, i)
		if second.Status == StatusUnknown {
			second.Err = joinUnknown(first.Err, second.Err)
		}
		return second
	}
}

func joinUnknown(a, b error) error {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return fmt.Errorf("%w; %w", a, b)
}

// crlStatus evaluates the CRLs in hand, then, if they do not decide,
// fetches the http distribution points and evaluates again. When a base CRL
// decides without a delta in hand although the certificate or the base
// names one (FreshestCRL), the delta is fetched and applied: a revocation
// made since the base is otherwise missed until the next base.
func (r *revCtx) crlStatus(chain []*x509.Certificate, i int) RevocationStatus {
	parsed := r.v.dps.get(chain[i])
	if parsed.err != nil {
		return RevocationStatus{Err: parsed.err}
	}
	dps, deltas := parsed.dps, parsed.deltas
	st, want := r.evalCRLs(chain, i, dps, deltas, false)
	if st.Status == StatusUnknown {
		st, want = r.evalCRLs(chain, i, dps, deltas, true)
	}
	var fetchErr error
	if st.Status == StatusUnknown {
		var urls []string
		for _, dp := range dps {
			urls = append(urls, dp.urls...)
		}
		var fetched bool
		fetched, fetchErr = r.fetchCRLs(urls)
		if fetched {
			st, want = r.evalCRLs(chain, i, dps, deltas, true)
		}
	}
	if len(want) > 0 {
		// A delta that cannot be fetched leaves the base to decide alone,
		// as for a verifier not using deltas (RFC 5280 §6.3.3 use-deltas):
		// the base is the issuer's signed word until its nextUpdate.
		fetched, err := r.fetchCRLs(want)
		if fetched {
			if withDelta, _ := r.evalCRLs(chain, i, dps, deltas, true); withDelta.Status != StatusUnknown {
				st = withDelta
			}
		}
		if err != nil && st.Status == StatusUnknown {
			fetchErr = joinUnknown(fetchErr, err)
		}
	}
	if st.Status == StatusUnknown && fetchErr != nil {
		st.Err = joinUnknown(st.Err, fetchErr)
	}
	return st
}

// evalCRLs is RFC 5280 §6.3.3 over the CRLs in the store: for each
// distribution point, each CRL in scope that is current and properly signed
// adds its reasons to the mask, until every reason is covered or an entry is
// found. Delta CRLs are applied over their base. want lists the delta
// URLs (certDeltas, the base's FreshestCRL) to fetch because a base decided
// without a delta in hand: for "good", and for "on hold", which a delta may
// lift; other revocations are final.
func (r *revCtx) evalCRLs(chain []*x509.Certificate, i int, dps []distPoint, certDeltas []string, normalized bool) (st RevocationStatus, want []string) {
	c := chain[i]
	v := r.v
	isCA := c.BasicConstraintsValid && c.IsCA
	var mask reasonMask
	var lastErr error
	var next time.Time
	certIssuerKey := ""
	for _, dp := range dps {
		var cands []*preparedCRL
		if dp.crlIssuers == nil {
			cands = v.crls.candidates(c.RawIssuer, normalized)
		} else {
			for _, ci := range dp.crlIssuers {
				cands = append(cands, v.crls.candidates(ci, normalized)...)
			}
		}
		for _, p := range cands {
			if mask == allReasons {
				break
			}
			if p.delta {
				continue
			}
			direct := true
			if dp.crlIssuers != nil {
				if p.idp == nil || !p.idp.indirect {
					continue // only an indirect CRL may speak for another issuer
				}
				direct = sameName(p.rl.RawIssuer, c.RawIssuer)
			}
			if !p.inScope(dp, isCA) {
				continue
			}
			interim := dp.reasons
			if p.idp != nil {
				interim &= p.idp.reasons
			}
			if interim&^mask == 0 {
				continue
			}
			if err := p.current(r.at, v.cfg.MaxClockSkew, v.cfg.MaxResponseAge); err != nil {
				lastErr = err
				continue
			}
			signer, err := r.crlSigner(chain, i, p)
			if err != nil {
				lastErr = err
				continue
			}
			if !direct && certIssuerKey == "" {
				certIssuerKey = nameKey(c.RawIssuer)
			}
			key := p.issuerKey
			if !direct {
				key = certIssuerKey
			}
			delta := r.findDelta(p, cands, signer)
			removed := false
			if delta != nil {
				if e, ok := delta.lookup(c, key); ok {
					if e.reason != ReasonRemoveFromCRL {
						return revoked(e, delta), nil
					}
					removed = true
				}
			} else if len(certDeltas) > 0 || len(p.freshest) > 0 {
				want = addURLs(addURLs(want, certDeltas), p.freshest)
			}
			if !removed {
				if e, ok := p.lookup(c, key); ok && e.reason != ReasonRemoveFromCRL {
					if e.reason != ReasonCertificateHold {
						want = nil
					}
					return revoked(e, p), want
				}
			}
			mask |= interim
			nu := p.rl.NextUpdate
			if delta != nil && !delta.rl.NextUpdate.IsZero() && delta.rl.NextUpdate.Before(nu) {
				nu = delta.rl.NextUpdate
			}
			if next.IsZero() || nu.Before(next) {
				next = nu
			}
		}
	}
	if mask == allReasons {
		return RevocationStatus{Status: StatusGood, Source: "crl", NextUpdate: next}, want
	}
	if lastErr == nil {
		lastErr = errNoCRL
		if mask != 0 {
			lastErr = fmt.Errorf("%w: CRLs in hand do not cover every reason", errNoCRL)
		}
	}
	return RevocationStatus{Err: lastErr}, nil
}

func revoked(e revEntry, p *preparedCRL) RevocationStatus {
	return RevocationStatus{Status: StatusRevoked, Source: "crl", RevokedAt: e.at, Reason: e.reason, NextUpdate: p.rl.NextUpdate}
}

// inScope checks the CRL's issuing distribution point against the
// certificate's distribution point and kind (§6.3.3 b).
func (p *preparedCRL) inScope(dp distPoint, isCA bool) bool {
	idp := p.idp
	if idp == nil {
		return true
	}
	if idp.names != nil {
		switch {
		case dp.names != nil:
			if !intersects(dp.names, idp.names) {
				return false
			}
		case dp.issuerKeys != nil:
			if !intersects(dp.issuerKeys, idp.names) {
				return false
			}
		default:
			return false
		}
	}
	if idp.onlyAttr || idp.onlyUser && isCA || idp.onlyCA && !isCA {
		return false
	}
	return true
}

// findDelta picks the newest current delta CRL that applies to base: same
// issuer and scope, signed by the same key, built on a base at most as new.
func (r *revCtx) findDelta(base *preparedCRL, cands []*preparedCRL, signer *x509.Certificate) *preparedCRL {
	if base.rl.Number == nil {
		return nil
	}
	var best *preparedCRL
	for _, d := range cands {
		if !d.delta || d.issuerKey != base.issuerKey || !sameScope(d.idp, base.idp) {
			continue
		}
		if d.baseNumber.Cmp(base.rl.Number) > 0 || d.rl.Number.Cmp(base.rl.Number) <= 0 {
			continue
		}
		if d.current(r.at, r.v.cfg.MaxClockSkew, r.v.cfg.MaxResponseAge) != nil {
			continue
		}
		if d.checkSignedBy(r.v, signer) != nil {
			continue
		}
		if best == nil || d.rl.Number.Cmp(best.rl.Number) > 0 {
			best = d
		}
	}
	return best
}

func sameScope(a, b *issuingDP) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.onlyUser != b.onlyUser || a.onlyCA != b.onlyCA || a.onlyAttr != b.onlyAttr || a.indirect != b.indirect || a.reasons != b.reasons || len(a.names) != len(b.names) {
		return false
	}
	for i := range a.names {
		if a.names[i] != b.names[i] {
			return false
		}
	}
	return true
}

// crlSigner finds the certificate whose key signed the CRL and that may sign
// it: the certificate's issuer from the verified chain first, then (RFC 5280
// §6.3.3 f: separate CRL keys, key rollover) any certificate with the CRL
// issuer's name that validates to the same anchor and is not revoked. The
// signer needs cRLSign when it has a KeyUsage extension.
func (r *revCtx) crlSigner(chain []*x509.Certificate, i int, p *preparedCRL) (*x509.Certificate, error) {
	var lastErr error
	try := func(s *x509.Certificate, inChain bool) bool {
		if err := p.checkSignedBy(r.v, s); err != nil {
			lastErr = fmt.Errorf("%w: %w", ErrCRLSignature, err)
			return false
		}
		if s.KeyUsage != 0 && s.KeyUsage&x509.KeyUsageCRLSign == 0 {
			lastErr = fmt.Errorf("%w: CRL signer lacks cRLSign", ErrKeyUsage)
			return false
		}
		if !inChain && !r.pending[string(s.Raw)] {
			if err := r.validateSigner(s, chain[len(chain)-1]); err != nil {
				lastErr = fmt.Errorf("%w: CRL signer: %w", ErrCRLSignature, err)
				return false
			}
		}
		return true
	}
	// Fast path: the direct issuer, byte-equal names.
	if iss := chain[i+1]; string(iss.RawSubject) == string(p.rl.RawIssuer) && try(iss, true) {
		return iss, nil
	}
	tried := map[*x509.Certificate]bool{chain[i+1]: string(chain[i+1].RawSubject) == string(p.rl.RawIssuer)}
	for j := i + 1; j < len(chain); j++ {
		s := chain[j]
		if !tried[s] && sameName(s.RawSubject, p.rl.RawIssuer) {
			tried[s] = true
			if try(s, true) {
				return s, nil
			}
		}
	}
	if r.depth >= maxRevocationDepth {
		if lastErr == nil {
			lastErr = ErrCRLSignature
		}
		return nil, lastErr
	}
	pools := []*certPool{r.v.roots, r.v.intermediates, r.extraPool()}
	for _, pool := range pools {
		for _, s := range pool.bySubject(p.issuerKey) {
			if tried[s] {
				continue
			}
			tried[s] = true
			if try(s, false) {
				return s, nil
			}
		}
	}
	if lastErr == nil {
		lastErr = fmt.Errorf("%w: no certificate of the CRL issuer", ErrCRLSignature)
	}
	return nil, lastErr
}

// validateSigner validates a CRL signer outside the chain: a path to the
// same anchor, then the revocation of that path, one level deeper.
func (r *revCtx) validateSigner(s, anchor *x509.Certificate) error {
	if s.Equal(anchor) {
		return nil
	}
	b := &builder{ctx: r.ctx, v: r.v, extra: r.extraPool(), at: r.at, use: UseAny, anchor: anchor, signer: true}
	chain, err := b.run(s)
	if err != nil {
		return err
	}
	pending := map[string]bool{string(s.Raw): true}
	for k := range r.pending {
		pending[k] = true
	}
	sub := &revCtx{ctx: r.ctx, v: r.v, at: r.at, intermediates: r.intermediates, extra: r.extra, depth: r.depth + 1, pending: pending}
	_, err = sub.chainStatus(chain)
	return err
}
