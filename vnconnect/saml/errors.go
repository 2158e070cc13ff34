package saml

import (
	"errors"
	"fmt"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Sentinel errors. Every error this package returns wraps exactly one of
// them (test with errors.Is). Messages name the rule that failed, never a
// value taken from the XML: an attacker writes that XML and a log or an
// error page must not become their megaphone.
var (
	// ErrMalformed: the message is not the XML shape this package accepts
	// (not well-formed, wrong root, a required element missing or repeated,
	// several assertions, a comment, CDATA or processing instruction).
	ErrMalformed = errors.New("saml: malformed message")

	// ErrForbiddenXML: the document carries a DOCTYPE, an entity declaration
	// or another markup declaration. Refused before any parsing.
	ErrForbiddenXML = fmt.Errorf("saml: DOCTYPE or entity declaration refused: %w", ErrMalformed)

	// ErrTooLarge: the request body, the encoded message, the decoded XML
	// or the inflated Redirect-binding payload is over its limit.
	ErrTooLarge = errors.New("saml: message too large")

	// ErrSignature: a required signature is missing, does not verify with
	// the IdP's metadata certificate, or carries a key that is not the
	// IdP's.
	ErrSignature = errors.New("saml: signature invalid or missing")

	// ErrIssuer: the Issuer is not the IdP's entity ID.
	ErrIssuer = errors.New("saml: wrong issuer")

	// ErrAudience: the assertion is not restricted to this SP's entity ID.
	ErrAudience = errors.New("saml: wrong audience")

	// ErrRecipient: the bearer SubjectConfirmation's Recipient is not the
	// ACS URL.
	ErrRecipient = errors.New("saml: wrong recipient")

	// ErrDestination: the message's Destination is not the URL it was
	// sent to (ACS or SLO URL).
	ErrDestination = errors.New("saml: wrong destination")

	// ErrExpired: NotOnOrAfter (or the issue-instant age limit) has passed,
	// allowing for MaxClockSkew.
	ErrExpired = errors.New("saml: message expired")

	// ErrNotYetValid: NotBefore or IssueInstant is in the future beyond
	// MaxClockSkew.
	ErrNotYetValid = errors.New("saml: message not yet valid")

	// ErrReplay: the assertion (or IdP LogoutRequest) ID was already
	// accepted once. It wraps vnconnect.ErrReplay, so one check covers
	// OIDC and SAML replays.
	ErrReplay = fmt.Errorf("saml: message replayed: %w", vnconnect.ErrReplay)

	// ErrUnsolicited: a response that answers no request of ours
	// (IdP-initiated) while Config.AllowIdPInitiated is off.
	ErrUnsolicited = errors.New("saml: unsolicited response refused")

	// ErrInResponseTo: InResponseTo does not name a pending request of this
	// browser, or that request was already answered or has expired.
	ErrInResponseTo = errors.New("saml: InResponseTo does not match a pending request")

	// ErrStatus: the IdP answered with a non-success status (see
	// *StatusError for the code).
	ErrStatus = errors.New("saml: IdP returned an error status")

	// ErrUnsupported: a feature this SP does not implement was used
	// (encrypted assertions, an unknown binding or signature algorithm).
	ErrUnsupported = errors.New("saml: unsupported")

	// ErrMetadata: the IdP metadata could not be fetched or is unusable.
	ErrMetadata = errors.New("saml: IdP metadata unavailable or invalid")

	// ErrConfig: Config is incomplete or inconsistent.
	ErrConfig = errors.New("saml: invalid configuration")
)

// StatusError is returned when the IdP's Response or LogoutResponse
// carries a status other than Success. Code is the top-level StatusCode
// and SubCode the nested one; both are URNs from a fixed vocabulary, and
// only their known forms are kept (anything else becomes "other"), so
// printing them cannot echo attacker text.
type StatusError struct {
	Code    string
	SubCode string
}

func (e *StatusError) Error() string {
	if e.SubCode != "" {
		return "saml: IdP status " + e.Code + " (" + e.SubCode + ")"
	}
	return "saml: IdP status " + e.Code
}

// Unwrap makes errors.Is(err, ErrStatus) true.
func (e *StatusError) Unwrap() error { return ErrStatus }

// statusPrefix is the namespace of every standard SAML status code.
const statusPrefix = "urn:oasis:names:tc:SAML:2.0:status:"

// safeStatus keeps a status code only when it is a short standard URN.
func safeStatus(code string) string {
	if len(code) > len(statusPrefix) && len(code) < 100 && code[:len(statusPrefix)] == statusPrefix {
		for _, c := range code[len(statusPrefix):] {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return "other"
			}
		}
		return code
	}
	if code == "" {
		return ""
	}
	return "other"
}

// errf wraps sentinel with a fixed, attacker-free description.
func errf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
