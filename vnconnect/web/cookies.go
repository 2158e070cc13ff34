package web

import (
	"net/http"
	"strings"
	"time"
)

// Cookie names. The __Host- prefix makes browsers refuse the cookie unless
// it is Secure, has Path=/ and no Domain, so a sibling subdomain cannot set
// or overwrite it (which would enable session fixation and login CSRF).
const (
	SessionCookieName = "__Host-rpkit-session"
	LoginCookieName   = "__Host-rpkit-login"

	// DevSessionCookieName and DevLoginCookieName are used instead when
	// BaseURL is http on a loopback host (local development): browsers
	// refuse __Host- and Secure cookies over http. When BaseURL has a port,
	// "-<port>" is appended (see Handler.CookieNames).
	DevSessionCookieName = "rpkit-session"
	DevLoginCookieName   = "rpkit-login"
)

// tokenLen is the length of a 256-bit random value, base64url without
// padding: session tokens, CSRF tokens and browser bindings all have it.
const (
	tokenBytes = 32
	tokenLen   = 43
)

type cookiePolicy struct {
	session, login string
	secure         bool
}

func newCookiePolicy(dev bool, port string) cookiePolicy {
	if dev {
		p := cookiePolicy{session: DevSessionCookieName, login: DevLoginCookieName}
		if port != "" {
			// Browsers do not keep cookies apart by port, and local
			// development runs several apps on one loopback host: without
			// the port, signing in to one app would overwrite the other's
			// session cookie.
			p.session += "-" + port
			p.login += "-" + port
		}
		return p
	}
	return cookiePolicy{session: SessionCookieName, login: LoginCookieName, secure: true}
}

func (p cookiePolicy) make(name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{
		Name: name, Value: value, Path: "/",
		Secure: p.secure, HttpOnly: true,
		// Lax, not Strict: the callback is a top-level navigation from
		// Vnconnect, and a Strict cookie would not come with it.
		SameSite: http.SameSiteLaxMode,
	}
	if maxAge > 0 {
		c.MaxAge = int(maxAge / time.Second)
	} else {
		c.MaxAge = -1
	}
	return c
}

// setSession sets the session cookie. It is a browser-session cookie (no
// Max-Age): the server-side deadlines are what count, and closing the
// browser ending the session is what people expect on a shared computer.
func (p cookiePolicy) setSession(w http.ResponseWriter, token string) {
	c := p.make(p.session, token, 0)
	c.MaxAge = 0
	http.SetCookie(w, c)
}

func (p cookiePolicy) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, p.make(p.session, "", -1))
}

func (p cookiePolicy) setLogin(w http.ResponseWriter, binding string, ttl time.Duration) {
	http.SetCookie(w, p.make(p.login, binding, ttl))
}

// tokenCookie returns the value of the named cookie if it has the shape of
// one of our tokens; anything else is ignored, so junk never reaches a
// store lookup. Like Request.Cookie it takes the first cookie of that name;
// unlike it, it does not allocate a Cookie for every cookie the browser
// sends, which matters on the RequireLogin path.
func tokenCookie(r *http.Request, name string) string {
	for _, line := range r.Header["Cookie"] {
		for len(line) > 0 {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = strings.TrimLeft(part, " \t")
			v, ok := strings.CutPrefix(part, name)
			if !ok || len(v) == 0 || v[0] != '=' {
				continue
			}
			v = strings.TrimRight(v[1:], " \t")
			if !isToken(v) {
				return ""
			}
			return v
		}
	}
	return ""
}

func isToken(s string) bool {
	if len(s) != tokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// CookieNames returns the names of the session cookie and the pre-login
// binding cookie this Handler sets.
func (h *Handler) CookieNames() (session, login string) {
	return h.cookie.session, h.cookie.login
}
