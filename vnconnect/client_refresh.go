package vnconnect

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
)

// Refresh uses t.RefreshToken to obtain a new access token. t must hold the
// verified ID token of the session (from Exchange or an earlier Refresh).
//
// When the response carries a new ID token it is verified again — signature,
// issuer, audience, expiry, acr — without a nonce check (the refresh request
// sends none; OIDC Core §12.2), and it must name the same issuer, subject,
// audience and authorized party as the old one (ErrIssuerMismatch,
// ErrSubjectMismatch, ErrAudienceMismatch, ErrAuthorizedPartyMismatch): a
// refresh must never switch the session to another person. When no ID token
// comes back, the old one is kept, and likewise the refresh token when the
// server does not rotate it.
//
// t is not modified; the caller replaces its stored Tokens with the result.
// invalid_grant (a revoked or expired refresh token) is a *RetrieveError:
// the user must log in again.
func (c *Client) Refresh(ctx context.Context, t *Tokens) (*Tokens, error) {
	if t == nil || t.RefreshToken == "" {
		return nil, errors.New("vnconnect: Refresh needs Tokens with a refresh token")
	}
	if t.IDToken == nil {
		return nil, errors.New("vnconnect: Refresh needs Tokens with a verified ID token")
	}
	form := url.Values{}
	form.Set("grant_type", "refresh_token")
	form.Set("refresh_token", t.RefreshToken)
	tr, err := c.requestToken(ctx, form)
	if err != nil {
		return nil, err
	}
	nt := c.tokensFrom(tr)
	if nt.RefreshToken == "" {
		nt.RefreshToken = t.RefreshToken
	}
	if tr.IDToken == "" {
		nt.RawIDToken, nt.IDToken = t.RawIDToken, t.IDToken
		return nt, nil
	}
	// No Nonce: the refresh request sent none, and the verifier then
	// accepts a token that repeats the original one (OIDC Core §12.2).
	// No MaxAge: auth_time is still the original login's.
	idt, err := c.verifier.Verify(ctx, tr.IDToken, VerifyParams{
		AccessToken: tr.AccessToken,
		Subject:     t.IDToken.Subject,
	})
	if err != nil {
		return nil, err
	}
	if err := sameSession(t.IDToken, idt); err != nil {
		return nil, err
	}
	nt.IDToken = idt
	return nt, nil
}

// sameSession checks OIDC Core §12.2: a refreshed ID token keeps iss, sub,
// aud and azp. Both tokens are verified, but the messages still quote
// nothing: subjects are personal data.
func sameSession(old, cur *IDToken) error {
	switch {
	case cur.Issuer != old.Issuer:
		return fmt.Errorf("vnconnect: refreshed id token: %w", ErrIssuerMismatch)
	case cur.Subject != old.Subject:
		return fmt.Errorf("vnconnect: refreshed id token: %w", ErrSubjectMismatch)
	case !sameStringSet(cur.Audience, old.Audience):
		return fmt.Errorf("vnconnect: refreshed id token: %w", ErrAudienceMismatch)
	case cur.AuthorizedParty != old.AuthorizedParty && cur.AuthorizedParty != "" && old.AuthorizedParty != "":
		return fmt.Errorf("vnconnect: refreshed id token: %w", ErrAuthorizedPartyMismatch)
	}
	return nil
}

// sameStringSet compares two audience lists ignoring order and duplicates.
func sameStringSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
