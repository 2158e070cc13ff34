package web

import (
	"context"
	"net/http"
)

// handleBackchannel serves OpenID Connect Back-Channel Logout 1.0: Vnconnect
// POSTs logout_token=… server to server when a person logs out elsewhere.
// The sessions of the token's sid end (of those, only its sub's when it
// names both: see endSIDOfSubject), or without sid every session of its
// sub, through the SessionStore index, hence on every replica sharing the
// store.
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
	switch {
	case tok.SID != "" && tok.Subject != "":
		n, err = h.endSIDOfSubject(r.Context(), tok.Issuer, tok.SID, tok.Subject)
	case tok.SID != "":
		n, err = h.sessions.DeleteBySID(r.Context(), tok.Issuer, tok.SID)
	default:
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

// endSIDOfSubject ends the sessions of IdP session sid at issuer whose
// subject is sub: a logout that names both a session and a person must not
// end another person's session of that sid. A store without
// SessionSubjectDeleter cannot select them, so every session of sub ends
// instead: more of that person's sessions than were named, never someone
// else's.
func (h *Handler) endSIDOfSubject(ctx context.Context, issuer, sid, sub string) (int, error) {
	if d, ok := h.sessions.(SessionSubjectDeleter); ok {
		return d.DeleteBySIDAndSubject(ctx, issuer, sid, sub)
	}
	return h.sessions.DeleteBySubject(ctx, issuer, sub)
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
