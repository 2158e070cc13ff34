package pki

import (
	"errors"
	"fmt"
)

// Sentinel errors of the verifier. Verify wraps them with %w (often inside a
// *VerifyError), so callers test with errors.Is. Messages never quote values
// from the certificate under test beyond its position in the chain.
var (
	// ErrUntrusted: no path from the certificate to a configured root.
	ErrUntrusted = errors.New("pki: certificate not issued by a trusted root")
	// ErrExpired: a certificate of the chain expired before the verification time.
	ErrExpired = errors.New("pki: certificate expired")
	// ErrNotYetValid: a certificate of the chain is not valid yet at the verification time.
	ErrNotYetValid = errors.New("pki: certificate not yet valid")
	// ErrKeyUsage: a key usage bit the use requires is missing (leaf:
	// digitalSignature/nonRepudiation; CA: keyCertSign; CRL issuer: cRLSign).
	ErrKeyUsage = errors.New("pki: key usage not permitted")
	// ErrExtKeyUsage: the extended key usage is outside the configured policy.
	ErrExtKeyUsage = errors.New("pki: extended key usage not permitted")
	// ErrBasicConstraints: a non-CA issues certificates, or a path length is exceeded.
	ErrBasicConstraints = errors.New("pki: basic constraints violated")
	// ErrNameConstraints: a name falls outside an issuer's name constraints.
	ErrNameConstraints = errors.New("pki: name constraints violated")
	// ErrPolicy: certificate policy processing (RFC 5280 §6.1, RFC 9618) failed.
	ErrPolicy = errors.New("pki: certificate policy check failed")
	// ErrUnhandledCriticalExtension: a certificate carries a critical extension
	// the verifier does not implement.
	ErrUnhandledCriticalExtension = errors.New("pki: unhandled critical extension")
	// ErrSignature: a signature in the chain does not verify.
	ErrSignature = errors.New("pki: bad certificate signature")
	// ErrWeakSignature: SHA-1 (or MD5) signature refused: SHA-1 needs
	// Config.InsecureAllowSHA1Before and a certificate issued before it.
	ErrWeakSignature = errors.New("pki: weak signature algorithm")
	// ErrUnsupportedAlgorithm: the algorithm (DSA among others) is not supported.
	ErrUnsupportedAlgorithm = errors.New("pki: unsupported algorithm")
	// ErrTooManyIntermediates: more untrusted intermediates than
	// Config.MaxIntermediates, or the path-building budget ran out.
	ErrTooManyIntermediates = errors.New("pki: too many intermediates")
	// ErrRevoked: a certificate of the chain is revoked.
	ErrRevoked = errors.New("pki: certificate revoked")
	// ErrRevocationUnknown: the revocation status could not be established
	// (no usable CRL or OCSP answer) under a hard-fail policy.
	ErrRevocationUnknown = errors.New("pki: revocation status unknown")
	// ErrCRLInvalid: a CRL could not be parsed or is outside what is supported.
	ErrCRLInvalid = errors.New("pki: invalid CRL")
	// ErrCRLExpired: a CRL is past its nextUpdate (or not yet valid).
	ErrCRLExpired = errors.New("pki: CRL not current")
	// ErrCRLSignature: no certificate allowed to sign the CRL verifies its signature.
	ErrCRLSignature = errors.New("pki: bad CRL signature")
	// ErrOCSPInvalid: an OCSP answer is malformed, unauthorised or stale.
	ErrOCSPInvalid = errors.New("pki: invalid OCSP response")
	// ErrFetch: a CRL or OCSP responder could not be reached or answered badly.
	ErrFetch = errors.New("pki: revocation fetch failed")
	// ErrConfig: the Config is not usable.
	ErrConfig = errors.New("pki: invalid verifier configuration")
	// ErrCertificateInput: a certificate (PEM/DER) could not be parsed.
	ErrCertificateInput = errors.New("pki: cannot parse certificate")
)

// VerifyError says which certificate made the verification fail. Depth is the
// position in the chain (0 = leaf) or -1 when no single certificate is at
// fault. It unwraps to a sentinel above and, where there is one, the cause.
type VerifyError struct {
	Depth  int
	Err    error  // a sentinel of this package
	Detail string // safe, human-readable detail
	Cause  error  // underlying error (crypto/x509, network…), may be nil
}

func (e *VerifyError) Error() string {
	msg := e.Err.Error()
	if e.Depth >= 0 {
		msg += fmt.Sprintf(" (chain position %d)", e.Depth)
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// Unwrap returns the sentinel and the cause, so errors.Is matches both.
func (e *VerifyError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

func verr(depth int, sentinel error, detail string, cause error) *VerifyError {
	return &VerifyError{Depth: depth, Err: sentinel, Detail: detail, Cause: cause}
}
