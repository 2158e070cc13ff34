package vnconnecttest

import "net/http"

// handleIntrospect is RFC 7662. Any registered client may introspect any
// token, as on WSO2 where resource servers are clients too; an unknown,
// expired or revoked token is just {"active":false}.
func (s *Server) handleIntrospect(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.clientPost(w, r); !ok {
		return
	}
	token := r.PostForm.Get("token")
	if token == "" {
		writeOAuthError(w, errInvalidRequest("token is required"))
		return
	}
	inactive := map[string]any{"active": false}
	if g := s.liveAccess(token); g != nil {
		writeJSON(w, http.StatusOK, s.introspection(g.clientID, g.techID, g.scope, "Bearer", g.issued.Unix(), g.expires.Unix()))
		return
	}
	s.mu.Lock()
	g := s.refresh[token]
	var live bool
	var rg refreshGrant
	if g != nil {
		rg = *g
		live = !g.rotated && s.now().Before(g.expires)
		if sess := s.sessions[g.sid]; sess != nil && sess.ended {
			live = false
		}
	}
	s.mu.Unlock()
	if !live {
		writeJSON(w, http.StatusOK, inactive)
		return
	}
	writeJSON(w, http.StatusOK, s.introspection(rg.clientID, rg.techID, rg.scope, "refresh_token", rg.issued.Unix(), rg.expires.Unix()))
}

func (s *Server) introspection(clientID, techID, scope, typ string, iat, exp int64) map[string]any {
	sub := techID
	if a, ok := s.Account(techID); ok {
		sub = a.sub()
	}
	return map[string]any{
		"active":     true,
		"scope":      scope,
		"client_id":  clientID,
		"username":   sub,
		"sub":        sub,
		"token_type": typ,
		"iat":        iat,
		"nbf":        iat,
		"exp":        exp,
		"aud":        clientID,
		"iss":        s.Issuer(),
	}
}
