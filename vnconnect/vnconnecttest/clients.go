package vnconnecttest

import (
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
)

// The client every fake has registered from the start.
const (
	DefaultClientID     = "rpkit-test"
	DefaultClientSecret = "rpkit-test-secret"
)

// ClientReg is a relying party registered with the fake, as the operator
// registers it on the Vnconnect console.
type ClientReg struct {
	ID     string
	Secret string // "" makes a public client: no secret, PKCE only

	// RedirectURIs are matched exactly. Empty accepts any http(s) URL on
	// a loopback host, which is what tests and local development need; a
	// real registration is never that loose.
	RedirectURIs []string

	// PostLogoutRedirectURIs are matched exactly; empty accepts any
	// loopback URL, as for RedirectURIs.
	PostLogoutRedirectURIs []string

	// BackchannelLogoutURI, if set, receives a logout token when a session
	// this client took part in ends at /oidc/logout.
	BackchannelLogoutURI string

	// FrontchannelLogoutURI, if set, is loaded in a hidden iframe on the
	// logged-out page, with iss and sid added to its query (OIDC
	// Front-Channel Logout 1.0), when a browser session it took part in
	// ends at /oidc/logout or by SAML single logout.
	FrontchannelLogoutURI string
}

func defaultClient() ClientReg {
	return ClientReg{ID: DefaultClientID, Secret: DefaultClientSecret}
}

func (c ClientReg) validate() error {
	if c.ID == "" {
		return errors.New("vnconnecttest: ClientReg.ID is empty")
	}
	return nil
}

// RegisterClient adds or replaces a client. It panics if c.ID is empty.
func (s *Server) RegisterClient(c ClientReg) {
	if err := c.validate(); err != nil {
		panic(err)
	}
	c.RedirectURIs = slices.Clone(c.RedirectURIs)
	c.PostLogoutRedirectURIs = slices.Clone(c.PostLogoutRedirectURIs)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[c.ID] = c
}

// Client returns the default client registration (DefaultClientID).
func (s *Server) Client() ClientReg {
	c, _ := s.lookupClient(DefaultClientID)
	return c
}

func (s *Server) lookupClient(id string) (ClientReg, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	return c, ok
}

// allowsRedirect reports whether uri may receive the browser: an exact
// registered match, or any loopback URL when none is registered.
func allowsRedirect(registered []string, uri string) bool {
	if uri == "" {
		return false
	}
	if len(registered) > 0 {
		return slices.Contains(registered, uri)
	}
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Fragment != "" {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// clientPost is the common start of the token, revocation and
// introspection endpoints: POST only, a form body, an authenticated client.
// On failure it has written the error response and returns false.
func (s *Server) clientPost(w http.ResponseWriter, r *http.Request) (ClientReg, bool) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, "POST")
		return ClientReg{}, false
	}
	if err := parseForm(w, r); err != nil {
		writeOAuthError(w, errInvalidRequest("malformed form body"))
		return ClientReg{}, false
	}
	client, oerr := s.authenticateClient(r)
	if oerr != nil {
		writeOAuthError(w, oerr)
		return ClientReg{}, false
	}
	return client, true
}

// authenticateClient implements client_secret_post and client_secret_basic
// (RFC 6749 §2.3.1). Using both at once is refused, as the RFC requires.
// The form must already be parsed.
func (s *Server) authenticateClient(r *http.Request) (ClientReg, *oauthError) {
	basicID, basicSecret, hasBasic := r.BasicAuth()
	postID, postSecret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	var id, secret string
	switch {
	case hasBasic && postSecret != "":
		return ClientReg{}, errInvalidRequest("use one client authentication method")
	case hasBasic:
		// RFC 6749 §2.3.1: the id and secret are form-encoded before
		// going into the Basic header.
		var err1, err2 error
		id, err1 = url.QueryUnescape(basicID)
		secret, err2 = url.QueryUnescape(basicSecret)
		if err1 != nil || err2 != nil {
			return ClientReg{}, errInvalidClient()
		}
		if postID != "" && postID != id {
			return ClientReg{}, errInvalidRequest("client_id does not match the authenticated client")
		}
	default:
		id, secret = postID, postSecret
	}
	if id == "" {
		return ClientReg{}, errInvalidClient()
	}
	c, ok := s.lookupClient(id)
	if !ok {
		return ClientReg{}, errInvalidClient()
	}
	if c.Secret == "" {
		if secret != "" || hasBasic {
			return ClientReg{}, errInvalidClient()
		}
		return c, nil
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		return ClientReg{}, errInvalidClient()
	}
	return c, nil
}
