package web

import (
	"errors"
	"fmt"
)

// Sentinel errors.
var (
	// ErrExists: PendingStore.Put found the key already present.
	ErrExists = errors.New("web: key already exists")
	// ErrStoreFull: an in-memory store reached its bound and refuses new
	// entries rather than evicting live ones.
	ErrStoreFull = errors.New("web: store full")
	// ErrBadReturnTo: a return_to value is not a same-origin relative path.
	ErrBadReturnTo = errors.New("web: return_to is not a same-origin path")
	// ErrBadDeepLink: DVCQG deep-link parameters are malformed.
	ErrBadDeepLink = errors.New("web: malformed deep-link parameters")
	// ErrStateUnknown: the callback's state matches no pending login (reused,
	// expired, or never issued).
	ErrStateUnknown = errors.New("web: unknown or reused login state")
	// ErrWrongBrowser: the callback arrived from a browser other than the
	// one that started the login.
	ErrWrongBrowser = errors.New("web: login state bound to another browser")
	// ErrLoginRefused: Config.OnLogin refused the person.
	ErrLoginRefused = errors.New("web: login refused by the application")
	// ErrCSRF: a state-changing request lacks a valid CSRF token.
	ErrCSRF = errors.New("web: missing or invalid CSRF token")
)

// AuthError is an error response from the identity provider on the callback
// (error=…&error_description=…). Its fields come from the query string, so
// they are untrusted: escape them before display (the handler's pages do).
type AuthError struct {
	Code        string // e.g. "access_denied", "login_required"
	Description string
	Err         error // the underlying error, e.g. *vnconnect.RetrieveError
}

func (e *AuthError) Error() string {
	if e.Description != "" {
		return fmt.Sprintf("web: identity provider returned %q: %s", e.Code, e.Description)
	}
	return fmt.Sprintf("web: identity provider returned %q", e.Code)
}

func (e *AuthError) Unwrap() error { return e.Err }

// RefusalError is what Config.OnLogin returns to refuse a login with a
// message of its own, shown to the person (escaped). Any other error shows
// a generic refusal.
type RefusalError struct {
	Message string // public, Vietnamese, e.g. "Tài khoản chưa được kích hoạt."
	Err     error  // for the log; may be nil
}

func (e *RefusalError) Error() string {
	if e.Err != nil {
		return "web: login refused: " + e.Message + ": " + e.Err.Error()
	}
	return "web: login refused: " + e.Message
}

func (e *RefusalError) Unwrap() error { return e.Err }
