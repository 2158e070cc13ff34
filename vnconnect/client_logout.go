package vnconnect

import (
	"errors"
	"net/url"
	"strings"
)

// LogoutURL builds the RP-initiated logout request (OpenID Connect
// RP-Initiated Logout 1.0) to Vnconnect's end-session endpoint (WSO2:
// /oidc/logout). Redirect the browser to it after ending the local session.
//
// idTokenHint is Tokens.RawIDToken of the session (WSO2 needs it to find the
// session and to honour post_logout_redirect_uri); postLogoutRedirectURI must
// be absolute and registered for the client; state, if not empty, comes back
// on that redirect. client_id is always sent. Empty arguments are omitted.
func (c *Client) LogoutURL(idTokenHint, postLogoutRedirectURI, state string) (string, error) {
	if c.endpoint.EndSessionURL == "" {
		return "", errors.New("vnconnect: Endpoint.EndSessionURL is not configured")
	}
	q := url.Values{}
	if idTokenHint != "" {
		q.Set("id_token_hint", idTokenHint)
	}
	if postLogoutRedirectURI != "" {
		u, err := url.Parse(postLogoutRedirectURI)
		if err != nil || !u.IsAbs() || u.Host == "" {
			return "", errors.New("vnconnect: LogoutURL: post_logout_redirect_uri must be an absolute URL")
		}
		q.Set("post_logout_redirect_uri", postLogoutRedirectURI)
	}
	if state != "" {
		q.Set("state", state)
	}
	q.Set("client_id", c.clientID)
	u := c.endpoint.EndSessionURL
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + q.Encode(), nil
}
