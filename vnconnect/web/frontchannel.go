package web

import (
	"net/http"
)

// maxSIDLen bounds the sid accepted on the front channel.
const maxSIDLen = 256

// handleFrontchannel serves OpenID Connect Front-Channel Logout 1.0:
// Vnconnect's logged-out page loads GET …?iss=…&sid=… in an iframe. The
// iframe is third-party, so our SameSite=Lax cookie does not come with it;
// the sessions are found through the store's sid index instead.
//
// iss must equal the client's issuer: this endpoint is unauthenticated by
// design (anyone who knows a sid can end it), and refusing a foreign
// issuer at least keeps it to ours.
func (h *Handler) handleFrontchannel(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	q := r.URL.Query()
	iss, sid := q.Get("iss"), q.Get("sid")
	if iss != h.client.Endpoint().Issuer || sid == "" || len(sid) > maxSIDLen {
		h.frontchannelPage(w, http.StatusBadRequest)
		return
	}
	n, err := h.sessions.DeleteBySID(r.Context(), iss, sid)
	if err != nil {
		h.log.ErrorContext(r.Context(), "web: front-channel logout: ending sessions failed", "err", err)
		h.frontchannelPage(w, http.StatusInternalServerError)
		return
	}
	h.log.InfoContext(r.Context(), "web: front-channel logout", "sessions", n)
	h.frontchannelPage(w, http.StatusOK)
}

// frontchannelPage is tiny and static: it is rendered inside the identity
// provider's page, which alone may frame it.
func (h *Handler) frontchannelPage(w http.ResponseWriter, status int) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("X-Content-Type-Options", "nosniff")
	ancestors := "'none'"
	if h.client != nil {
		if o := originOf(h.client.Endpoint().Issuer); o != "" {
			ancestors = o
		}
	}
	hdr.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors "+ancestors)
	w.WriteHeader(status)
	if status == http.StatusOK {
		_, _ = w.Write([]byte("<!doctype html><meta charset=utf-8><title>Đã đăng xuất</title>\n"))
		return
	}
	_, _ = w.Write([]byte("<!doctype html><meta charset=utf-8><title>Yêu cầu không hợp lệ</title>\n"))
}
