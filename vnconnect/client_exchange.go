package vnconnect

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

// Exchange redeems an authorization code (from AuthRequest.CodeFromCallback)
// at the token endpoint and verifies the ID token. req is the AuthRequest
// AuthCodeURL returned for this login; its PKCE verifier is sent and its
// nonce is required in the ID token.
//
// The ID token must pass every IDTokenVerifier rule (signature, iss, aud,
// azp, exp/nbf/iat, acr ≥ Config.LoA, auth_time vs max_age) and:
//
//   - carry exactly req.Nonce (ErrNonceMismatch);
//   - if it has an at_hash, match the access token (ErrAtHashMismatch). A
//     token without at_hash is accepted: in the code flow the access token
//     comes straight from the token endpoint over TLS, so OIDC Core
//     §3.1.3.8 makes at_hash optional, and WSO2 deployments differ;
//   - if it has a c_hash, match the code (ErrCHashMismatch);
//   - meet req.LoA and req.MaxAge (acr, auth_time).
//
// A response without id_token, without access_token, or with a token_type
// other than Bearer fails with ErrInvalidResponse; an OAuth error (such as
// invalid_grant for a reused code or a wrong PKCE verifier) is a
// *RetrieveError.
func (c *Client) Exchange(ctx context.Context, code string, req *AuthRequest) (*Tokens, error) {
	if req == nil || req.Nonce == "" || req.CodeVerifier == "" {
		return nil, errors.New("vnconnect: Exchange needs the AuthRequest from AuthCodeURL")
	}
	if code == "" {
		return nil, errors.New("vnconnect: Exchange: empty authorization code")
	}
	form := url.Values{}
	form.Set("grant_type", "authorization_code")
	form.Set("code", code)
	form.Set("redirect_uri", c.redirectURL)
	form.Set("code_verifier", req.CodeVerifier)
	tr, err := c.requestToken(ctx, form)
	if err != nil {
		return nil, err
	}
	if tr.IDToken == "" {
		return nil, fmt.Errorf("vnconnect: token endpoint: no id_token (is \"openid\" in the registered scopes?): %w", ErrInvalidResponse)
	}
	// MaxAge travels per request rather than in the verifier's config:
	// auth_time is the time of the original login, so a client-wide max_age
	// would make every Refresh fail once it had passed.
	idt, err := c.verifier.Verify(ctx, tr.IDToken, VerifyParams{
		Nonce:       req.Nonce,
		AccessToken: tr.AccessToken,
		Code:        code,
		MaxAge:      req.MaxAge,
		RequiredLoA: req.LoA,
	})
	if err != nil {
		return nil, err
	}
	t := c.tokensFrom(tr)
	t.IDToken = idt
	return t, nil
}
