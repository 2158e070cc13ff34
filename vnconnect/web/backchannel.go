package web

import (
	"net/http"
)

// handleBackchannel serves OpenID Connect Back-Channel Logout 1.0: Vnconnect
// POSTs logout_token=… server to server when a person logs out elsewhere.
// Every session of the token's sid (or, without sid, of its sub) ends
// through the SessionStore index, hence on every replica sharing the store.
//
// Answers carry Cache-Control: no-store as §2.8 requires: 200 when done,
// 400 with {"error":"invalid_request"} for a bad or replayed token, 501 when
// the sessions could not be ended (the spec's "logout failed").
func (h *Handler) handleBackchannel(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	if r.Method != http.MethodPost {
		methodNotAllowed(w, "POST")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.backchannelBad(w, r, err)
		return
	}
	raw := r.PostForm["logout_token"]
	if len(raw) != 1 || raw[0] == "" {
		h.backchannelBad(w, r, nil)
		return
	}
	tok, err := h.logoutV.Verify(r.Context(), raw[0])
	if err != nil {
		h.backchannelBad(w, r, err)
		return
	}
	var n int
	if tok.SID != "" {
		n, err = h.sessions.DeleteBySID(r.Context(), tok.Issuer, tok.SID)
	} else {
		n, err = h.sessions.DeleteBySubject(r.Context(), tok.Issuer, tok.Subject)
	}
	if err != nil {
		h.log.ErrorContext(r.Context(), "web: back-channel logout: ending sessions failed", "err", err)
		writeJSON(w, http.StatusNotImplemented, `{"error":"logout_failed"}`)
		return
	}
	h.log.InfoContext(r.Context(), "web: back-channel logout", "sessions", n)
	w.WriteHeader(http.StatusOK)
}

func (h *Handler) backchannelBad(w http.ResponseWriter, r *http.Request, err error) {
	// The verifier's messages never quote unverified token content, so
	// they are safe to log; the caller only learns "invalid_request".
	h.log.WarnContext(r.Context(), "web: back-channel logout refused", "err", err)
	writeJSON(w, http.StatusBadRequest, `{"error":"invalid_request"}`)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body + "\n"))
}
