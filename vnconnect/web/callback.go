package web

import (
	"crypto/subtle"
	"errors"
	"net/http"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// handleCallback finishes an OIDC login: GET /auth/callback?code=…&state=….
func (h *Handler) handleCallback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, "GET")
		return
	}
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" || len(state) > 512 {
		h.page(w, r, http.StatusBadRequest, pageStateUnknown, ErrStateUnknown)
		return
	}
	// Take first, whatever happens next: a state is good for one attempt.
	rec, err := h.takePending(r, pendingOIDCPrefix+state)
	if err != nil {
		if errors.Is(err, ErrStateUnknown) {
			h.page(w, r, http.StatusBadRequest, pageStateUnknown, err)
		} else {
			h.serverError(w, r, "take pending login", err)
		}
		return
	}
	if !h.boundToBrowser(r, rec.Binding) {
		h.page(w, r, http.StatusBadRequest, pageWrongBrowser, ErrWrongBrowser)
		return
	}
	areq := &vnconnect.AuthRequest{State: rec.State, Nonce: rec.Nonce, CodeVerifier: rec.CodeVerifier, MaxAge: rec.MaxAge, LoA: rec.LoA}
	code, err := areq.CodeFromCallback(q)
	if err != nil {
		var re *vnconnect.RetrieveError
		if errors.As(err, &re) {
			h.authError(w, r, &AuthError{Code: re.ErrorCode, Description: re.ErrorDescription, Err: err})
			return
		}
		h.page(w, r, http.StatusBadRequest, pageStateUnknown, err)
		return
	}
	tokens, err := h.client.Exchange(r.Context(), code, areq)
	if err != nil {
		h.page(w, r, http.StatusBadGateway, pageTokenFailed, err)
		return
	}
	id, err := h.client.UserInfo(r.Context(), tokens)
	if err != nil {
		h.page(w, r, http.StatusBadGateway, pageUserInfoFailed, err)
		return
	}
	if !h.allowLogin(w, r, id) {
		return
	}
	s := &Session{
		Protocol: ProtocolOIDC, Issuer: tokens.IDToken.Issuer, Subject: tokens.IDToken.Subject,
		SID: tokens.IDToken.SID, Identity: id, IDToken: tokens.RawIDToken,
	}
	if err := h.startSession(w, r, s); err != nil {
		h.serverError(w, r, "create session", err)
		return
	}
	noStore(w)
	http.Redirect(w, r, rec.ReturnTo, http.StatusSeeOther)
}

// boundToBrowser checks the pre-login cookie against the pending record.
func (h *Handler) boundToBrowser(r *http.Request, want []byte) bool {
	v := tokenCookie(r, h.cookie.login)
	if v == "" || len(want) == 0 {
		return false
	}
	return subtle.ConstantTimeCompare(bindingHash(v), want) == 1
}

// allowLogin runs Config.OnLogin; on refusal it writes the page and
// returns false.
func (h *Handler) allowLogin(w http.ResponseWriter, r *http.Request, id *vnconnect.Identity) bool {
	if h.onLogin == nil {
		return true
	}
	err := h.onLogin(r.Context(), id)
	if err == nil {
		return true
	}
	p := pageLoginRefused
	var re *RefusalError
	if errors.As(err, &re) && re.Message != "" {
		p.Message = re.Message
	}
	h.page(w, r, http.StatusForbidden, p, errors.Join(ErrLoginRefused, err))
	return false
}

// authError shows an identity-provider error response.
func (h *Handler) authError(w http.ResponseWriter, r *http.Request, e *AuthError) {
	p := pageAuthError
	status := http.StatusBadRequest
	switch e.Code {
	case "access_denied":
		p.Message = "Bạn đã hủy đăng nhập hoặc Vnconnect từ chối yêu cầu."
		status = http.StatusForbidden
	case "login_required", "interaction_required", "consent_required":
		p.Message = "Bạn cần đăng nhập trên Vnconnect để tiếp tục."
		status = http.StatusUnauthorized
	case "temporarily_unavailable", "server_error":
		p.Message = "Vnconnect tạm thời không phục vụ được. Vui lòng thử lại sau ít phút."
		status = http.StatusBadGateway
	}
	p.Code = e.Code
	h.page(w, r, status, p, e)
}
