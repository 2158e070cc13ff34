package vnconnect

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// AuthRequest is one login attempt: the URL to send the browser to and the
// secrets the callback needs. The caller stores it server-side (or in an
// encrypted, integrity-protected cookie) keyed to the browser session, and
// hands it back to Exchange. It must be used once and then discarded.
type AuthRequest struct {
	// URL is the authorization request; redirect the browser to it (302/303).
	URL string
	// State binds the callback to this browser session (CSRF protection).
	State string
	// Nonce binds the ID token to this login (replay protection).
	Nonce string
	// CodeVerifier is the PKCE secret; its S256 challenge is in URL.
	CodeVerifier string
	// MaxAge is the max_age sent (zero when none); Exchange refuses an ID
	// token whose auth_time is older.
	MaxAge time.Duration
	// LoA is the level of assurance requested with acr_values; Exchange
	// refuses an ID token with a lower "acr".
	LoA string
}

// AuthOption adjusts one authorization request.
type AuthOption func(*authParams) error

type authParams struct {
	maxAge    time.Duration
	hasMaxAge bool
	prompt    string
	loginHint string
	loa       string
}

// WithMaxAge asks Vnconnect to re-authenticate the user if their last login
// is older than d (max_age, whole seconds), and makes Exchange enforce it on
// auth_time. It overrides Config.MaxAge for this request. d must be at least
// one second; to force a fresh login use WithPrompt("login").
func WithMaxAge(d time.Duration) AuthOption {
	return func(p *authParams) error {
		if d < time.Second {
			return errors.New("vnconnect: WithMaxAge: duration below one second")
		}
		p.maxAge, p.hasMaxAge = d, true
		return nil
	}
}

// WithPrompt sets the OIDC prompt parameter ("login", "consent", "none",
// "select_account", space-separated).
func WithPrompt(prompt string) AuthOption {
	return func(p *authParams) error {
		for _, v := range strings.Fields(prompt) {
			switch v {
			case "none", "login", "consent", "select_account":
			default:
				return fmt.Errorf("vnconnect: WithPrompt: unknown value %q", v)
			}
		}
		p.prompt = strings.Join(strings.Fields(prompt), " ")
		return nil
	}
}

// WithLoginHint pre-fills the login form (login_hint), e.g. with a CCCD number.
func WithLoginHint(hint string) AuthOption {
	return func(p *authParams) error { p.loginHint = hint; return nil }
}

// WithLoA requests a higher level of assurance than Config.LoA for this login
// (e.g. "LoA3" before a sensitive operation). Exchange then requires it.
// Asking for less than Config.LoA is an error: the client-wide minimum always
// holds.
func WithLoA(loa string) AuthOption {
	return func(p *authParams) error { p.loa = loa; return nil }
}

// AuthCodeURL starts a login: it draws a fresh state, nonce and PKCE verifier
// from Config.Rand and returns the authorization request. PKCE with S256 is
// always used; acr_values carries the requested LoA.
func (c *Client) AuthCodeURL(opts ...AuthOption) (*AuthRequest, error) {
	p := authParams{loa: c.loa}
	if c.maxAge > 0 {
		p.maxAge, p.hasMaxAge = c.maxAge, true
	}
	for _, o := range opts {
		if err := o(&p); err != nil {
			return nil, err
		}
	}
	if p.loa != c.loa {
		if !validLoASpelling(p.loa) {
			return nil, fmt.Errorf("vnconnect: WithLoA: %q is not one of LoA1..LoA4", p.loa)
		}
		if cmp, _ := CompareLoA(p.loa, c.loa); cmp < 0 {
			return nil, fmt.Errorf("vnconnect: WithLoA: %s is below the configured %s", p.loa, c.loa)
		}
	}

	state, err := randomToken(c.rand)
	if err != nil {
		return nil, err
	}
	nonce, err := randomToken(c.rand)
	if err != nil {
		return nil, err
	}
	verifier, err := randomToken(c.rand)
	if err != nil {
		return nil, err
	}

	q := url.Values{}
	q.Set("response_type", "code")
	q.Set("client_id", c.clientID)
	q.Set("redirect_uri", c.redirectURL)
	q.Set("scope", c.scope)
	q.Set("state", state)
	q.Set("nonce", nonce)
	q.Set("code_challenge", pkceS256Challenge(verifier))
	q.Set("code_challenge_method", "S256")
	q.Set("acr_values", p.loa)
	if p.hasMaxAge {
		q.Set("max_age", strconv.FormatInt(int64(p.maxAge/time.Second), 10))
	}
	if p.prompt != "" {
		q.Set("prompt", p.prompt)
	}
	if p.loginHint != "" {
		q.Set("login_hint", p.loginHint)
	}

	u := c.endpoint.AuthURL
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	req := &AuthRequest{
		URL:          u + sep + q.Encode(),
		State:        state,
		Nonce:        nonce,
		CodeVerifier: verifier,
		LoA:          p.loa,
	}
	if p.hasMaxAge {
		req.MaxAge = p.maxAge
	}
	return req, nil
}

// CodeFromCallback checks the query of the redirect back from Vnconnect and
// returns the authorization code. It reports an error response
// (?error=access_denied…) as a *RetrieveError with StatusCode 0, and a state
// that differs from r.State as ErrStateMismatch (compared in constant time).
func (r *AuthRequest) CodeFromCallback(query url.Values) (string, error) {
	if r == nil || r.State == "" {
		return "", fmt.Errorf("vnconnect: callback without a stored AuthRequest: %w", ErrStateMismatch)
	}
	got := query.Get("state")
	if subtle.ConstantTimeCompare([]byte(got), []byte(r.State)) != 1 {
		return "", fmt.Errorf("vnconnect: callback: %w", ErrStateMismatch)
	}
	if e := query.Get("error"); e != "" {
		return "", &RetrieveError{
			Endpoint:         "authorization",
			ErrorCode:        e,
			ErrorDescription: query.Get("error_description"),
			ErrorURI:         query.Get("error_uri"),
		}
	}
	code := query.Get("code")
	if code == "" {
		return "", fmt.Errorf("vnconnect: callback: no code: %w", ErrInvalidResponse)
	}
	return code, nil
}
