package vnconnecttest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

// ErrNotRedirectable: the authorization request names an unknown client or
// a redirect_uri that is not registered, so there is nowhere safe to send
// the browser (the real login page shows an error instead).
var ErrNotRedirectable = errors.New("vnconnecttest: unknown client or unregistered redirect_uri")

// Login is the login page without a browser: it validates authURL exactly
// as /oauth2/authorize does and, as if the user had picked the account with
// techID and pressed "Đăng nhập", returns the redirect to the client's
// redirect_uri with code and state. Each call opens a new SSO session
// (its sid is in the ID token, and /oidc/logout or EndSession ends it) but
// sets no cookie, so it never joins a browser's session; prompt=none
// therefore always answers login_required. A request the fake refuses but can
// redirect (missing PKCE, no openid scope…) returns that error redirect and
// a nil error, as the browser would see it. Transport faults (Faults.Slow,
// Fail, Oversized) do not apply: no HTTP request is made.
func (s *Server) Login(ctx context.Context, authURL string, techID string) (*url.URL, error) {
	return s.headless(ctx, authURL, techID, false)
}

// Cancel is Login with the user pressing "Hủy": the redirect carries
// error=access_denied.
func (s *Server) Cancel(ctx context.Context, authURL string) (*url.URL, error) {
	return s.headless(ctx, authURL, "", true)
}

func (s *Server) headless(ctx context.Context, authURL, techID string, cancel bool) (*url.URL, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	u, err := url.Parse(authURL)
	if err != nil {
		return nil, fmt.Errorf("vnconnecttest: auth URL: %w", err)
	}
	base, _ := url.Parse(s.base + PathAuthorize)
	if u.Scheme != base.Scheme || u.Host != base.Host || u.Path != base.Path {
		return nil, fmt.Errorf("vnconnecttest: %q is not this server's authorization endpoint %s", u.Scheme+"://"+u.Host+u.Path, base)
	}
	req, redirErr, err := s.parseAuthRequest(u.Query())
	switch {
	case err != nil:
		return nil, ErrNotRedirectable
	case redirErr != nil:
		return errorRedirect(req, redirErr), nil
	}
	if req.hasPrompt("none") {
		// No browser, so no SSO cookie: nobody is signed in.
		return errorRedirect(req, errLoginRequired), nil
	}
	if !cancel {
		if _, ok := s.Account(techID); !ok {
			return nil, fmt.Errorf("vnconnecttest: no account with TechID %q", techID)
		}
	}
	return s.completeLogin(req, techID, cancel, func(a Account) ssoRef { return s.openSSOSession(a, nil) })
}
