package vnconnecttest

import (
	"net/http"
	"strings"
)

// handleUserInfo serves GET and POST /oauth2/userinfo. The access token
// comes in the Authorization header, or for POST in the form body (RFC 6750
// §2.2); using both is refused. All claims are returned whatever the scope:
// WSO2 filters by scope, but Vnconnect registrations release them all.
func (s *Server) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		methodNotAllowed(w, "GET, POST")
		return
	}
	token, ok := bearerToken(r)
	if r.Method == http.MethodPost {
		if err := parseForm(w, r); err != nil {
			bearerError(w, http.StatusBadRequest, "invalid_request")
			return
		}
		if ft := r.PostForm.Get("access_token"); ft != "" {
			if ok {
				bearerError(w, http.StatusBadRequest, "invalid_request")
				return
			}
			token, ok = ft, true
		}
	}
	if !ok {
		// RFC 6750 §3.1: no credentials at all gets no error code.
		w.Header().Set("WWW-Authenticate", `Bearer realm="vnconnecttest"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token", "error_description": "access token required"})
		return
	}
	g := s.liveAccess(token)
	if g == nil {
		bearerError(w, http.StatusUnauthorized, "invalid_token")
		return
	}
	a, found := s.Account(g.techID)
	if !found {
		bearerError(w, http.StatusUnauthorized, "invalid_token")
		return
	}
	claims := a.Claims()
	if s.faultsNow().UserInfoSubMismatch {
		claims["sub"] = s.randomUUID()
	}
	writeJSON(w, http.StatusOK, claims)
}

// bearerToken reads "Authorization: Bearer <token>", scheme case-insensitive.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

func bearerError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="vnconnecttest", error="`+code+`"`)
	writeJSON(w, status, map[string]string{"error": code})
}

// liveAccess returns a copy of an unexpired, unrevoked access token's grant.
func (s *Server) liveAccess(token string) *accessGrant {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.access[token]
	if g == nil {
		return nil
	}
	if !s.now().Before(g.expires) {
		delete(s.access, token)
		return nil
	}
	if sess := s.sessions[g.sid]; sess != nil && sess.ended {
		return nil
	}
	c := *g
	return &c
}
