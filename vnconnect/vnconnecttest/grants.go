package vnconnecttest

import "time"

// The fake's server-side state, all guarded by Server.mu.

// pendingLogin is an authorization request waiting on the login page, keyed
// by WSO2's sessionDataKey.
type pendingLogin struct {
	req     authRequest
	saml    *samlAuthn // set when the login page serves a SAML AuthnRequest
	expires time.Time
}

// codeGrant is an issued authorization code and what it was bound to.
type codeGrant struct {
	req      authRequest
	techID   string
	authTime time.Time
	sid      string
	expires  time.Time
	used     bool
	family   string // tokens issued from this code share it, so reuse revokes them
}

type accessGrant struct {
	clientID string
	techID   string
	scope    string
	sid      string
	family   string
	issued   time.Time
	expires  time.Time
}

type refreshGrant struct {
	clientID string
	techID   string
	scope    string
	sid      string
	acr      string // acr_values first asked, for LowLoA on refresh
	authTime time.Time
	family   string
	issued   time.Time
	expires  time.Time
	rotated  bool // replaced by a newer token; presenting it again is reuse
}

// session is one sign-in at the fake (WSO2's "sid"): the browser SSO
// session when it came from the login page (sso_session.go), and every
// relying party that took part in it, for single logout.
type session struct {
	techID   string
	authTime time.Time
	clients  map[string]bool // OIDC client IDs
	ended    bool

	lastUsed time.Time         // for the SSO idle timeout
	samlSPs  []samlParticipant // SAML SPs in the order they joined
}

// sweepLocked forgets expired state, so a development server left running
// for days does not grow without bound. It runs on each new login; the
// linear scan is nothing next to a human clicking through a login page.
func (s *Server) sweepLocked() {
	now := s.now()
	for k, p := range s.pending {
		if !now.Before(p.expires) {
			delete(s.pending, k)
		}
	}
	for k, c := range s.codes {
		// Spent codes are kept until expiry so reuse is still detected.
		if !now.Before(c.expires) {
			delete(s.codes, k)
		}
	}
	for k, a := range s.access {
		if !now.Before(a.expires) {
			delete(s.access, k)
		}
	}
	live := make(map[string]bool)
	for k, r := range s.refresh {
		if !now.Before(r.expires) {
			delete(s.refresh, k)
			continue
		}
		live[r.sid] = true
	}
	for sid, sess := range s.sessions {
		// A session outlives its tokens only briefly: keep it while a
		// code issued in it may still be exchanged.
		if !live[sid] && now.Sub(sess.authTime) > s.ttl.code+s.ttl.refresh && !now.Before(sess.lastUsed.Add(s.ssoTTL)) {
			delete(s.sessions, sid)
		}
	}
	for c, sid := range s.ssoCookies {
		if sess := s.sessions[sid]; sess == nil || sess.ended {
			delete(s.ssoCookies, c)
		}
	}
	for id, run := range s.logouts {
		if !now.Before(run.expires) {
			delete(s.logouts, id)
		}
	}
}

// revokeFamilyLocked revokes every token issued from one code: on code
// reuse (RFC 6749 §4.1.2), refresh token reuse, or revocation of a refresh
// token (RFC 7009 §2.1).
func (s *Server) revokeFamilyLocked(family string) {
	for k, a := range s.access {
		if a.family == family {
			delete(s.access, k)
		}
	}
	for k, r := range s.refresh {
		if r.family == family {
			delete(s.refresh, k)
		}
	}
}
