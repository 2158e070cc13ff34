package vnconnecttest

import (
	"net/http"
	"time"
)

// SSOCookieName is the browser SSO cookie, named as WSO2 names it. Its
// value is a random handle, not the sid: a relying party learns the sid
// from ID tokens and SessionIndex, and must not be able to forge the
// user's cookie from it.
const SSOCookieName = "commonAuthId"

// DefaultSSOSessionTTL is the SSO session's idle timeout, WSO2's default
// "session time out" of 15 minutes.
const DefaultSSOSessionTTL = 15 * time.Minute

// ssoRef is a snapshot of one SSO session, taken under the lock.
type ssoRef struct {
	sid      string
	techID   string
	authTime time.Time
}

// samlParticipant is a SAML SP that received an assertion in a session,
// and what it was told, which its LogoutRequest must repeat.
type samlParticipant struct {
	entityID     string
	nameID       string
	sessionIndex string
}

// openSSOSession starts a new sign-in for the account: a fresh sid,
// auth_time now. Headless logins use it too (they get a session and a
// sid but no cookie, so nothing else can join it from a browser).
func (s *Server) openSSOSession(a Account, _ *ssoRef) ssoRef {
	sid, now := s.randomUUID(), s.now()
	s.mu.Lock()
	s.sweepLocked()
	s.sessions[sid] = &session{techID: a.TechID, authTime: now, lastUsed: now, clients: map[string]bool{}}
	s.mu.Unlock()
	return ssoRef{sid: sid, techID: a.TechID, authTime: now}
}

// browserLogin is the login form being submitted for a: if the browser's
// SSO session belongs to the same account it is re-authenticated in place
// (same sid, new auth_time: prompt=login and ForceAuthn keep one session
// to log out of); otherwise a new session starts and the cookie moves to
// it. A session of another account left behind stays open at the fake
// until logged out by sid or it expires, as on WSO2.
func (s *Server) browserLogin(w http.ResponseWriter, r *http.Request, a Account) ssoRef {
	if ref, ok := s.ssoFromRequest(r); ok && ref.techID == a.TechID {
		now := s.now()
		s.mu.Lock()
		if sess := s.sessions[ref.sid]; sess != nil {
			sess.authTime, sess.lastUsed = now, now
		}
		s.mu.Unlock()
		ref.authTime = now
		return ref
	}
	ref := s.openSSOSession(a, nil)
	s.setSSOCookie(w, ref.sid)
	return ref
}

// setSSOCookie binds a fresh cookie value to sid.
func (s *Server) setSSOCookie(w http.ResponseWriter, sid string) {
	v := s.randomToken()
	s.mu.Lock()
	s.ssoCookies[v] = sid
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{
		Name: SSOCookieName, Value: v, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
		// Secure only where it can work: the fake runs on plain-HTTP
		// loopback in tests.
		Secure: s.isHTTPS(),
	})
}

// clearSSOCookie forgets the browser's cookie value and tells the browser
// to drop it.
func (s *Server) clearSSOCookie(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SSOCookieName); err == nil {
		s.mu.Lock()
		delete(s.ssoCookies, c.Value)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{
		Name: SSOCookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.isHTTPS(),
	})
}

func (s *Server) isHTTPS() bool { return len(s.base) > 8 && s.base[:8] == "https://" }

// ssoFromRequest finds the live SSO session the browser's cookie names
// and marks it used. Ended and idle-expired sessions do not count.
func (s *Server) ssoFromRequest(r *http.Request) (ssoRef, bool) {
	c, err := r.Cookie(SSOCookieName)
	if err != nil || c.Value == "" {
		return ssoRef{}, false
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sid := s.ssoCookies[c.Value]
	sess := s.sessions[sid]
	if sess == nil || sess.ended || !now.Before(sess.lastUsed.Add(s.ssoTTL)) {
		return ssoRef{}, false
	}
	sess.lastUsed = now
	return ssoRef{sid: sid, techID: sess.techID, authTime: sess.authTime}, true
}

// ssoSatisfies reports whether a session may answer a request without
// the login page: the account still exists and is active, and holds the
// level asked for (the fake authenticates every account at its own LoA).
func (s *Server) ssoSatisfies(ref ssoRef, requestedACR string) (Account, bool) {
	a, ok := s.Account(ref.techID)
	if !ok || (a.Status != "" && a.Status != StatusActive) {
		return a, false
	}
	return a, loaRank(a.loa()) >= loaRank(highestACR(requestedACR))
}

// joinOIDC records an OIDC client taking part in a session.
func (s *Server) joinOIDC(sid, clientID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess := s.sessions[sid]; sess != nil {
		sess.clients[clientID] = true
	}
}

// joinSAML records a SAML SP taking part in a session (once per SP; a
// later login refreshes what it was told).
func (s *Server) joinSAML(sid string, p samlParticipant) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[sid]
	if sess == nil {
		return
	}
	for i, q := range sess.samlSPs {
		if q.entityID == p.entityID {
			sess.samlSPs[i] = p
			return
		}
	}
	sess.samlSPs = append(sess.samlSPs, p)
}

// SSOSessionID is the sid of the live SSO session a cookie value names,
// for tests that hold a cookie jar; "" if none.
func (s *Server) SSOSessionID(cookieValue string) string {
	r := &http.Request{Header: http.Header{"Cookie": {SSOCookieName + "=" + cookieValue}}}
	ref, ok := s.ssoFromRequest(r)
	if !ok {
		return ""
	}
	return ref.sid
}

// SSOSessionActive reports whether the session sid exists and has not
// been logged out (idle expiry of the cookie aside).
func (s *Server) SSOSessionActive(sid string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[sid]
	return sess != nil && !sess.ended
}
