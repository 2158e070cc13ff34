package vnconnecttest

import "time"

// The fake's server-side state, all guarded by Server.mu.

// pendingLogin is an authorization request waiting on the login page, keyed
// by WSO2's sessionDataKey.
type pendingLogin struct {
	req     authRequest
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

// session is one sign-in at the fake (WSO2's "sid"), and the clients that
// received tokens in it, for back-channel logout.
type session struct {
	techID   string
	authTime time.Time
	clients  map[string]bool
	ended    bool
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
		if !live[sid] && now.Sub(sess.authTime) > s.ttl.code+s.ttl.refresh {
			delete(s.sessions, sid)
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
