package vnconnecttest

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// authRequest is a validated OIDC authorization request.
type authRequest struct {
	clientID    string
	redirectURI string
	scope       string
	state       string
	nonce       string
	acr         string
	challenge   string
	prompt      []string // prompt values: none, login (others are ignored)
	maxAge      int64    // max_age in seconds; -1 when absent
}

func (r authRequest) hasPrompt(v string) bool { return slices.Contains(r.prompt, v) }

// errFatalAuth marks a request the fake must not redirect back: the client
// or redirect_uri cannot be trusted (RFC 6749 §4.1.2.1).
var errFatalAuth = errors.New("vnconnecttest: invalid client or redirect_uri")

// S256 challenges are the base64url SHA-256 of the verifier: 43 characters.
var s256Challenge = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// parseAuthRequest validates q. A non-nil error means no redirect at all;
// a non-nil *oauthError is sent back to the (trusted) redirect_uri.
func (s *Server) parseAuthRequest(q url.Values) (authRequest, *oauthError, error) {
	req := authRequest{
		clientID:    q.Get("client_id"),
		redirectURI: q.Get("redirect_uri"),
		scope:       q.Get("scope"),
		state:       q.Get("state"),
		nonce:       q.Get("nonce"),
		acr:         q.Get("acr_values"),
		challenge:   q.Get("code_challenge"),
		prompt:      strings.Fields(q.Get("prompt")),
		maxAge:      -1,
	}
	c, ok := s.lookupClient(req.clientID)
	if !ok || len(q["client_id"]) > 1 || len(q["redirect_uri"]) > 1 || !allowsRedirect(c.RedirectURIs, req.redirectURI) {
		return req, nil, errFatalAuth
	}
	for _, p := range []string{"response_type", "scope", "state", "nonce", "acr_values", "code_challenge", "code_challenge_method", "prompt", "response_mode", "max_age"} {
		if len(q[p]) > 1 {
			return req, errInvalidRequest(p + " given more than once"), nil
		}
	}
	switch {
	case q.Get("response_type") != "code":
		return req, &oauthError{code: "unsupported_response_type", description: "only response_type=code is supported"}, nil
	case !slices.Contains(strings.Fields(req.scope), "openid"):
		return req, &oauthError{code: "invalid_scope", description: "scope must include openid"}, nil
	case q.Get("response_mode") != "" && q.Get("response_mode") != "query":
		return req, errInvalidRequest("only response_mode=query is supported"), nil
	case q.Has("request") || q.Has("request_uri"):
		return req, &oauthError{code: "request_not_supported", description: "request objects are not supported"}, nil
	case req.challenge == "":
		return req, errInvalidRequest("code_challenge is required"), nil
	case q.Get("code_challenge_method") != "S256":
		// A missing method means "plain" (RFC 7636 §4.3), refused too.
		return req, errInvalidRequest("code_challenge_method must be S256"), nil
	case !s256Challenge.MatchString(req.challenge):
		return req, errInvalidRequest("code_challenge is malformed"), nil
	case req.hasPrompt("none") && len(req.prompt) > 1:
		return req, errInvalidRequest("prompt=none cannot be combined with other values"), nil
	}
	if v := q.Get("max_age"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return req, errInvalidRequest("max_age must be a non-negative integer"), nil
		}
		req.maxAge = n
	}
	return req, nil, nil
}

// errorRedirect is the redirect_uri carrying an authorization error.
func errorRedirect(req authRequest, e *oauthError) *url.URL {
	v := url.Values{"error": {e.code}, "error_description": {e.description}}
	if req.state != "" {
		v.Set("state", req.state)
	}
	return withQuery(req.redirectURI, v)
}

// withQuery adds v to uri's query, keeping what the client registered.
func withQuery(uri string, v url.Values) *url.URL {
	u, err := url.Parse(uri)
	if err != nil {
		panic("vnconnecttest: redirect URI was validated but does not parse")
	}
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u
}

// errLoginRequired answers prompt=none when the login page would be needed.
var errLoginRequired = &oauthError{code: "login_required", description: "no active session"}

// completeLogin is what submitting the login form does: for the chosen
// account it opens (or, for the browser, re-authenticates) an SSO session
// with open and issues a code in it; cancel answers access_denied. An
// unknown account is an error and nothing is issued.
func (s *Server) completeLogin(req authRequest, techID string, cancel bool, open func(Account) ssoRef) (*url.URL, error) {
	if cancel {
		return errorRedirect(req, &oauthError{code: "access_denied", description: "the user cancelled the login"}), nil
	}
	a, ok := s.Account(techID)
	if !ok {
		return nil, errors.New("vnconnecttest: unknown TechID")
	}
	if a.Status != "" && a.Status != StatusActive {
		return errorRedirect(req, &oauthError{code: "access_denied", description: "the account is not active"}), nil
	}
	return s.issueCode(req, open(a)), nil
}

// issueCode is the successful end of an authorization request in the
// SSO session ref: a code bound to its sid and auth_time, and the client
// recorded as taking part (the browser is on its way to it, so single
// logout must reach it even if it never redeems the code).
func (s *Server) issueCode(req authRequest, ref ssoRef) *url.URL {
	code, family := s.randomToken(), s.randomUUID()
	now := s.now()
	s.mu.Lock()
	s.codes[code] = &codeGrant{req: req, techID: ref.techID, authTime: ref.authTime, sid: ref.sid, expires: now.Add(s.ttl.code), family: family}
	if sess := s.sessions[ref.sid]; sess != nil {
		sess.clients[req.clientID] = true
	}
	s.mu.Unlock()
	v := url.Values{"code": {code}}
	if req.state != "" {
		v.Set("state", req.state)
	}
	return withQuery(req.redirectURI, v)
}

// trySSO answers an authorization request from the browser's SSO session
// when one exists and suffices: no login page, same sid. It reports false
// when the login page is needed (for prompt=none: login_required).
func (s *Server) trySSO(r *http.Request, req authRequest) (*url.URL, bool) {
	if req.hasPrompt("login") {
		return nil, false
	}
	ref, ok := s.ssoFromRequest(r)
	if !ok {
		return nil, false
	}
	if _, ok := s.ssoSatisfies(ref, req.acr); !ok {
		return nil, false
	}
	if req.maxAge >= 0 && s.now().Sub(ref.authTime) > time.Duration(req.maxAge)*time.Second {
		return nil, false
	}
	return s.issueCode(req, ref), true
}

// handleAuthorize serves GET and POST /oauth2/authorize: an authorization
// request renders the login page; a POST carrying sessionDataKey is the
// login form being submitted.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.startLogin(w, r, r.URL.Query())
	case http.MethodPost:
		if err := parseForm(w, r); err != nil {
			renderErrorPage(w, http.StatusBadRequest, "Yêu cầu không hợp lệ.")
			return
		}
		if r.PostForm.Has("sessionDataKey") {
			s.submitLogin(w, r)
			return
		}
		s.startLogin(w, r, r.PostForm)
	default:
		methodNotAllowed(w, "GET, POST")
	}
}

func (s *Server) startLogin(w http.ResponseWriter, r *http.Request, q url.Values) {
	req, redirErr, err := s.parseAuthRequest(q)
	switch {
	case err != nil:
		renderErrorPage(w, http.StatusBadRequest, "Ứng dụng hoặc địa chỉ chuyển hướng (redirect_uri) chưa được đăng ký.")
		return
	case redirErr != nil:
		http.Redirect(w, r, errorRedirect(req, redirErr).String(), http.StatusFound)
		return
	}
	if u, ok := s.trySSO(r, req); ok {
		http.Redirect(w, r, u.String(), http.StatusFound)
		return
	}
	if req.hasPrompt("none") {
		http.Redirect(w, r, errorRedirect(req, errLoginRequired).String(), http.StatusFound)
		return
	}
	key := s.randomUUID()
	s.mu.Lock()
	s.sweepLocked()
	s.pending[key] = &pendingLogin{req: req, expires: s.now().Add(s.ttl.login)}
	s.mu.Unlock()
	s.renderLogin(w, http.StatusOK, key, req, "")
}

// handleLoginPage serves WSO2's /authenticationendpoint/login.do: GET shows
// a pending request's page again, POST submits it.
func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		key := r.URL.Query().Get("sessionDataKey")
		p := s.pendingLogin(key, false)
		if p == nil {
			renderErrorPage(w, http.StatusBadRequest, "Phiên đăng nhập đã hết hạn. Vui lòng quay lại ứng dụng và thử lại.")
			return
		}
		s.renderLogin(w, http.StatusOK, key, p.req, "")
	case http.MethodPost:
		if err := parseForm(w, r); err != nil {
			renderErrorPage(w, http.StatusBadRequest, "Yêu cầu không hợp lệ.")
			return
		}
		s.submitLogin(w, r)
	default:
		methodNotAllowed(w, "GET, POST")
	}
}

// pendingLogin finds an unexpired pending request, removing it if take.
func (s *Server) pendingLogin(key string, take bool) *pendingLogin {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pending[key]
	if p == nil {
		return nil
	}
	if !s.now().Before(p.expires) {
		delete(s.pending, key)
		return nil
	}
	if take {
		delete(s.pending, key)
	}
	return p
}

func (s *Server) submitLogin(w http.ResponseWriter, r *http.Request) {
	key := r.PostForm.Get("sessionDataKey")
	cancel := r.PostForm.Get("action") == "cancel"
	techID := r.PostForm.Get("techid")
	if !cancel {
		// Check the choice before consuming the request, so a missing
		// choice shows the page again instead of ending the login.
		p := s.pendingLogin(key, false)
		if p == nil {
			renderErrorPage(w, http.StatusBadRequest, "Phiên đăng nhập đã hết hạn. Vui lòng quay lại ứng dụng và thử lại.")
			return
		}
		if _, ok := s.Account(techID); !ok {
			s.renderLogin(w, http.StatusBadRequest, key, p.req, "Vui lòng chọn một tài khoản để đăng nhập.")
			return
		}
	}
	p := s.pendingLogin(key, true)
	if p == nil {
		renderErrorPage(w, http.StatusBadRequest, "Phiên đăng nhập đã hết hạn. Vui lòng quay lại ứng dụng và thử lại.")
		return
	}
	if p.saml != nil {
		s.submitSAMLLogin(w, r, p.saml, techID, cancel)
		return
	}
	u, err := s.completeLogin(p.req, techID, cancel, func(a Account) ssoRef { return s.browserLogin(w, r, a) })
	if err != nil {
		renderErrorPage(w, http.StatusBadRequest, "Tài khoản không tồn tại.")
		return
	}
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// parseForm parses a form body of at most 1 MiB.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	return r.ParseForm()
}
