package web

import (
	"net/http"
)

// maxFormBytes bounds the bodies the handler parses itself (logout forms,
// logout tokens): a few kilobytes are plenty.
const maxFormBytes = 64 << 10

// handleLogout ends the local session, then sends the browser to end the
// identity provider's (RP-initiated logout at Vnconnect, or SAML SLO).
// POST only, with the session's CSRF token: a cross-site link or image must
// not be able to log people out.
func (h *Handler) handleLogout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, "POST")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	s, err := h.currentSession(r)
	if err != nil {
		h.serverError(w, r, "load session", err)
		return
	}
	noStore(w)
	if s == nil {
		// Nothing to end here; still clear a stale cookie.
		h.cookie.clearSession(w)
		http.Redirect(w, r, h.afterLogout, http.StatusSeeOther)
		return
	}
	if err := verifyCSRF(r, s); err != nil {
		h.page(w, r, http.StatusForbidden, pageCSRF, err)
		return
	}
	if err := h.endSession(w, r, s); err != nil {
		h.serverError(w, r, "end session", err)
		return
	}
	switch {
	case s.Protocol == ProtocolSAML && h.saml != nil:
		if err := h.saml.StartLogout(w, r, s); err != nil {
			h.log.WarnContext(r.Context(), "web: SAML logout request failed; local session ended", "err", err)
			http.Redirect(w, r, h.afterLogout, http.StatusSeeOther)
		}
	case s.Protocol == ProtocolOIDC && h.client != nil:
		u, err := h.client.LogoutURL(s.IDToken, h.origin()+h.afterLogout, "")
		if err != nil {
			h.log.WarnContext(r.Context(), "web: RP-initiated logout URL failed; local session ended", "err", err)
			http.Redirect(w, r, h.afterLogout, http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, u, http.StatusSeeOther)
	default:
		http.Redirect(w, r, h.afterLogout, http.StatusSeeOther)
	}
}

// origin is BaseURL's scheme and host.
func (h *Handler) origin() string { return h.base.Scheme + "://" + h.base.Host }
