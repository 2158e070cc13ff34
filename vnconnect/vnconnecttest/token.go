package vnconnecttest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"regexp"
	"time"
)

// RFC 7636 §4.1: 43–128 unreserved characters.
var codeVerifierRE = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	client, ok := s.clientPost(w, r)
	if !ok {
		return
	}
	var (
		resp map[string]any
		oerr *oauthError
	)
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		resp, oerr = s.codeGrant(client, r)
	case "refresh_token":
		resp, oerr = s.refreshGrant(client, r)
	case "":
		oerr = errInvalidRequest("grant_type is required")
	default:
		oerr = &oauthError{http.StatusBadRequest, "unsupported_grant_type", "grant_type not supported"}
	}
	if oerr != nil {
		writeOAuthError(w, oerr)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) codeGrant(client ClientReg, r *http.Request) (map[string]any, *oauthError) {
	code, verifier := r.PostForm.Get("code"), r.PostForm.Get("code_verifier")
	if code == "" {
		return nil, errInvalidRequest("code is required")
	}
	s.mu.Lock()
	g := s.codes[code]
	switch {
	case g == nil || g.req.clientID != client.ID:
		s.mu.Unlock()
		return nil, errInvalidGrant("unknown authorization code")
	case g.used:
		// A second use means the code leaked: revoke what the first use
		// obtained (RFC 6749 §4.1.2).
		s.revokeFamilyLocked(g.family)
		s.mu.Unlock()
		return nil, errInvalidGrant("authorization code already used")
	}
	// Any presentation by its own client spends the code, so a wrong
	// verifier cannot be retried against it.
	g.used = true
	s.mu.Unlock()
	switch {
	case !s.now().Before(g.expires):
		return nil, errInvalidGrant("authorization code expired")
	case r.PostForm.Get("redirect_uri") != g.req.redirectURI:
		return nil, errInvalidGrant("redirect_uri does not match the authorization request")
	case verifier == "":
		return nil, errInvalidRequest("code_verifier is required")
	case !codeVerifierRE.MatchString(verifier):
		return nil, errInvalidRequest("code_verifier is malformed")
	}
	sum := sha256.Sum256([]byte(verifier))
	if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(g.req.challenge)) != 1 {
		return nil, errInvalidGrant("code_verifier does not match code_challenge")
	}
	a, ok := s.Account(g.techID)
	if !ok {
		return nil, errInvalidGrant("account no longer exists")
	}
	return s.issueTokens(client.ID, a, tokenContext{
		clientID: client.ID, account: a, nonce: g.req.nonce, acr: g.req.acr, authTime: g.authTime, sid: g.sid,
	}, g.req.scope, g.family), nil
}

func (s *Server) refreshGrant(client ClientReg, r *http.Request) (map[string]any, *oauthError) {
	rt := r.PostForm.Get("refresh_token")
	if rt == "" {
		return nil, errInvalidRequest("refresh_token is required")
	}
	now := s.now()
	s.mu.Lock()
	g := s.refresh[rt]
	switch {
	case g == nil || g.clientID != client.ID:
		s.mu.Unlock()
		return nil, errInvalidGrant("unknown refresh token")
	case g.rotated:
		// Rotation makes a stolen refresh token detectable: whoever uses
		// the old one second loses the whole family.
		s.revokeFamilyLocked(g.family)
		s.mu.Unlock()
		return nil, errInvalidGrant("refresh token already used")
	case !now.Before(g.expires):
		delete(s.refresh, rt)
		s.mu.Unlock()
		return nil, errInvalidGrant("refresh token expired")
	}
	g.rotated = true
	s.mu.Unlock()
	a, ok := s.Account(g.techID)
	if !ok {
		return nil, errInvalidGrant("account no longer exists")
	}
	// OIDC Core §12.2: no nonce in a refreshed ID token; auth_time and
	// sid stay those of the original sign-in.
	return s.issueTokens(client.ID, a, tokenContext{
		clientID: client.ID, account: a, acr: g.acr, authTime: g.authTime, sid: g.sid,
	}, g.scope, g.family), nil
}

// issueTokens creates the access and refresh tokens and the ID token (with
// the active faults applied) and records the client in the session.
func (s *Server) issueTokens(clientID string, a Account, tc tokenContext, scope, family string) map[string]any {
	now := s.now()
	at, rt := s.randomToken(), s.randomToken()
	tc.accessToken = at
	claims := s.idTokenClaims(tc)
	f := s.faultsNow()
	s.applyClaimFaults(claims, f, tc.acr)
	idt := s.sign(claims, "JWT", f)

	s.mu.Lock()
	s.access[at] = &accessGrant{clientID: clientID, techID: a.TechID, scope: scope, sid: tc.sid, family: family, issued: now, expires: now.Add(s.ttl.access)}
	s.refresh[rt] = &refreshGrant{clientID: clientID, techID: a.TechID, scope: scope, sid: tc.sid, acr: tc.acr, authTime: tc.authTime, family: family, issued: now, expires: now.Add(s.ttl.refresh)}
	if sess := s.sessions[tc.sid]; sess != nil {
		sess.clients[clientID] = true
	}
	s.mu.Unlock()
	return map[string]any{
		"access_token":  at,
		"token_type":    "Bearer",
		"expires_in":    int64(s.ttl.access / time.Second),
		"refresh_token": rt,
		"id_token":      idt,
		"scope":         scope,
	}
}
