//go:build cgo

package token

import (
	"errors"

	"github.com/miekg/pkcs11"
)

// wrap turns an error from miekg/pkcs11 into a *PKCS11Error naming the call.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var code pkcs11.Error
	if errors.As(err, &code) {
		return &PKCS11Error{Op: op, Code: uint(code)}
	}
	return err
}

// codeOf returns the CK_RV inside err, or 0.
func codeOf(err error) uint {
	var pe *PKCS11Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return 0
}
