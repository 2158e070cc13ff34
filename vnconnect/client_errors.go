package vnconnect

import "errors"

// Sentinels specific to the Client. They live here rather than in errors.go
// because only the client produces them; errors.Is works the same way.
var (
	// ErrInvalidResponse: an endpoint answered 2xx with a body that breaks
	// the protocol — not JSON, a required field missing (access_token,
	// id_token, active), or a token_type other than Bearer.
	ErrInvalidResponse = errors.New("vnconnect: invalid response from provider")

	// ErrStateMismatch: the "state" on the authorization callback is not the
	// one this AuthRequest generated (a forged or replayed callback, or the
	// user's session has changed between login and callback).
	ErrStateMismatch = errors.New("vnconnect: state mismatch")
)
