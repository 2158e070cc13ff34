package web

import (
	"crypto/subtle"
	"net/http"
)

// CSRF token transport: a form field or, for scripts, a header.
const (
	CSRFField  = "csrf"
	CSRFHeader = "X-CSRF-Token"
)

// CSRFToken returns the request's session CSRF token for embedding in a
// form (<input type="hidden" name="csrf" value="…">) or for a script to
// send in the X-CSRF-Token header. It is "" when there is no session.
func (h *Handler) CSRFToken(r *http.Request) string {
	s, err := h.Session(r)
	if err != nil || s == nil {
		return ""
	}
	return s.CSRF
}

// VerifyCSRF checks the token of a state-changing request against the
// session's, in constant time, and returns ErrCSRF when it is missing or
// wrong or there is no session. It reads the X-CSRF-Token header, else the
// "csrf" form field (which parses the body: limit its size first, e.g.
// with http.MaxBytesReader).
func (h *Handler) VerifyCSRF(r *http.Request) error {
	s, err := h.Session(r)
	if err != nil {
		return err
	}
	return verifyCSRF(r, s)
}

func verifyCSRF(r *http.Request, s *Session) error {
	if s == nil || s.CSRF == "" {
		return ErrCSRF
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		got = r.PostFormValue(CSRFField)
	}
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) != 1 {
		return ErrCSRF
	}
	return nil
}
