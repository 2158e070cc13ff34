package vnconnect

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Client is a Vnconnect relying party: it builds authorization requests,
// redeems codes, verifies ID tokens, reads userinfo and manages tokens. It is
// safe for concurrent use; it keeps no per-login state (the caller stores the
// AuthRequest between the redirect and the callback).
type Client struct {
	clientID     string
	clientSecret string
	redirectURL  string
	endpoint     Endpoint
	scope        string
	loa          string
	maxAge       time.Duration
	leeway       time.Duration
	authStyle    AuthStyle
	userInfoPOST bool
	insecure     bool
	maxBytes     int64

	hc      *http.Client // the caller's client (JWKS through the key set)
	tokenHC *http.Client // token, userinfo, revoke, introspect: same-host redirects only
	clock   func() time.Time
	rand    io.Reader

	keys     KeySet
	verifier *IDTokenVerifier
	vcfg     VerifierConfig // what verifier was built with
	algs     algPolicy      // for signed UserInfo responses
}

// NewClient checks cfg and returns a Client. It does no I/O: keys are fetched
// on first use. It refuses:
//
//   - an empty ClientID;
//   - a RedirectURL that is not absolute;
//   - an Endpoint without Issuer, AuthURL or TokenURL, or without JWKSURL
//     when KeySet is nil;
//   - endpoint URLs that are not https, unless loopback or InsecureAllowHTTP
//     (ErrInsecureURL);
//   - an unknown AuthStyle or UserInfoMethod, a negative MaxAge, Leeway,
//     MaxResponseBytes or JWKSMinRefreshInterval.
func NewClient(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.ClientID) == "" {
		return nil, errors.New("vnconnect: Config.ClientID is required")
	}
	ru, err := url.Parse(cfg.RedirectURL)
	if err != nil || !ru.IsAbs() || ru.Host == "" {
		return nil, errors.New("vnconnect: Config.RedirectURL must be an absolute URL")
	}
	if ru.Fragment != "" {
		// RFC 6749 §3.1.2: the redirection endpoint MUST NOT include a fragment.
		return nil, errors.New("vnconnect: Config.RedirectURL must not contain a fragment")
	}
	ep := cfg.Endpoint
	switch {
	case ep.Issuer == "":
		return nil, errors.New("vnconnect: Config.Endpoint.Issuer is required")
	case ep.AuthURL == "":
		return nil, errors.New("vnconnect: Config.Endpoint.AuthURL is required")
	case ep.TokenURL == "":
		return nil, errors.New("vnconnect: Config.Endpoint.TokenURL is required")
	case ep.JWKSURL == "" && cfg.KeySet == nil:
		return nil, errors.New("vnconnect: Config.Endpoint.JWKSURL is required when Config.KeySet is nil")
	}
	if err := ep.check(cfg.InsecureAllowHTTP); err != nil {
		return nil, err
	}
	if cfg.AuthStyle != AuthStylePost && cfg.AuthStyle != AuthStyleBasic {
		return nil, fmt.Errorf("vnconnect: unknown Config.AuthStyle %d", cfg.AuthStyle)
	}
	var uiPOST bool
	switch strings.ToUpper(cfg.UserInfoMethod) {
	case "", UserInfoGET:
	case UserInfoPOST:
		uiPOST = true
	default:
		return nil, fmt.Errorf("vnconnect: Config.UserInfoMethod must be GET or POST, not %q", cfg.UserInfoMethod)
	}
	if cfg.MaxAge < 0 || cfg.Leeway < 0 || cfg.MaxResponseBytes < 0 || cfg.JWKSMinRefreshInterval < 0 {
		return nil, errors.New("vnconnect: Config.MaxAge, Leeway, MaxResponseBytes and JWKSMinRefreshInterval must not be negative")
	}
	loa := cfg.LoA
	if loa == "" {
		loa = DefaultLoA
	}
	if !validLoASpelling(loa) {
		return nil, fmt.Errorf("vnconnect: Config.LoA %q is not one of LoA1..LoA4", cfg.LoA)
	}

	c := &Client{
		clientID:     cfg.ClientID,
		clientSecret: cfg.ClientSecret,
		redirectURL:  cfg.RedirectURL,
		endpoint:     ep,
		scope:        buildScope(cfg.Scopes),
		loa:          loa,
		maxAge:       cfg.MaxAge,
		leeway:       cfg.Leeway,
		authStyle:    cfg.AuthStyle,
		userInfoPOST: uiPOST,
		insecure:     cfg.InsecureAllowHTTP,
		maxBytes:     cfg.MaxResponseBytes,
		hc:           cfg.HTTPClient,
		clock:        cfg.Clock,
		rand:         cfg.Rand,
		keys:         cfg.KeySet,
	}
	if c.maxBytes == 0 {
		c.maxBytes = DefaultMaxResponseBytes
	}
	if c.hc == nil {
		c.hc = NewDefaultHTTPClient()
	}
	c.tokenHC = sameHostRedirects(c.hc)
	if c.clock == nil {
		c.clock = time.Now
	}
	if c.rand == nil {
		c.rand = rand.Reader
	}
	if c.keys == nil {
		rks, err := NewRemoteKeySet(ep.JWKSURL, RemoteKeySetConfig{
			HTTPClient:         c.hc,
			MinRefreshInterval: cfg.JWKSMinRefreshInterval,
			MaxResponseBytes:   c.maxBytes,
			Clock:              c.clock,
			InsecureAllowHTTP:  c.insecure,
		})
		if err != nil {
			return nil, err
		}
		c.keys = rks
	}
	if c.algs, err = newAlgPolicy(cfg.AllowedAlgs); err != nil {
		return nil, err
	}
	c.vcfg = VerifierConfig{
		ClientID:    c.clientID,
		Issuer:      ep.Issuer,
		AllowedAlgs: slices.Clone(cfg.AllowedAlgs),
		Leeway:      cfg.Leeway,
		RequiredLoA: loa,
		// MaxAge is applied per login by Exchange (AuthRequest.MaxAge),
		// not here; see Exchange.
		Clock: c.clock,
	}
	if c.verifier, err = NewIDTokenVerifier(c.keys, c.vcfg); err != nil {
		return nil, err
	}
	return c, nil
}

// buildScope returns "openid" followed by the extra scopes, without
// duplicates or empty entries: WSO2 issues no ID token without openid.
func buildScope(extra []string) string {
	seen := map[string]bool{"openid": true}
	parts := []string{"openid"}
	for _, s := range extra {
		for _, f := range strings.Fields(s) {
			if !seen[f] {
				seen[f] = true
				parts = append(parts, f)
			}
		}
	}
	return strings.Join(parts, " ")
}

// Endpoint returns the endpoints the client talks to.
func (c *Client) Endpoint() Endpoint { return c.endpoint }

// ClientID returns the client's registered identifier.
func (c *Client) ClientID() string { return c.clientID }

// Verifier returns the ID token verifier the client uses, for code that
// receives ID tokens by other routes (a session store re-checking a token,
// front-channel logout).
func (c *Client) Verifier() *IDTokenVerifier { return c.verifier }

// VerifierConfig returns the configuration the client's ID token verifier
// was built with: ClientID, Issuer, AllowedAlgs, Leeway, RequiredLoA (the
// client's LoA) and Clock; MaxAge is zero (Exchange applies it per login).
// It is the base for other verifiers of the same client, such as
// NewLogoutTokenVerifier (which ignores RequiredLoA), so that they accept
// the same algorithms and clock skew. The result is a copy.
func (c *Client) VerifierConfig() VerifierConfig {
	cfg := c.vcfg
	cfg.AllowedAlgs = slices.Clone(cfg.AllowedAlgs)
	return cfg
}

// KeySet returns the key set ID tokens are verified with (for a logout-token
// verifier that should share the cache).
func (c *Client) KeySet() KeySet { return c.keys }

// clientAuth adds the client's credentials to a token-endpoint style request
// according to the configured AuthStyle.
func (c *Client) clientAuth(form url.Values) http.Header {
	h := http.Header{}
	if c.authStyle == AuthStyleBasic && c.clientSecret != "" {
		// RFC 6749 §2.3.1: both parts are application/x-www-form-urlencoded
		// before Basic encoding, so a ':' or '%' in the secret survives.
		h.Set("Authorization", "Basic "+basicCredentials(url.QueryEscape(c.clientID), url.QueryEscape(c.clientSecret)))
		return h
	}
	form.Set("client_id", c.clientID)
	if c.clientSecret != "" {
		form.Set("client_secret", c.clientSecret)
	}
	return h
}
