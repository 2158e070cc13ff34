package web

import (
	"context"
	"net/http"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// sessionKey is the context key of the request's *Session; unexported so
// only this package can set it.
type sessionKey struct{}

func withSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionFrom returns the session RequireLogin (or LoadSession) attached to
// ctx. Treat it as read-only.
func SessionFrom(ctx context.Context) (*Session, bool) {
	s, ok := ctx.Value(sessionKey{}).(*Session)
	return s, ok && s != nil
}

// IdentityFrom returns the logged-in person of the request, as attached by
// RequireLogin (or LoadSession). Treat it as read-only.
func IdentityFrom(ctx context.Context) (*vnconnect.Identity, bool) {
	s, ok := SessionFrom(ctx)
	if !ok || s.Identity == nil {
		return nil, false
	}
	return s.Identity, true
}

// Session returns the request's session: the one in its context if a
// middleware attached it, otherwise loaded from the cookie. It returns
// (nil, nil) for an anonymous request.
func (h *Handler) Session(r *http.Request) (*Session, error) {
	if s, ok := SessionFrom(r.Context()); ok {
		return s, nil
	}
	return h.currentSession(r)
}
