package vnconnect

import (
	"context"
	"errors"
	"net/url"
)

// Token type hints for Revoke (RFC 7009 §2.1).
const (
	HintAccessToken  = "access_token"
	HintRefreshToken = "refresh_token"
)

// Revoke asks Vnconnect to invalidate token (RFC 7009), with the client's
// credentials. hint is HintAccessToken, HintRefreshToken or "" (the server
// then searches both). Revoking a refresh token on WSO2 also ends the access
// tokens issued from it.
//
// RFC 7009 §2.2 has the server answer 200 even for an unknown or already
// revoked token, so a nil error means "this token is no longer usable", not
// "it existed". A failure is a *RetrieveError.
func (c *Client) Revoke(ctx context.Context, token, hint string) error {
	if token == "" {
		return errors.New("vnconnect: Revoke: empty token")
	}
	if c.endpoint.RevocationURL == "" {
		return errors.New("vnconnect: Endpoint.RevocationURL is not configured")
	}
	form := url.Values{}
	form.Set("token", token)
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	r, err := c.postClientForm(ctx, c.endpoint.RevocationURL, form, "revocation")
	if err != nil {
		return err
	}
	if re := oauthErrorIn("revocation", r); re != nil {
		return re
	}
	return nil
}
