package adminapi

import (
	"errors"
	"net/http"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// Actor is the person a request acts for.
type Actor struct {
	// TechID is the Vnconnect account key: what rbac calls the actor.
	TechID string
	// Name is for display.
	Name string
}

// Authenticator is how the API learns who is calling. Guard runs first and
// may answer the request itself (a login redirect, a 401); ActorOf is
// then asked inside it; VerifyCSRF is called on every state-changing
// request (POST, PUT, PATCH, DELETE) before its body is read by the API.
type Authenticator interface {
	Guard(next http.Handler) http.Handler
	ActorOf(r *http.Request) (Actor, bool)
	VerifyCSRF(r *http.Request) error
}

// CSRFTokener is implemented by Authenticators that can tell a script the
// token to send; GET /me then includes it.
type CSRFTokener interface {
	CSRFToken(r *http.Request) string
}

// WebAuthenticator is the default Authenticator: the vnconnect/web session.
// Guard is RequireLogin (a 401 JSON answer for API calls), the actor is
// IdentityFrom's TechID, and CSRF is the session's token in the
// X-CSRF-Token header (web.VerifyCSRF).
type WebAuthenticator struct {
	Handler *web.Handler
}

var (
	_ Authenticator = WebAuthenticator{}
	_ CSRFTokener   = WebAuthenticator{}
)

// Guard implements Authenticator.
func (a WebAuthenticator) Guard(next http.Handler) http.Handler { return a.Handler.RequireLogin(next) }

// ActorOf implements Authenticator.
func (a WebAuthenticator) ActorOf(r *http.Request) (Actor, bool) {
	id, ok := web.IdentityFrom(r.Context())
	if !ok || id.TechID == "" {
		return Actor{}, false
	}
	return Actor{TechID: id.TechID, Name: id.DisplayName()}, true
}

// VerifyCSRF implements Authenticator.
func (a WebAuthenticator) VerifyCSRF(r *http.Request) error { return a.Handler.VerifyCSRF(r) }

// CSRFToken implements CSRFTokener.
func (a WebAuthenticator) CSRFToken(r *http.Request) string { return a.Handler.CSRFToken(r) }

// CredentialSource yields the agency identity that the request's VGCA
// certificate proved (the pki package's challenge-response login on a USB
// token or SIM PKI). Super-admin requests need it: the credential decides
// which unit an agency may become super admin of, so it must never come
// from the request body.
type CredentialSource interface {
	AgencyCredential(r *http.Request) (rbac.AgencyCredential, error)
}

// ErrNoCredential is what a CredentialSource returns when the request
// carries no verified agency certificate login.
var ErrNoCredential = errors.New("adminapi: no verified agency certificate for this request")
