package pki

import (
	"errors"
	"strconv"
)

// Errors of the subject profile. They are separate from the verifier's
// sentinels because a subject can be read without verifying anything.
var (
	// ErrSubjectTooLarge: the name exceeds MaxSubjectAttributes or a value
	// exceeds MaxSubjectValueLen.
	ErrSubjectTooLarge = errors.New("pki: subject too large")
	// ErrSubjectValue: an attribute the profile reads is not a valid UTF-8
	// string.
	ErrSubjectValue = errors.New("pki: subject attribute value not usable")
	// ErrUIDInvalid: a UID's identifier failed validation. Found only in
	// UID.Err and Subject.TaxCodeErr, never returned by ParseSubject.
	ErrUIDInvalid = errors.New("pki: invalid identifier in subject")
)

// SubjectError says which attribute made ParseSubject fail. It never quotes
// the attribute's value: the subject of an unverified certificate is
// attacker-controlled and may hold personal data.
type SubjectError struct {
	Index  int    // position of the attribute in the name, 0-based
	Attr   string // its OID in dotted form, "" when not about one attribute
	Err    error  // ErrSubjectTooLarge or ErrSubjectValue
	Detail string
}

func (e *SubjectError) Error() string {
	msg := e.Err.Error()
	if e.Attr != "" {
		msg += ": attribute " + strconv.Itoa(e.Index) + " (" + e.Attr + ")"
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

func (e *SubjectError) Unwrap() error { return e.Err }

// UIDError is the error kept in UID.Err. errors.Is matches both
// ErrUIDInvalid and the cause, which is a vnid sentinel (vnid.ErrChecksum,
// vnid.ErrLength, …) when vnid did the validation.
type UIDError struct {
	Kind UIDKind
	Err  error
}

func (e *UIDError) Error() string {
	return "pki: invalid " + string(e.Kind) + " identifier: " + e.Err.Error()
}

func (e *UIDError) Unwrap() []error { return []error{ErrUIDInvalid, e.Err} }
