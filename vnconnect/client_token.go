package vnconnect

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Tokens is what the token endpoint issued for one login, with the ID token
// already verified. Store it server-side: AccessToken and RefreshToken are
// bearer credentials.
type Tokens struct {
	AccessToken  string
	TokenType    string // always "Bearer" (checked case-insensitively)
	RefreshToken string // empty when none was issued
	RawIDToken   string
	// Expiry is when the access token expires by the client's clock, zero
	// when the server gave no expires_in.
	Expiry time.Time
	// Scope is the granted scope when the server reported one.
	Scope string
	// IDToken is the verified ID token (after Refresh: the newest one).
	IDToken *IDToken
}

// Valid reports whether the access token is present and, if its expiry is
// known, not expired at now (with no leeway: refresh a little early rather
// than send a token that dies in flight).
func (t *Tokens) Valid(now time.Time) bool {
	return t != nil && t.AccessToken != "" && (t.Expiry.IsZero() || now.Before(t.Expiry))
}

// tokenResponse is the JSON of a successful token response (RFC 6749 §5.1,
// OIDC Core §3.1.3.3).
type tokenResponse struct {
	AccessToken  string          `json:"access_token"`
	TokenType    string          `json:"token_type"`
	RefreshToken string          `json:"refresh_token"`
	IDToken      string          `json:"id_token"`
	Scope        string          `json:"scope"`
	ExpiresIn    json.RawMessage `json:"expires_in"`
}

// expiresIn accepts a JSON number or a numeric string (some WSO2 versions and
// proxies send strings); nonsense or non-positive values mean "unknown".
func (r *tokenResponse) expiresIn() time.Duration {
	s := strings.Trim(string(r.ExpiresIn), `"`)
	if s == "" || s == "null" {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 || math.IsNaN(f) || f > float64(math.MaxInt64/int64(time.Second)) {
		return 0
	}
	return time.Duration(f) * time.Second
}

// postClientForm POSTs form with the client's credentials to one of the
// client-authenticated endpoints (token, revocation, introspection). A
// non-2xx answer is a *RetrieveError for endpoint what.
func (c *Client) postClientForm(ctx context.Context, endpoint string, form url.Values, what string) (*httpResponse, error) {
	hdr := c.clientAuth(form)
	r, err := httpPostForm(ctx, c.tokenHC, endpoint, form, hdr, c.maxBytes, what)
	if err != nil {
		return nil, err
	}
	if !isSuccess(r.status) {
		return nil, newRetrieveError(what, r)
	}
	return r, nil
}

// requestToken POSTs a grant to the token endpoint and decodes the response.
// It checks what every grant shares: a 2xx status, JSON, an access token and
// a Bearer token_type.
func (c *Client) requestToken(ctx context.Context, form url.Values) (*tokenResponse, error) {
	r, err := c.postClientForm(ctx, c.endpoint.TokenURL, form, "token")
	if err != nil {
		return nil, err
	}
	if re := oauthErrorIn("token", r); re != nil {
		return nil, re
	}
	var tr tokenResponse
	if err := json.Unmarshal(r.body, &tr); err != nil {
		return nil, fmt.Errorf("vnconnect: token endpoint: response is not JSON: %w", ErrInvalidResponse)
	}
	if tr.AccessToken == "" {
		return nil, fmt.Errorf("vnconnect: token endpoint: no access_token: %w", ErrInvalidResponse)
	}
	// RFC 6749 §5.1: token_type is case-insensitive. Anything but Bearer
	// (e.g. DPoP, MAC) would need a proof this client cannot produce.
	if !strings.EqualFold(tr.TokenType, "Bearer") {
		return nil, fmt.Errorf("vnconnect: token endpoint: token_type %q is not Bearer: %w",
			sanitizeForMessage(tr.TokenType, 32), ErrInvalidResponse)
	}
	return &tr, nil
}

// tokensFrom builds Tokens from a response (IDToken left for the caller).
func (c *Client) tokensFrom(tr *tokenResponse) *Tokens {
	t := &Tokens{
		AccessToken:  tr.AccessToken,
		TokenType:    "Bearer",
		RefreshToken: tr.RefreshToken,
		RawIDToken:   tr.IDToken,
		Scope:        tr.Scope,
	}
	if d := tr.expiresIn(); d > 0 {
		t.Expiry = c.clock().Add(d)
	}
	return t
}
