package web

import (
	"net/http"
	"strings"
)

// RequireLogin lets only logged-in requests through to next, with the
// session in the context (SessionFrom, IdentityFrom). Others get:
//
//   - a browser navigation (GET or HEAD accepting text/html, without
//     X-Requested-With): a redirect to the login route with return_to set
//     to the current path and query, so the person lands back here;
//   - anything else (an API call, a form POST after the session timed
//     out): 401 with a JSON body {"error":"login_required"} and a
//     WWW-Authenticate header, because redirecting a fetch() or a POST to
//     a login page only confuses it.
//
// A store failure answers 500 rather than letting the request through.
func (h *Handler) RequireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := h.currentSession(r)
		if err != nil {
			h.serverError(w, r, "load session", err)
			return
		}
		if s == nil {
			h.loginRequired(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(withSession(r.Context(), s)))
	})
}

// LoadSession attaches the session, if any, to the context and always calls
// next: for pages that look different to logged-in people but are open to
// all.
func (h *Handler) LoadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := h.currentSession(r)
		if err != nil {
			h.log.ErrorContext(r.Context(), "web: load session", "err", err)
		}
		if s != nil {
			r = r.WithContext(withSession(r.Context(), s))
		}
		next.ServeHTTP(w, r)
	})
}

func (h *Handler) loginRequired(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	if isBrowserNavigation(r) {
		rt := r.RequestURI // as the browser sent it, even under StripPrefix
		if rt == "" {
			rt = r.URL.RequestURI()
		}
		if _, err := SanitizeReturnTo(rt); err != nil {
			rt = h.afterLogin
		}
		http.Redirect(w, r, h.LoginURL(rt), http.StatusSeeOther)
		return
	}
	w.Header().Set("WWW-Authenticate", `Vnconnect realm="`+h.base.Host+`", login_uri="`+h.basePath()+h.paths.Login+`"`)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte(`{"error":"login_required"}` + "\n"))
}

// isBrowserNavigation tells a person's browser loading a page from a
// script or an API client.
func isBrowserNavigation(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if r.Header.Get("X-Requested-With") != "" {
		return false
	}
	if m := r.Header.Get("Sec-Fetch-Mode"); m != "" && m != "navigate" {
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}
