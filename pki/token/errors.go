package token

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error this package returns that has one of these
// causes wraps it, so callers test with errors.Is. Errors that come from a
// PKCS#11 call are *PKCS11Error values whose Unwrap yields the sentinel.
var (
	// ErrNoCgo is returned by Open in a binary built with CGO_ENABLED=0:
	// PKCS#11 modules are C shared libraries and cannot be loaded without cgo.
	ErrNoCgo = errors.New("token: PKCS#11 needs cgo; this binary was built with CGO_ENABLED=0")
	// ErrClosed is returned by methods of a Module, Token or Signer that has
	// been closed.
	ErrClosed = errors.New("token: closed")
	// ErrTokenNotFound: no token matches the Selector, or the token was
	// removed (CKR_TOKEN_NOT_PRESENT, CKR_DEVICE_REMOVED, CKR_SLOT_ID_INVALID).
	ErrTokenNotFound = errors.New("token: token not found")
	// ErrAmbiguous: a Selector or KeySelector matches more than one token or
	// key; say which one.
	ErrAmbiguous = errors.New("token: more than one match")
	// ErrKeyNotFound: no private key matches the KeySelector.
	ErrKeyNotFound = errors.New("token: private key not found")
	// ErrPINIncorrect: the token refused the PIN (CKR_PIN_INCORRECT). Each
	// wrong PIN brings a real token closer to locking itself: do not retry
	// automatically.
	ErrPINIncorrect = errors.New("token: PIN incorrect")
	// ErrPINLocked: the user PIN is blocked (CKR_PIN_LOCKED, or the token
	// reports CKF_USER_PIN_LOCKED). Only the security officer can unblock it.
	ErrPINLocked = errors.New("token: PIN locked")
	// ErrPINExpired: the PIN must be changed before use (CKR_PIN_EXPIRED).
	ErrPINExpired = errors.New("token: PIN expired")
	// ErrNoPIN: the token needs a login and Options.PIN is nil.
	ErrNoPIN = errors.New("token: login required but no PIN callback configured")
	// ErrUnsupported: the key type, hash or signature scheme is not one this
	// package signs with.
	ErrUnsupported = errors.New("token: unsupported key or algorithm")
)

// Return values (CKR_*) from the PKCS#11 v2.40 specification that this
// package interprets. They are spelled out here rather than taken from
// miekg/pkcs11 so that the error mapping also compiles without cgo.
const (
	ckrSlotIDInvalid        = 0x003
	ckrDeviceError          = 0x030
	ckrDeviceRemoved        = 0x032
	ckrKeyHandleInvalid     = 0x060
	ckrObjectHandleInvalid  = 0x082
	ckrPINIncorrect         = 0x0A0
	ckrPINInvalid           = 0x0A1
	ckrPINLenRange          = 0x0A2
	ckrPINExpired           = 0x0A3
	ckrPINLocked            = 0x0A4
	ckrSessionClosed        = 0x0B0
	ckrSessionHandleInvalid = 0x0B3
	ckrTokenNotPresent      = 0x0E0
	ckrTokenNotRecognized   = 0x0E1
	ckrUserAlreadyLoggedIn  = 0x100
	ckrUserNotLoggedIn      = 0x101
	ckrUserPINNotInit       = 0x102
)

var ckrNames = map[uint]string{
	ckrSlotIDInvalid:        "CKR_SLOT_ID_INVALID",
	ckrDeviceError:          "CKR_DEVICE_ERROR",
	ckrDeviceRemoved:        "CKR_DEVICE_REMOVED",
	ckrKeyHandleInvalid:     "CKR_KEY_HANDLE_INVALID",
	ckrObjectHandleInvalid:  "CKR_OBJECT_HANDLE_INVALID",
	ckrPINIncorrect:         "CKR_PIN_INCORRECT",
	ckrPINInvalid:           "CKR_PIN_INVALID",
	ckrPINLenRange:          "CKR_PIN_LEN_RANGE",
	ckrPINExpired:           "CKR_PIN_EXPIRED",
	ckrPINLocked:            "CKR_PIN_LOCKED",
	ckrSessionClosed:        "CKR_SESSION_CLOSED",
	ckrSessionHandleInvalid: "CKR_SESSION_HANDLE_INVALID",
	ckrTokenNotPresent:      "CKR_TOKEN_NOT_PRESENT",
	ckrTokenNotRecognized:   "CKR_TOKEN_NOT_RECOGNIZED",
	ckrUserAlreadyLoggedIn:  "CKR_USER_ALREADY_LOGGED_IN",
	ckrUserNotLoggedIn:      "CKR_USER_NOT_LOGGED_IN",
	ckrUserPINNotInit:       "CKR_USER_PIN_NOT_INITIALIZED",
}

// PKCS11Error is a failed PKCS#11 call: the function (Op, e.g. "C_Login")
// and the CK_RV it returned. Unwrap yields the matching sentinel
// (ErrPINIncorrect for CKR_PIN_INCORRECT, …) or nil for codes without one.
type PKCS11Error struct {
	Op   string
	Code uint
}

func (e *PKCS11Error) Error() string {
	name, ok := ckrNames[e.Code]
	if !ok {
		name = "CKR"
	}
	return fmt.Sprintf("token: %s: %s (0x%X)", e.Op, name, e.Code)
}

// Unwrap maps the return value to this package's sentinel errors.
func (e *PKCS11Error) Unwrap() error {
	switch e.Code {
	case ckrPINIncorrect, ckrPINInvalid, ckrPINLenRange:
		// A PIN of the wrong length or alphabet is, to the user, a wrong PIN.
		return ErrPINIncorrect
	case ckrPINLocked:
		return ErrPINLocked
	case ckrPINExpired:
		return ErrPINExpired
	case ckrTokenNotPresent, ckrTokenNotRecognized, ckrDeviceRemoved, ckrSlotIDInvalid:
		return ErrTokenNotFound
	case ckrKeyHandleInvalid, ckrObjectHandleInvalid:
		return ErrKeyNotFound
	}
	return nil
}

// sessionLost reports whether a session must be discarded rather than put
// back in the pool after a call failed with code.
func sessionLost(code uint) bool {
	switch code {
	case ckrSessionClosed, ckrSessionHandleInvalid, ckrDeviceRemoved,
		ckrTokenNotPresent, ckrDeviceError:
		return true
	}
	return false
}
