package web

import (
	"context"
	"time"
)

// SessionStore holds server-side sessions. The browser's cookie carries only
// Session.ID; everything else stays here.
//
// Implementations must be safe for concurrent use. A store shared by several
// replicas (redisstore) makes DeleteBySID and DeleteBySubject effective on
// every replica at once, which is what single logout needs.
//
// Run webstoretest.TestSessionStore against any implementation.
type SessionStore interface {
	// Save creates or replaces s under s.ID. The store keeps it until
	// s.ExpiresAt() (the earlier of the idle and the absolute deadline)
	// and indexes it by (s.Issuer, s.SID) and (s.Issuer, s.Subject) so the
	// Delete… methods below find it. Saving a session whose deadline has
	// passed deletes it.
	Save(ctx context.Context, s *Session) error
	// Load returns the session with this ID, or (nil, nil) when there is
	// none or it has expired. The returned value may be shared with other
	// callers (the memory store hands out its own copy to keep Load free of
	// allocations): treat it as read-only, and change a copy, then Save it.
	Load(ctx context.Context, id string) (*Session, error)
	// Delete removes the session (and its index entries). Deleting a
	// missing session is not an error.
	Delete(ctx context.Context, id string) error
	// DeleteBySID removes every session of the identity provider session
	// sid at issuer and reports how many it removed. Back-channel and
	// front-channel logout use it.
	DeleteBySID(ctx context.Context, issuer, sid string) (int, error)
	// DeleteBySubject removes every session of subject sub at issuer (a
	// logout token without sid) and reports how many it removed.
	DeleteBySubject(ctx context.Context, issuer, sub string) (int, error)
}

// SessionRefresher is an optional SessionStore method, used when a request
// pushes its session's idle deadline forward. Refresh saves s only while a
// session with s.ID is still stored, and reports whether it was. With plain
// Save, a logout that deletes the session between a request's Load and its
// refresh would be undone (the Save puts it back); both stores in this
// module implement Refresh, and a store without it keeps that narrow window.
type SessionRefresher interface {
	Refresh(ctx context.Context, s *Session) (stored bool, err error)
}

// SessionSubjectDeleter is an optional SessionStore method for a logout
// that names both an identity provider session and a person: a SAML
// LogoutRequest (its NameID, narrowed by each SessionIndex; SAML 2.0 core
// §3.7.3.2) or an OIDC logout token carrying both sid and sub.
// DeleteBySIDAndSubject removes the sessions of sid at issuer whose
// Subject is sub, and reports how many it removed; a session of sid with
// another (or no) Subject stays, and stays found by DeleteBySID. The check
// and the delete are one step: a session saved again in between is judged
// on what it holds then. An empty sid or sub removes nothing.
//
// Both stores in this module implement it. With a store that does not,
// the Handler ends every session of sub at issuer instead
// (DeleteBySubject): more of that person's sessions than were named,
// never anyone else's.
type SessionSubjectDeleter interface {
	DeleteBySIDAndSubject(ctx context.Context, issuer, sid, sub string) (int, error)
}

// PendingStore holds short-lived, single-use records: logins in flight
// (keyed by the OAuth state) between the redirect to Vnconnect and the
// callback. The same method set serves saml.RequestStore, so one
// implementation backs both.
//
// Implementations must be safe for concurrent use, and Take must be atomic:
// when several requests Take the same key at once (several replicas, a
// replayed callback), exactly one gets the value.
//
// Run webstoretest.TestPendingStore against any implementation.
type PendingStore interface {
	// Put stores value under key for ttl. It never overwrites: if key is
	// present and not expired, it returns an error wrapping ErrExists.
	Put(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Take returns the value stored under key and deletes it, atomically.
	// It returns (nil, nil) when the key is missing or expired.
	Take(ctx context.Context, key string) ([]byte, error)
}
