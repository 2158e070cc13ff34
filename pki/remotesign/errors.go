package remotesign

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Outcomes of a transaction. Wait returns them wrapped; test with errors.Is.
// When the service reported the outcome, the error is also a *ServiceError
// (errors.As) carrying the service's code and description.
var (
	// ErrUserRejected: the user declined the request on the phone.
	ErrUserRejected = errors.New("remotesign: the user rejected the request")
	// ErrExpired: the user did not answer in time, or the service expired
	// the authorisation or the asynchronous result.
	ErrExpired = errors.New("remotesign: the request expired")
	// ErrPINBlocked: the signing PIN is blocked after too many wrong tries.
	ErrPINBlocked = errors.New("remotesign: the signing PIN is blocked")
	// ErrCredentialNotFound: the credential or user is unknown to the
	// service, or the user has no usable credential.
	ErrCredentialNotFound = errors.New("remotesign: credential not found")
)

// Errors of the client itself, of the request or of a broken service.
var (
	// ErrInvalidRequest: the Request is unusable (no hashes, wrong digest
	// length, SHA-1, unknown algorithm…). Nothing was sent.
	ErrInvalidRequest = errors.New("remotesign: invalid request")
	// ErrUnsupportedAlgorithm: the credential's key cannot do what was
	// asked (e.g. ECDSA on an RSA key, or an algorithm the service does
	// not list for the key).
	ErrUnsupportedAlgorithm = errors.New("remotesign: algorithm not supported by the credential")
	// ErrUnsupportedAuthMode: the credential needs an authorisation mode
	// this server-side flow cannot drive (oauth2code needs the user's
	// browser).
	ErrUnsupportedAuthMode = errors.New("remotesign: credential authorisation mode not supported")
	// ErrCredentialDisabled: credentials/info reports the key disabled or
	// the certificate not valid.
	ErrCredentialDisabled = errors.New("remotesign: credential disabled")
	// ErrMalformedResponse: the service answered something that is not the
	// CSC shape (bad JSON, bad base64, bad certificate, wrong number of
	// signatures, unexpected status).
	ErrMalformedResponse = errors.New("remotesign: malformed service response")
	// ErrResponseTooLarge: a response body exceeded Config.MaxResponseBytes.
	ErrResponseTooLarge = errors.New("remotesign: service response too large")
	// ErrBadSignature: a returned signature does not verify with the
	// credential's certificate.
	ErrBadSignature = errors.New("remotesign: signature does not verify")
	// ErrUnknownTransaction: the Pending was not produced by this Signer.
	ErrUnknownTransaction = errors.New("remotesign: unknown transaction")
	// ErrWaitInProgress: another Wait on the same Pending is running.
	ErrWaitInProgress = errors.New("remotesign: wait already in progress")
)

// ServiceError is an error reported by the signing service: a non-2xx HTTP
// status with, usually, a CSC/OAuth error body {"error", "error_description"}.
//
// When the code is one rpkit recognises (see classify), Unwrap returns the
// matching outcome sentinel, so errors.Is(err, ErrUserRejected) works while
// errors.As still gives the service's own words.
type ServiceError struct {
	// Method is the CSC method called ("credentials/authorize", …) or
	// "callback" for an error delivered by result callback.
	Method string
	// Status is the HTTP status (0 for an error delivered by callback).
	Status int
	// Code and Description are the "error" and "error_description" fields.
	Code        string
	Description string

	kind error
}

// Error builds a message from the status and the sanitised, length-capped
// fields: the description comes from the service and may be long or contain
// control characters.
func (e *ServiceError) Error() string {
	var b strings.Builder
	b.WriteString("remotesign: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteString(": ")
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d", e.Status)
	} else {
		b.WriteString("service error")
	}
	if e.Code != "" {
		b.WriteString(": ")
		b.WriteString(sanitize(e.Code, 64))
	}
	if e.Description != "" {
		b.WriteString(" (")
		b.WriteString(sanitize(e.Description, 200))
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the outcome sentinel the code maps to, or nil.
func (e *ServiceError) Unwrap() error { return e.kind }

// newServiceError builds a ServiceError and classifies it once.
func newServiceError(method string, status int, code, desc string) *ServiceError {
	e := &ServiceError{Method: method, Status: status, Code: code, Description: desc}
	e.kind = classify(code, desc)
	return e
}

// classify maps a service error to an outcome sentinel. CSC v2 defines few
// codes of its own (mostly "invalid_request" with a description naming the
// bad parameter), so rpkit recognises the OAuth codes services reuse and the
// usual phrases of CSC descriptions. Anything else stays a plain
// ServiceError.
func classify(code, desc string) error {
	c := strings.ToLower(strings.TrimSpace(code))
	d := strings.ToLower(desc)
	switch c {
	case "access_denied", "user_rejected", "rejected", "user_cancelled", "user_canceled", "cancelled", "canceled":
		return ErrUserRejected
	case "expired_token", "expired", "timeout", "request_expired", "sad_expired":
		return ErrExpired
	case "pin_locked", "pin_blocked", "locked_pin", "blocked_pin", "invalid_pin_locked":
		return ErrPINBlocked
	case "credential_not_found", "invalid_credential", "user_not_found", "no_credential":
		return ErrCredentialNotFound
	case "invalid_request", "invalid_pin", "invalid_otp":
		switch {
		case strings.Contains(d, "pin") && (strings.Contains(d, "locked") || strings.Contains(d, "blocked")):
			return ErrPINBlocked
		case strings.Contains(d, "credentialid") && strings.Contains(d, "invalid"),
			strings.Contains(d, "userid") && strings.Contains(d, "invalid"),
			strings.Contains(d, "credential") && strings.Contains(d, "not found"):
			return ErrCredentialNotFound
		case strings.Contains(d, "expired"):
			return ErrExpired
		case strings.Contains(d, "rejected") || strings.Contains(d, "denied"):
			return ErrUserRejected
		}
	}
	// A bare 404 is deliberately not ErrCredentialNotFound: it is more
	// likely a wrong base URL than a missing credential.
	return nil
}

// sanitize keeps printable characters and caps the length, so a hostile
// description cannot forge log lines or flood them.
func sanitize(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n >= max {
			b.WriteString("…")
			break
		}
		if !unicode.IsPrint(r) {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
