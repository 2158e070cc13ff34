package vnconnecttest

import "net/http"

// handleRevoke is RFC 7009. Revoking a refresh token also revokes the access
// tokens issued with it (§2.1 lets the server do so, and WSO2 does). An
// unknown token is a success: the client's goal is reached either way.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	client, ok := s.clientPost(w, r)
	if !ok {
		return
	}
	token := r.PostForm.Get("token")
	if token == "" {
		writeOAuthError(w, errInvalidRequest("token is required"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// The hint only says where to look first; both places are searched
	// (RFC 7009 §2.1), so the order does not matter here.
	if g := s.refresh[token]; g != nil {
		if g.clientID != client.ID {
			writeOAuthError(w, &oauthError{http.StatusBadRequest, "unauthorized_client", "token was issued to another client"})
			return
		}
		s.revokeFamilyLocked(g.family)
	} else if g := s.access[token]; g != nil {
		if g.clientID != client.ID {
			writeOAuthError(w, &oauthError{http.StatusBadRequest, "unauthorized_client", "token was issued to another client"})
			return
		}
		delete(s.access, token)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}
