package rbac

import "fmt"

// Errors carry two audiences: logs want everything (a SQL store keeps the
// driver's error in the chain), the actor must see only what rbac itself
// wrote. Rather than have every caller filter error chains by type,
// rbac marks its own messages with publicError and PublicMessage reads
// them back.

// publicError is an error whose message rbac wrote: a sentinel (kind) and
// a detail built only from the request's own values and rbac's (or vnid's)
// wording — never a store's or a driver's text.
type publicError struct {
	kind error
	msg  string
}

func newPublic(kind error, format string, a ...any) error {
	return &publicError{kind: kind, msg: fmt.Sprintf(format, a...)}
}

// Error keeps the "<sentinel>: <detail>" form fmt.Errorf("%w: …") gave.
func (e *publicError) Error() string { return e.kind.Error() + ": " + e.msg }

// Unwrap returns the sentinel.
func (e *publicError) Unwrap() error { return e.kind }

// PublicMessage returns the part of err that rbac wrote for the actor to
// read, and true; or "", false when err's chain holds no such message (a
// bare sentinel, a store or driver failure, a context error…), in which
// case the caller shows its own generic text for ErrorCode(err).
//
// For a *DeniedError it is Reason; for rbac's other errors the detail
// after the sentinel ("x is already on quantri"). The first such error in
// the chain wins, so text that other packages wrapped around an rbac error
// is left out.
func PublicMessage(err error) (string, bool) {
	for err != nil {
		switch e := err.(type) {
		case *DeniedError:
			return e.Reason, true
		case *publicError:
			return e.msg, true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			// A tree: the first branch that holds a message wins, as
			// errors.As would find it.
			for _, b := range u.Unwrap() {
				if msg, ok := PublicMessage(b); ok {
					return msg, true
				}
			}
			return "", false
		default:
			return "", false
		}
	}
	return "", false
}
