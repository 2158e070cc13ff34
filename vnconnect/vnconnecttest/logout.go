package vnconnecttest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// BackchannelLogoutEvent is the events member of a logout token (OIDC
// Back-Channel Logout 1.0 §2.4).
const BackchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout"

// handleLogout is RP-initiated logout at /oidc/logout. It ends the session
// named by id_token_hint's sid (tokens of that session stop working),
// notifies clients with a back-channel URI, and redirects to
// post_logout_redirect_uri (with state) only if that URI is registered for
// the client; otherwise it shows the logged-out page.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	var q url.Values
	switch r.Method {
	case http.MethodGet:
		q = r.URL.Query()
	case http.MethodPost:
		if err := parseForm(w, r); err != nil {
			renderErrorPage(w, http.StatusBadRequest, "Yêu cầu đăng xuất không hợp lệ.")
			return
		}
		q = r.PostForm
	default:
		methodNotAllowed(w, "GET, POST")
		return
	}
	clientID := q.Get("client_id")
	var sid string
	if hint := q.Get("id_token_hint"); hint != "" {
		claims, err := s.verifyOwnToken(hint)
		if err != nil {
			renderErrorPage(w, http.StatusBadRequest, "id_token_hint không hợp lệ.")
			return
		}
		aud := audience(claims)
		if clientID == "" && len(aud) > 0 {
			clientID = aud[0]
		}
		if !containsString(aud, clientID) {
			renderErrorPage(w, http.StatusBadRequest, "client_id không khớp với id_token_hint.")
			return
		}
		sid, _ = claims["sid"].(string)
	}
	redirect := q.Get("post_logout_redirect_uri")
	if redirect != "" {
		c, ok := s.lookupClient(clientID)
		if !ok || !allowsRedirect(c.PostLogoutRedirectURIs, redirect) {
			renderErrorPage(w, http.StatusBadRequest, "Địa chỉ chuyển hướng sau đăng xuất chưa được đăng ký.")
			return
		}
	}
	if ref, ok := s.ssoFromRequest(r); ok && (sid == "" || sid == ref.sid) {
		// Without a hint the browser's own SSO session is the one to end.
		sid = ref.sid
	}
	if _, err := r.Cookie(SSOCookieName); err == nil {
		s.clearSSOCookie(w, r)
	}
	final := ""
	if redirect != "" {
		v := url.Values{}
		if st := q.Get("state"); st != "" {
			v.Set("state", st)
		}
		final = withQuery(redirect, v).String()
	}
	var ended *endedSession
	if sid != "" {
		ended = s.endSessionDetached(r.Context(), sid)
	}
	s.finishLogout(w, r, ended, "", nil, final)
}

// endSessionDetached ends a session for a browser request: the logout
// must not be cancelled by the browser leaving, so the back-channel
// notifications get their own deadline.
func (s *Server) endSessionDetached(ctx context.Context, sid string) *endedSession {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return s.endSession(ctx, sid)
}

func (s *Server) handleLoggedOut(w http.ResponseWriter, _ *http.Request) {
	render(w, http.StatusOK, "loggedout", loggedOutView{})
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// verifyOwnToken checks a token this server signed with any published key
// and its issuer. Expiry is not checked: OIDC RP-Initiated Logout accepts
// an expired id_token_hint.
func (s *Server) verifyOwnToken(raw string) (map[string]any, error) {
	s.mu.Lock()
	ks := append([]signingKey{s.keys.current}, s.keys.retired...)
	s.mu.Unlock()
	for _, k := range ks {
		payload, err := jws.Verify([]byte(raw), jws.WithKey(jwa.RS256, &k.priv.PublicKey))
		if err != nil {
			continue
		}
		var claims map[string]any
		if err := json.Unmarshal(payload, &claims); err != nil {
			return nil, err
		}
		if claims["iss"] != s.Issuer() {
			return nil, errors.New("vnconnecttest: foreign issuer")
		}
		return claims, nil
	}
	return nil, errors.New("vnconnecttest: token not signed by this server")
}

// EndSession ends a sign-in session as /oidc/logout does: its access and
// refresh tokens stop working, the browser's SSO cookie for it no longer
// signs anyone in, and every client that took part in it and registered
// a BackchannelLogoutURI gets a logout token. Failures to notify are
// logged (Config.Logf), not returned: the user is logged out at the
// provider either way. An unknown or ended sid does nothing.
//
// Front-channel logout and SAML single logout go through the user's
// browser, which EndSession does not have: use /oidc/logout or a SAML
// LogoutRequest at /samlsso for those.
func (s *Server) EndSession(ctx context.Context, sid string) {
	s.endSession(ctx, sid)
}

// endedSession is who took part in a session just ended, for the
// browser-borne notifications.
type endedSession struct {
	sid     string
	clients []string // OIDC client IDs, sorted
	saml    []samlParticipant
}

// endSession does EndSession and reports the participants; nil when the
// session was unknown or already ended.
func (s *Server) endSession(ctx context.Context, sid string) *endedSession {
	s.mu.Lock()
	sess := s.sessions[sid]
	if sess == nil || sess.ended {
		s.mu.Unlock()
		return nil
	}
	sess.ended = true
	for k, a := range s.access {
		if a.sid == sid {
			delete(s.access, k)
		}
	}
	for k, r := range s.refresh {
		if r.sid == sid {
			delete(s.refresh, k)
		}
	}
	ended := &endedSession{sid: sid, saml: slices.Clone(sess.samlSPs)}
	var notify []string
	for id := range sess.clients {
		ended.clients = append(ended.clients, id)
		if c, ok := s.clients[id]; ok && c.BackchannelLogoutURI != "" {
			notify = append(notify, id)
		}
	}
	slices.Sort(ended.clients)
	slices.Sort(notify)
	techID := sess.techID
	s.mu.Unlock()
	sub := techID
	if a, ok := s.Account(techID); ok {
		sub = a.sub()
	}
	for _, id := range notify {
		if err := s.SendBackchannelLogout(ctx, id, sub, sid); err != nil {
			s.logf("vnconnecttest: back-channel logout to %s: %v", id, err)
		}
	}
	return ended
}

// LogoutTokenClaims returns the claims of a back-channel logout token for
// the client: iss, aud, iat, exp, jti, events, and sub and/or sid (at
// least one is required; it panics if both are empty).
func (s *Server) LogoutTokenClaims(clientID, sub, sid string) map[string]any {
	if sub == "" && sid == "" {
		panic("vnconnecttest: a logout token needs sub or sid")
	}
	now := s.now()
	c := map[string]any{
		"iss":    s.Issuer(),
		"aud":    []string{clientID},
		"iat":    now.Unix(),
		"exp":    now.Add(2 * time.Minute).Unix(),
		"jti":    s.randomUUID(),
		"events": map[string]any{BackchannelLogoutEvent: map[string]any{}},
	}
	if sub != "" {
		c["sub"] = sub
	}
	if sid != "" {
		c["sid"] = sid
	}
	return c
}

// LogoutToken returns a signed logout token (typ "logout+jwt") for direct
// tests of a logout-token verifier. Each call has a fresh jti.
func (s *Server) LogoutToken(clientID, sub, sid string) string {
	return s.sign(s.LogoutTokenClaims(clientID, sub, sid), "logout+jwt", Faults{})
}

// SendBackchannelLogout POSTs a logout token to the client's
// BackchannelLogoutURI and reports any answer but 200/204 as an error.
func (s *Server) SendBackchannelLogout(ctx context.Context, clientID, sub, sid string) error {
	c, ok := s.lookupClient(clientID)
	if !ok {
		return fmt.Errorf("vnconnecttest: unknown client %q", clientID)
	}
	if c.BackchannelLogoutURI == "" {
		return fmt.Errorf("vnconnecttest: client %q has no BackchannelLogoutURI", clientID)
	}
	body := url.Values{"logout_token": {s.LogoutToken(clientID, sub, sid)}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BackchannelLogoutURI, strings.NewReader(body))
	if err != nil {
		return fmt.Errorf("vnconnecttest: back-channel request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("vnconnecttest: back-channel logout: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("vnconnecttest: back-channel logout: client answered %s", resp.Status)
	}
	return nil
}
