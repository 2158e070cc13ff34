package vnconnect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// VerifierConfig configures an IDTokenVerifier (and a LogoutTokenVerifier).
// ClientID and Issuer are required; every other zero value is safe.
type VerifierConfig struct {
	// ClientID is this relying party's client_id: it must be in "aud".
	ClientID string
	// Issuer must equal "iss" exactly. On Vnconnect (WSO2) it is the token
	// endpoint URL, e.g. https://xacthuc.dichvucong.gov.vn/oauth2/token.
	Issuer string
	// AllowedAlgs lists the accepted signing algorithms; empty means
	// RS256 only. Only asymmetric algorithms can be listed (RS*, PS*, ES*,
	// EdDSA): "none" and HS* are refused here and in every token.
	AllowedAlgs []string
	// Leeway tolerates clock skew on exp, nbf, iat and auth_time. Zero
	// means none.
	Leeway time.Duration
	// RequiredLoA, when set ("LoA1".."LoA4"), makes "acr" mandatory and
	// at least this level.
	RequiredLoA string
	// MaxAge, when positive, makes "auth_time" mandatory and no older than
	// MaxAge (the max_age authorization parameter).
	MaxAge time.Duration
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
}

// VerifyParams carries what one verification is checked against: values
// of the authorization request and of the token response.
type VerifyParams struct {
	// Nonce is the nonce sent in the authorization request. When set, the
	// token must carry an equal nonce (compared in constant time). When
	// empty, a nonce in the token is accepted and exposed in IDToken.Nonce:
	// refreshed ID tokens may repeat the original nonce (OIDC Core 12.2),
	// and the caller that knows it can compare.
	Nonce string
	// AccessToken, when set, is checked against "at_hash" if present.
	AccessToken string
	// Code, when set, is checked against "c_hash" if present.
	Code string
	// RequireAtHash / RequireCHash make the claim mandatory (hybrid and
	// implicit flows); they need AccessToken / Code.
	RequireAtHash, RequireCHash bool
	// MaxAge and RequiredLoA tighten the verifier's own settings for this
	// request (e.g. a step-up login): the stricter of the two applies.
	MaxAge      time.Duration
	RequiredLoA string
	// Subject, when set, must equal "sub" (ErrSubjectMismatch): used when
	// a token must be about a person already known, e.g. after a refresh.
	Subject string
}

// IDTokenVerifier verifies Vnconnect ID tokens (OIDC Core 3.1.3.7). It is
// immutable and safe for concurrent use; build one per client and reuse it.
//
// Rules, in order: the token is at most MaxTokenSize and a compact JWS;
// its "alg" is in the allow-list ("none" and HS* never are) and "crit" is
// absent; the signature verifies with a key from the KeySet chosen by "kid"
// (see KeySet for kid-less tokens); then iss (exact), aud (contains the
// client), azp (required with several audiences, always the client when
// present), exp (required), nbf, iat (required, not in the future), sub
// (required), nonce, at_hash/c_hash, auth_time against max_age and acr
// against the required level of assurance. Times allow VerifierConfig.Leeway.
type IDTokenVerifier struct {
	keys     KeySet
	algs     algPolicy
	clientID string
	issuer   string
	leeway   time.Duration
	loa      int
	maxAge   time.Duration
	clock    func() time.Time
}

// NewIDTokenVerifier returns a verifier using keys (never a token's own
// header keys) and cfg.
func NewIDTokenVerifier(keys KeySet, cfg VerifierConfig) (*IDTokenVerifier, error) {
	if keys == nil {
		return nil, errors.New("vnconnect: NewIDTokenVerifier: nil KeySet")
	}
	if cfg.ClientID == "" {
		return nil, errors.New("vnconnect: VerifierConfig.ClientID is required")
	}
	if cfg.Issuer == "" {
		return nil, errors.New("vnconnect: VerifierConfig.Issuer is required")
	}
	if cfg.Leeway < 0 || cfg.MaxAge < 0 {
		return nil, errors.New("vnconnect: VerifierConfig: Leeway and MaxAge must not be negative")
	}
	algs, err := newAlgPolicy(cfg.AllowedAlgs)
	if err != nil {
		return nil, err
	}
	v := &IDTokenVerifier{
		keys: keys, algs: algs, clientID: cfg.ClientID, issuer: cfg.Issuer,
		leeway: cfg.Leeway, maxAge: cfg.MaxAge, clock: cfg.Clock,
	}
	if cfg.RequiredLoA != "" {
		if v.loa = loaLevel(cfg.RequiredLoA); v.loa == 0 {
			return nil, fmt.Errorf("vnconnect: VerifierConfig.RequiredLoA %q is not one of LoA1..LoA4", cfg.RequiredLoA)
		}
	}
	if v.clock == nil {
		v.clock = time.Now
	}
	return v, nil
}

// idTokenClaims are the claims the verifier checks, filled in one pass by
// decodeIDTokenClaims (member names there).
type idTokenClaims struct {
	registeredClaims
	AuthTime                       jwtTime
	Nonce, ACR, AtHash, CHash, SID string
	AMR                            []string
	Events                         string // raw JSON, "" when absent
}

// Verify checks raw (a compact JWS) and returns the verified ID token.
// Errors wrap the package's sentinels (ErrInvalidSignature,
// ErrTokenExpired, …) and never quote token content.
//
// Order: size and shape, then alg against the allow-list, then the
// signature, and only then the claims — so no claim of a forged token is
// ever acted upon.
func (v *IDTokenVerifier) Verify(ctx context.Context, raw string, p VerifyParams) (*IDToken, error) {
	const what = "id token"
	tok, err := verifyCompact(ctx, raw, v.algs, v.keys, what)
	if err != nil {
		return nil, err
	}
	switch typ := strings.ToLower(tok.header.Typ); typ {
	case "logout+jwt", "application/logout+jwt":
		// Explicit typing (Back-Channel Logout 1.0 §2.4) exists so that a
		// logout token can never pass as an ID token.
		return nil, malformed(what, "token is a logout token")
	case "at+jwt", "application/at+jwt":
		// A JWT access token (RFC 9068 §2.1) from the same issuer and for
		// the same audience must not pass as an ID token either.
		return nil, malformed(what, "token is an access token")
	}
	// The verified token and its decoded claims share one allocation.
	box := new(struct {
		tok IDToken
		c   idTokenClaims
	})
	c := &box.c
	if err := decodeIDTokenClaims(tok.claims, c); err != nil {
		return nil, malformed(what, "claims are not a valid JSON object")
	}
	if c.Events != "" && c.Events != "null" {
		return nil, malformed(what, "token carries security events (a logout token?)")
	}
	if err := v.checkClaims(c, tok.alg, v.clock(), p); err != nil {
		return nil, err
	}
	box.tok = IDToken{
		Issuer:          c.Issuer,
		Subject:         c.Subject,
		Audience:        c.Audience,
		AuthorizedParty: c.AZP,
		Expiry:          c.Exp.time(),
		IssuedAt:        c.Iat.time(),
		NotBefore:       c.Nbf.time(),
		AuthTime:        c.AuthTime.time(),
		Nonce:           c.Nonce,
		ACR:             c.ACR,
		AMR:             c.AMR,
		AtHash:          c.AtHash,
		CHash:           c.CHash,
		SID:             c.SID,
		Raw:             raw,
		claims:          tok.claims,
	}
	return &box.tok, nil
}

func idErr(why string, sentinel error) error {
	return fmt.Errorf("vnconnect: id token: %s: %w", why, sentinel)
}

// checkClaims applies OIDC Core 3.1.3.7 and the caller's parameters.
func (v *IDTokenVerifier) checkClaims(c *idTokenClaims, alg *jwtAlg, now time.Time, p VerifyParams) error {
	if err := checkIssAudAzp(c.Issuer, c.Audience, c.AZP, v.issuer, v.clientID, "id token"); err != nil {
		return err
	}
	if err := checkTimes(c.Exp, c.Nbf, c.Iat, now, v.leeway, true, "id token"); err != nil {
		return err
	}
	if c.Subject == "" {
		return idErr("sub is missing", ErrMissingClaim)
	}
	if p.Subject != "" && c.Subject != p.Subject {
		return idErr("sub is not the expected subject", ErrSubjectMismatch)
	}
	if p.Nonce != "" {
		if c.Nonce == "" {
			return idErr("nonce is missing", ErrNonceMismatch)
		}
		if !constantTimeEqual(c.Nonce, p.Nonce) {
			return idErr("nonce differs from the one sent", ErrNonceMismatch)
		}
	}
	if err := checkTokenHash("at_hash", c.AtHash, p.AccessToken, p.RequireAtHash, alg, ErrAtHashMismatch); err != nil {
		return err
	}
	if err := checkTokenHash("c_hash", c.CHash, p.Code, p.RequireCHash, alg, ErrCHashMismatch); err != nil {
		return err
	}
	if c.AuthTime.set && c.AuthTime.t.After(now.Add(v.leeway)) {
		return idErr("auth_time is in the future", ErrIssuedInFuture)
	}
	if maxAge := stricterMaxAge(v.maxAge, p.MaxAge); maxAge > 0 {
		if !c.AuthTime.set {
			return idErr("auth_time is required with max_age", ErrMissingClaim)
		}
		if now.Sub(c.AuthTime.t) > maxAge+v.leeway {
			return idErr("authentication is older than max_age", ErrAuthTooOld)
		}
	}
	want := v.loa
	if p.RequiredLoA != "" {
		l := loaLevel(p.RequiredLoA)
		if l == 0 {
			return fmt.Errorf("vnconnect: VerifyParams.RequiredLoA is not one of LoA1..LoA4")
		}
		want = max(want, l)
	}
	if want > 0 {
		if c.ACR == "" {
			return idErr("acr is missing", ErrInsufficientLoA)
		}
		got := loaLevel(c.ACR)
		if got == 0 {
			return idErr("acr is not a known level of assurance", ErrInsufficientLoA)
		}
		if got < want {
			return idErr("acr is below the required level of assurance", ErrInsufficientLoA)
		}
	}
	return nil
}

func stricterMaxAge(a, b time.Duration) time.Duration {
	switch {
	case a <= 0:
		return b
	case b <= 0:
		return a
	}
	return min(a, b)
}

// checkIssAudAzp checks iss exactly, that aud contains clientID, and azp
// (OIDC Core 3.1.3.7 items 2–5): required to be the client when there are
// several audiences, and if present always equal to it.
func checkIssAudAzp(iss string, aud jwtAudience, azp, wantIss, clientID, what string) error {
	if iss == "" {
		return fmt.Errorf("vnconnect: %s: iss is missing: %w", what, ErrMissingClaim)
	}
	if iss != wantIss {
		return fmt.Errorf("vnconnect: %s: iss is not the configured issuer: %w", what, ErrIssuerMismatch)
	}
	if !aud.contains(clientID) {
		return fmt.Errorf("vnconnect: %s: aud does not contain the client ID: %w", what, ErrAudienceMismatch)
	}
	if len(aud) > 1 && azp == "" {
		return fmt.Errorf("vnconnect: %s: azp is required with several audiences: %w", what, ErrAuthorizedPartyMismatch)
	}
	if azp != "" && azp != clientID {
		return fmt.Errorf("vnconnect: %s: azp is not the client ID: %w", what, ErrAuthorizedPartyMismatch)
	}
	return nil
}

// checkTimes checks exp (required when requireExp; the token is expired
// from exp+leeway on), nbf and iat (required) with the leeway on each side.
func checkTimes(exp, nbf, iat jwtTime, now time.Time, leeway time.Duration, requireExp bool, what string) error {
	switch {
	case exp.set:
		// RFC 7519 §4.1.4: the token must be used before exp, so the
		// instant exp+leeway itself is already too late. (Replay caches
		// treat an entry whose expiry equals now as gone: accepting the
		// token at that instant would let it be replayed.)
		if !now.Before(exp.t.Add(leeway)) {
			return fmt.Errorf("vnconnect: %s: %w", what, ErrTokenExpired)
		}
	case requireExp:
		return fmt.Errorf("vnconnect: %s: exp is missing: %w", what, ErrMissingClaim)
	}
	if nbf.set && nbf.t.After(now.Add(leeway)) {
		return fmt.Errorf("vnconnect: %s: %w", what, ErrTokenNotYetValid)
	}
	if !iat.set {
		return fmt.Errorf("vnconnect: %s: iat is missing: %w", what, ErrMissingClaim)
	}
	if iat.t.After(now.Add(leeway)) {
		return fmt.Errorf("vnconnect: %s: %w", what, ErrIssuedInFuture)
	}
	return nil
}

// checkTokenHash checks at_hash or c_hash. A claim present but with nothing
// to compare it to (the caller passed no token) is accepted: e.g. an ID
// token used as a hint. A required claim needs both.
func checkTokenHash(name, claim, token string, required bool, alg *jwtAlg, sentinel error) error {
	if claim == "" {
		if required {
			return idErr(name+" is missing", ErrMissingClaim)
		}
		return nil
	}
	if token == "" {
		if required {
			return idErr(name+" is required but no value was given to check it against", sentinel)
		}
		return nil
	}
	if !tokenHashMatches(alg.hash, token, claim) {
		return idErr(name+" does not match", sentinel)
	}
	return nil
}
