package migrate

import (
	"errors"
	"fmt"
	"time"
)

// Sentinels. Every error the package returns for a refused or impossible
// request wraps one of them.
var (
	// ErrPrecondition: the conversion may not run; the error is a
	// *PreconditionError saying which rule failed.
	ErrPrecondition = errors.New("migrate: precondition failed")
	// ErrNotFound: no such conversion or bulk job.
	ErrNotFound = errors.New("migrate: not found")
	// ErrConflict: the state changed under the operation (rights edited
	// since the conversion, rows moved elsewhere, a step already taken).
	ErrConflict = errors.New("migrate: conflict")
	// ErrVerify: Verify found the result differs from the plan; the error
	// is a *VerifyError listing the differences.
	ErrVerify = errors.New("migrate: verification failed")
	// ErrInvalid: the request is malformed.
	ErrInvalid = errors.New("migrate: invalid request")
	// ErrBadCredentials: Link was given an unknown username or a wrong
	// password — deliberately the same error for both.
	ErrBadCredentials = errors.New("migrate: unknown username or wrong password")
	// ErrRateLimited: too many link attempts; the error is a
	// *RateLimitError saying how long to wait.
	ErrRateLimited = errors.New("migrate: too many attempts")
)

// Precondition codes: stable identifiers for UIs, logs and tests.
const (
	CodeSameAccount      = "same-account"         // source and target are the same account
	CodeSourceNotFound   = "source-not-found"     // no legacy account / no membership to convert
	CodeAlreadyConverted = "already-converted"    // the source was converted before
	CodeTargetNotFound   = "target-not-found"     // the target is not saved to the subsystem
	CodeTargetInactive   = "target-inactive"      // the target's membership is pending or locked
	CodeTargetNotOnVN    = "target-not-vnconnect" // Vnconnect no longer knows the target
	CodeUnitMismatch     = "unit-mismatch"        // not in the same unit
	CodeGroupMismatch    = "group-mismatch"       // not in the same user group
	CodeForbidden        = "forbidden"            // the actor may not manage both accounts
	CodeInFlight         = "in-flight"            // another conversion holds one of the accounts
	CodeRevertWindow     = "revert-window"        // too late to revert
	CodeLegacyDisabled   = "legacy-disabled"      // the legacy login was disabled (not by a conversion)
)

// PreconditionError explains why a conversion may not run. Message is a
// sentence safe to show to the administrator who asked.
type PreconditionError struct {
	Code      string
	Message   string
	Subsystem string // the subsystem concerned, if any
	Err       error  // the underlying cause (an rbac.DeniedError…), if any
}

func (e *PreconditionError) Error() string {
	s := "migrate: " + e.Code + ": " + e.Message
	if e.Subsystem != "" {
		s += " (subsystem " + e.Subsystem + ")"
	}
	return s
}

// Unwrap returns ErrPrecondition and the cause.
func (e *PreconditionError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrPrecondition, e.Err}
	}
	return []error{ErrPrecondition}
}

func precond(code, sub, format string, a ...any) *PreconditionError {
	return &PreconditionError{Code: code, Subsystem: sub, Message: fmt.Sprintf(format, a...)}
}

// PreconditionCode returns the code of a *PreconditionError in err's chain,
// or "".
func PreconditionCode(err error) string {
	var pe *PreconditionError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, a...)...)
}

func conflict(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrConflict}, a...)...)
}

// VerifyError lists what Verify found wrong.
type VerifyError struct {
	Conversion string
	Problems   []string
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("%v: conversion %s: %v", ErrVerify, e.Conversion, e.Problems)
}

// Unwrap returns ErrVerify.
func (e *VerifyError) Unwrap() error { return ErrVerify }

// RateLimitError refuses a link attempt made too soon. It names no
// username: whether the username exists is exactly what it must not tell.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%v: try again in %s", ErrRateLimited, e.RetryAfter.Round(time.Second))
}

// Unwrap returns ErrRateLimited.
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

func notFound(id string) error { return fmt.Errorf("%w: conversion %s", ErrNotFound, id) }
