package vnconnect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// UserInfo fetches the account's claims with the access token and maps them
// to an Identity (see IdentityFromClaims). t must come from Exchange or
// Refresh: its verified ID token is what the response is checked against.
//
// Rules:
//
//   - the request is GET (or POST with Config.UserInfoMethod) with the
//     access token in the Authorization header only — never in the URL,
//     where it would be logged;
//   - the body is size-limited (ErrResponseTooLarge);
//   - the response's "sub" must equal the ID token's exactly
//     (ErrSubjectMismatch): OIDC Core §5.3.2, the defence against a token
//     substitution that would return another person's claims;
//   - a JSON response (application/json) is mapped directly. A signed JWT
//     response (application/jwt) is accepted only if it verifies with the
//     client's key set and algorithm allow-list, and its "iss" and "aud",
//     when present, are the issuer and the client; an unverifiable one is
//     refused (the reason is wrapped: ErrInvalidSignature, ErrUnknownKey,
//     ErrAlgorithmNotAllowed, …). Encrypted (JWE) responses are refused
//     with ErrMalformedToken.
//
// An error status is a *RetrieveError; a 401 carries ErrorCode
// "invalid_token" when the access token has expired — Refresh and retry.
func (c *Client) UserInfo(ctx context.Context, t *Tokens) (*Identity, error) {
	if t == nil || t.AccessToken == "" {
		return nil, errors.New("vnconnect: UserInfo needs Tokens with an access token")
	}
	if t.IDToken == nil {
		return nil, errors.New("vnconnect: UserInfo needs Tokens with a verified ID token (from Exchange or Refresh)")
	}
	if c.endpoint.UserInfoURL == "" {
		return nil, errors.New("vnconnect: Endpoint.UserInfoURL is not configured")
	}
	method := http.MethodGet
	if c.userInfoPOST {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint.UserInfoURL, nil)
	if err != nil {
		return nil, fmt.Errorf("vnconnect: userinfo: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+t.AccessToken)
	req.Header.Set("Accept", "application/json, application/jwt")
	if method == http.MethodPost {
		// RFC 6750 §2.1 header method; the empty form body keeps WSO2's
		// POST handler, which expects a form content type, content.
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Body = http.NoBody
	}
	// The request carries the access token: like the token endpoint, it
	// follows no redirect to another scheme or host (Go would forward the
	// Authorization header on a same-host https→http redirect).
	r, err := httpDo(c.tokenHC, req, c.maxBytes, "userinfo")
	if err != nil {
		return nil, err
	}
	if !isSuccess(r.status) {
		return nil, newRetrieveError("userinfo", r)
	}

	claims := r.body
	if httpMediaType(r.header) == "application/jwt" {
		claims, err = c.verifiedUserInfoJWT(ctx, strings.TrimSpace(string(r.body)))
		if err != nil {
			return nil, err
		}
	}
	id, err := IdentityFromClaims(claims)
	if err != nil {
		return nil, fmt.Errorf("vnconnect: userinfo: %w", err)
	}
	if id.Subject != t.IDToken.Subject {
		// Neither value is quoted: the response is not signed.
		return nil, fmt.Errorf("vnconnect: userinfo: sub differs from the ID token's: %w", ErrSubjectMismatch)
	}
	return id, nil
}
