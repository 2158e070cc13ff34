package pki

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
)

// VerifyAnswer verifies an answer to a challenge issued for purpose (the
// caller states the purpose it expects; the client does not choose it) and
// returns the agency the signer's certificate identifies.
//
// Order, and why: the ID's syntax is checked first (it becomes a store
// key); then the challenge is taken from the store, so this answer is its
// only one, however it fares; then expiry, purpose and audience; then the
// answer's limits and shape, and the signature over the signing input
// (nothing of the answer is parsed before its challenge is spent); last
// the signer's certificate with the Verifier (UseSigning, at the
// challenger's clock, revocation per the Verifier's policy), which may
// fetch CRLs or ask OCSP under ctx.
//
// Errors are *ChallengeError wrapping ErrChallengeUnknown (also a replay),
// ErrChallengeExpired, ErrChallengePurpose, ErrChallengeAudience,
// ErrChallengeSignature, ErrChallengeMalformed or ErrChallengeCertificate
// (with the Verifier's error: errors.Is(err, ErrRevoked) works), or the
// context's or the store's error.
func (c *Challenger) VerifyAnswer(ctx context.Context, purpose string, a Answer) (*AgencyIdentity, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkToken(a.ChallengeID, maxChallengeIDLen, isIDChar); err != nil {
		return nil, cherr(ErrChallengeMalformed, "challenge ID malformed", nil)
	}
	val, err := c.store.Take(ctx, a.ChallengeID)
	if err != nil {
		return nil, fmt.Errorf("pki: challenge store: %w", err)
	}
	if val == nil {
		return nil, cherr(ErrChallengeUnknown, "", nil)
	}
	ch, err := decodeStored(a.ChallengeID, val)
	if err != nil {
		return nil, fmt.Errorf("pki: challenge store returned an unreadable challenge: %w", err)
	}
	now := c.clock()
	if now.After(ch.ExpiresAt) {
		return nil, cherr(ErrChallengeExpired, "", nil)
	}
	if ch.Purpose != purpose {
		return nil, cherr(ErrChallengePurpose, "", nil)
	}
	if ch.Audience != c.audience {
		return nil, cherr(ErrChallengeAudience, "", nil)
	}

	d, err := a.decode()
	if err != nil {
		return nil, err
	}
	input := ch.SigningInput()
	var signer *x509.Certificate
	var intermediates []*x509.Certificate
	if d.cms != nil {
		signer, intermediates, err = d.cms.verify(input, d.certs,
			ch.IssuedAt.Add(-c.skew), ch.ExpiresAt.Add(c.skew))
		if err != nil {
			return nil, err
		}
	} else {
		signer, intermediates = d.certs[0], d.certs[1:]
		if err := verifyRawSignature(signer, d.alg, input, d.sig); err != nil {
			return nil, err
		}
	}

	res, err := c.verifier.Verify(ctx, signer, intermediates, Options{At: now, Use: UseSigning, Purpose: purpose})
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, cherrSafe(ErrChallengeCertificate, "", err)
	}
	if res.Subject == nil {
		return nil, cherr(ErrChallengeCertificate, "the certificate subject cannot be read with the VGCA profile", res.SubjectErr)
	}
	return newAgencyIdentity(ch, res), nil
}
