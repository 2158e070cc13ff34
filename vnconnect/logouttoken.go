package vnconnect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// BackchannelLogoutEvent is the member of a logout token's "events" claim
// that marks it as an OpenID Connect back-channel logout request.
const BackchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout"

// LogoutTokenMaxAge is how old a logout token without "exp" may be (by its
// "iat") before it is refused. It also bounds how long its jti must be
// remembered, which keeps the replay cache finite.
const LogoutTokenMaxAge = 10 * time.Minute

// LogoutToken is a verified back-channel logout token: end the sessions of
// Subject at Issuer, or only the provider session SID when it is set.
type LogoutToken struct {
	Issuer   string
	Subject  string // may be empty when SID is set
	SID      string // may be empty when Subject is set
	JTI      string
	Audience []string
	IssuedAt time.Time
	Expiry   time.Time // zero when the token has no exp
	Raw      string

	claims string
}

// Claims decodes the token's full claim set into v.
func (t *LogoutToken) Claims(v any) error {
	if t == nil || len(t.claims) == 0 {
		return errors.New("vnconnect: LogoutToken has no verified claims")
	}
	return json.Unmarshal([]byte(t.claims), v)
}

// LogoutTokenVerifier verifies OpenID Connect Back-Channel Logout 1.0
// logout tokens (§2.6). It is safe for concurrent use.
type LogoutTokenVerifier struct {
	keys     KeySet
	algs     algPolicy
	clientID string
	issuer   string
	leeway   time.Duration
	clock    func() time.Time
	replay   ReplayCache
}

// NewLogoutTokenVerifier returns a verifier using keys and cfg (ClientID,
// Issuer, AllowedAlgs, Leeway and Clock; RequiredLoA and MaxAge do not apply
// to logout tokens and are ignored). replay nil means a MemoryReplayCache,
// which is right for a single process; replicas need a shared one.
func NewLogoutTokenVerifier(keys KeySet, cfg VerifierConfig, replay ReplayCache) (*LogoutTokenVerifier, error) {
	if keys == nil {
		return nil, errors.New("vnconnect: NewLogoutTokenVerifier: nil KeySet")
	}
	if cfg.ClientID == "" || cfg.Issuer == "" {
		return nil, errors.New("vnconnect: VerifierConfig.ClientID and Issuer are required")
	}
	if cfg.Leeway < 0 {
		return nil, errors.New("vnconnect: VerifierConfig.Leeway must not be negative")
	}
	algs, err := newAlgPolicy(cfg.AllowedAlgs)
	if err != nil {
		return nil, err
	}
	clock := cfg.Clock
	if clock == nil {
		clock = time.Now
	}
	if replay == nil {
		replay = NewMemoryReplayCache(clock)
	}
	return &LogoutTokenVerifier{
		keys: keys, algs: algs, clientID: cfg.ClientID, issuer: cfg.Issuer,
		leeway: cfg.Leeway, clock: clock, replay: replay,
	}, nil
}

// logoutClaims is filled by decodeLogoutClaims.
type logoutClaims struct {
	registeredClaims
	JTI, SID string
	// HasEvents: "events" present (and an object); LogoutEvent: it holds
	// the back-channel logout member with an object value.
	HasEvents, LogoutEvent bool
	// HasNonce: "nonce" present, whatever its value.
	HasNonce bool
}

func logoutErr(why string, sentinel error) error {
	return fmt.Errorf("vnconnect: logout token: %s: %w", why, sentinel)
}

// Verify checks raw and, if it is a valid logout token not seen before,
// records its jti and returns it. A token seen before fails with ErrReplay.
// Rule violations specific to logout tokens wrap ErrInvalidLogoutToken;
// the shared ones wrap the same sentinels as ID tokens.
func (v *LogoutTokenVerifier) Verify(ctx context.Context, raw string) (*LogoutToken, error) {
	const what = "logout token"
	tok, err := verifyCompact(ctx, raw, v.algs, v.keys, what)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(tok.header.Typ) {
	case "", "jwt", "logout+jwt", "application/logout+jwt":
		// The spec recommends "logout+jwt"; WSO2 and older providers send
		// "JWT" or nothing, which the events/nonce rules below still
		// tell apart from an ID token.
	default:
		return nil, logoutErr("unexpected typ header", ErrInvalidLogoutToken)
	}
	var c logoutClaims
	if err := decodeLogoutClaims(tok.claims, &c); err != nil {
		return nil, malformed(what, "claims are not a valid JSON object")
	}
	if err := checkIssAudAzp(c.Issuer, c.Audience, c.AZP, v.issuer, v.clientID, what); err != nil {
		return nil, err
	}
	now := v.clock()
	if err := checkTimes(c.Exp, c.Nbf, c.Iat, now, v.leeway, false, what); err != nil {
		return nil, err
	}
	// Without exp, age is bounded by iat so that the replay cache need not
	// remember the jti forever.
	until := c.Iat.t.Add(LogoutTokenMaxAge + v.leeway)
	if c.Exp.set {
		until = c.Exp.t.Add(v.leeway)
	} else if !now.Before(until) {
		// Refused from until on, the instant the replay cache forgets
		// the jti (an entry expiring at now is treated as gone).
		return nil, logoutErr("too old (no exp, iat beyond the maximum age)", ErrTokenExpired)
	}
	if !c.LogoutEvent {
		return nil, logoutErr("events lacks the back-channel logout event (as an object)", ErrInvalidLogoutToken)
	}
	if c.HasNonce {
		// Forbidden (§2.4) so that an ID token, which has one, can never
		// be replayed as a logout token.
		return nil, logoutErr("nonce must not be present", ErrInvalidLogoutToken)
	}
	if c.Subject == "" && c.SID == "" {
		return nil, logoutErr("neither sub nor sid is present", ErrInvalidLogoutToken)
	}
	if c.JTI == "" {
		return nil, logoutErr("jti is missing", ErrMissingClaim)
	}
	// Record only now that everything else holds: a forged or invalid
	// token must not be able to fill the cache or pre-empt a real jti.
	// The key includes the issuer because jti is unique per issuer only.
	if err := v.replay.Remember(ctx, c.Issuer+"\x00"+c.JTI, until); err != nil {
		if errors.Is(err, ErrReplay) {
			return nil, logoutErr("jti already used", ErrReplay)
		}
		return nil, fmt.Errorf("vnconnect: logout token: replay cache: %w", err)
	}
	return &LogoutToken{
		Issuer: c.Issuer, Subject: c.Subject, SID: c.SID, JTI: c.JTI,
		Audience: c.Audience, IssuedAt: c.Iat.t, Expiry: c.Exp.time(),
		Raw: raw, claims: tok.claims,
	}, nil
}
