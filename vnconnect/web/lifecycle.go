package web

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
)

// SessionIDFromCookie returns the Session.ID (the store key) of the session
// whose cookie holds value: its SHA-256, base64url. The store never sees the
// cookie's token itself, so a leaked store dump (or a log of keys) does not
// hand out live session cookies. Tests and admin tools use this to find a
// browser's session; the Handler does it on every request.
func SessionIDFromCookie(value string) string { return sessionID(value) }

func sessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	var buf [tokenLen]byte // 32 bytes encode to 43: one allocation, the string
	base64.RawURLEncoding.Encode(buf[:], sum[:])
	return string(buf[:])
}

// startSession completes s (ID, CSRF token, deadlines), saves it and sets
// the cookie. The ID is always fresh: a cookie the browser already had,
// perhaps planted by an attacker, is never adopted (session fixation); the
// session it named, if any, is ended.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, s *Session) error {
	token, err := h.token(tokenBytes)
	if err != nil {
		return err
	}
	csrf, err := h.token(tokenBytes)
	if err != nil {
		return err
	}
	now := h.now()
	s.ID, s.CSRF = sessionID(token), csrf
	s.CreatedAt, s.LastSeen = now, now
	s.IdleUntil, s.AbsoluteUntil = now.Add(h.idle), now.Add(h.absolute)
	if old := tokenCookie(r, h.cookie.session); old != "" {
		if err := h.sessions.Delete(r.Context(), sessionID(old)); err != nil {
			h.log.WarnContext(r.Context(), "web: ending the previous session failed", "err", err)
		}
	}
	if err := h.sessions.Save(r.Context(), s); err != nil {
		return err
	}
	h.cookie.setSession(w, token)
	return nil
}

// currentSession loads the request's session: nil when there is none or it
// has timed out. Every touchInterval it pushes the idle deadline forward;
// other requests only read.
func (h *Handler) currentSession(r *http.Request) (*Session, error) {
	token := tokenCookie(r, h.cookie.session)
	if token == "" {
		return nil, nil
	}
	ctx := r.Context()
	id := sessionID(token)
	s, err := h.sessions.Load(ctx, id)
	if err != nil || s == nil {
		return nil, err
	}
	now := h.now()
	// The store should have forgotten an expired session; our clock is
	// the one that counts.
	if s.Expired(now) {
		if err := h.sessions.Delete(ctx, id); err != nil {
			h.log.WarnContext(ctx, "web: deleting an expired session failed", "err", err)
		}
		return nil, nil
	}
	if now.Sub(s.LastSeen) >= h.touch {
		s = s.clone() // Load's value is read-only
		s.LastSeen = now
		s.IdleUntil = now.Add(h.idle)
		if rs, ok := h.sessions.(SessionRefresher); ok {
			stored, err := rs.Refresh(ctx, s)
			switch {
			case err != nil:
				h.log.WarnContext(ctx, "web: refreshing the session failed", "err", err)
			case !stored:
				// Logged out (or expired) since Load: honour it.
				return nil, nil
			}
		} else if err := h.sessions.Save(ctx, s); err != nil {
			// The request may proceed: the session is valid, only its
			// idle deadline did not move.
			h.log.WarnContext(ctx, "web: refreshing the session failed", "err", err)
		}
	}
	return s, nil
}

// endSession deletes the request's session and clears the cookie.
func (h *Handler) endSession(w http.ResponseWriter, r *http.Request, s *Session) error {
	h.cookie.clearSession(w)
	if s == nil {
		return nil
	}
	return h.sessions.Delete(r.Context(), s.ID)
}
