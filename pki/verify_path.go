package pki

import (
	"bytes"
	"context"
	"crypto/x509"
	"time"
)

// Path building. The verifier builds paths itself instead of calling
// x509.Verify because x509.Verify matches issuer names byte for byte, refuses
// every SHA-1 signature, ignores CA key usage and cannot evaluate
// directoryName constraints — all of which VGCA chains or RFC 5280 need.
// Signatures are still checked by crypto/x509 (Certificate.CheckSignature).
//
// The search is depth first, trusted roots before configured intermediates
// before the caller's, and bounded three ways: path length
// (MaxIntermediates+2), signature checks (MaxSignatureChecks) and the
// context.

type builder struct {
	ctx    context.Context
	v      *Verifier
	extra  *certPool
	at     time.Time
	use    Use
	sigs   int
	best   error
	rank   int
	anchor *x509.Certificate // if set, paths must end at this root (CRL signers)
	// signer marks the path of a CRL signer: certificate policies are not
	// processed for it (they constrain end entities, not CRL issuers).
	signer bool
}

// Error ranks: a complete path that failed validation says most, then a bad
// signature, then the absence of any issuer.
const (
	rankNoIssuer = iota + 1
	rankSignature
	rankBudget
	rankValidation
)

func (b *builder) note(rank int, err error) {
	if b.best == nil || rank > b.rank {
		b.best, b.rank = err, rank
	}
}

func (v *Verifier) buildChain(ctx context.Context, leaf *x509.Certificate, extra *certPool, at time.Time, use Use) ([]*x509.Certificate, error) {
	b := &builder{ctx: ctx, v: v, extra: extra, at: at, use: use}
	return b.run(leaf)
}

func (b *builder) run(leaf *x509.Certificate) ([]*x509.Certificate, error) {
	if b.v.roots.contains(leaf) && (b.anchor == nil || b.anchor.Equal(leaf)) {
		chain := []*x509.Certificate{leaf}
		if err := b.v.validateChain(chain, b.at, b.use, !b.signer); err != nil {
			return nil, err
		}
		return chain, nil
	}
	if chain := b.extend([]*x509.Certificate{leaf}); chain != nil {
		return chain, nil
	}
	if b.best == nil {
		b.best = verr(0, ErrUntrusted, "no issuer found", nil)
	}
	return nil, b.best
}

func (b *builder) extend(chain []*x509.Certificate) []*x509.Certificate {
	if err := b.ctx.Err(); err != nil {
		b.note(rankBudget+1, err)
		return nil
	}
	cur := chain[len(chain)-1]
	depth := len(chain) - 1
	if len(chain) > b.v.cfg.MaxIntermediates+1 {
		b.note(rankBudget, verr(depth, ErrTooManyIntermediates, "path too long", nil))
		return nil
	}
	found := false
	try := func(cand *x509.Certificate, isRoot bool) []*x509.Certificate {
		for _, c := range chain {
			if c == cand || bytes.Equal(c.Raw, cand.Raw) {
				return nil
			}
		}
		if isRoot && b.anchor != nil && !b.anchor.Equal(cand) {
			return nil
		}
		found = true
		if b.sigs >= b.v.cfg.MaxSignatureChecks {
			b.note(rankBudget, verr(depth, ErrTooManyIntermediates, "signature check budget exhausted", nil))
			return nil
		}
		b.sigs++
		if err := b.v.checkCertSignature(cur, cand); err != nil {
			// The candidate is not this certificate's issuer after all: the
			// error is ErrUntrusted and, through the cause, ErrSignature,
			// ErrWeakSignature or ErrUnsupportedAlgorithm.
			b.note(rankSignature, verr(depth, ErrUntrusted, "issuer signature check failed", err))
			return nil
		}
		next := append(chain[:len(chain):len(chain)], cand)
		if isRoot {
			if err := b.v.validateChain(next, b.at, b.use, !b.signer); err != nil {
				b.note(rankValidation, err)
				return nil
			}
			return next
		}
		return b.extend(next)
	}
	// Byte-equal names first (the common case, no name parsing), then
	// names equal under RFC 5280 §7.1 comparison.
	for pass := 0; pass < 2; pass++ {
		lookup := func(p *certPool) []*x509.Certificate { return p.bySubjectRaw(cur.RawIssuer) }
		if pass == 1 {
			key := nameKey(cur.RawIssuer)
			lookup = func(p *certPool) []*x509.Certificate {
				var out []*x509.Certificate
				for _, c := range p.bySubject(key) {
					if string(c.RawSubject) != string(cur.RawIssuer) { // tried in pass 0
						out = append(out, c)
					}
				}
				return out
			}
		}
		for _, c := range lookup(b.v.roots) {
			if r := try(c, true); r != nil {
				return r
			}
		}
		for _, c := range lookup(b.v.intermediates) {
			if b.v.roots.contains(c) {
				continue
			}
			if r := try(c, false); r != nil {
				return r
			}
		}
		for _, c := range lookup(b.extra) {
			if b.v.roots.contains(c) || b.v.intermediates.contains(c) {
				continue
			}
			if r := try(c, false); r != nil {
				return r
			}
		}
	}
	if !found {
		b.note(rankNoIssuer, verr(depth, ErrUntrusted, "no issuer found", nil))
	}
	return nil
}
