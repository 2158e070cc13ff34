package main

import (
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// This demo keeps its sessions in memory, server-side: the cookie holds
// only a random ID. The reusable version (Redis, replicas, back-channel
// logout) is the vnconnect/web package's job; the demo shows the shape.

const (
	sessionCookie = "portal_session"
	sessionIdle   = 30 * time.Minute
)

type session struct {
	id       string
	csrf     string
	pending  *vnconnect.AuthRequest // a login in flight, bound to this browser
	tokens   *vnconnect.Tokens
	identity *vnconnect.Identity
	lastSeen time.Time
	flash    string
}

type sessionStore struct {
	mu   sync.Mutex
	byID map[string]*session
	now  func() time.Time
	rand io.Reader
}

func newSessionStore(now func() time.Time, r io.Reader) *sessionStore {
	if now == nil {
		now = time.Now
	}
	if r == nil {
		r = rand.Reader
	}
	return &sessionStore{byID: map[string]*session{}, now: now, rand: r}
}

func (s *sessionStore) randomID() (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// get returns the browser's live session, or nil.
func (s *sessionStore) get(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.byID[c.Value]
	if sess == nil {
		return nil
	}
	if s.now().Sub(sess.lastSeen) > sessionIdle {
		delete(s.byID, c.Value)
		return nil
	}
	sess.lastSeen = s.now()
	return sess
}

// start replaces the browser's session with a fresh one under a new ID, so
// that an ID known before login is worthless after it (no fixation). The
// values of the old session that carry over are copied by the caller.
func (s *sessionStore) start(w http.ResponseWriter, r *http.Request) (*session, error) {
	s.end(w, r)
	id, err := s.randomID()
	if err != nil {
		return nil, err
	}
	csrf, err := s.randomID()
	if err != nil {
		return nil, err
	}
	sess := &session{id: id, csrf: csrf, lastSeen: s.now()}
	s.mu.Lock()
	s.byID[id] = sess
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
	return sess, nil
}

// end forgets the browser's session and clears its cookie.
func (s *sessionStore) end(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.mu.Lock()
		delete(s.byID, c.Value)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}
