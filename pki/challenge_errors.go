package pki

import "errors"

// Sentinel errors of the challenge login. VerifyAnswer returns them inside
// a *ChallengeError; test with errors.Is.
var (
	// ErrChallengeUnknown: no such challenge — never issued, already
	// answered (a replay), or expired long enough to be dropped.
	ErrChallengeUnknown = errors.New("pki: unknown or already used challenge")
	// ErrChallengeExpired: the challenge was answered after its expiry.
	ErrChallengeExpired = errors.New("pki: challenge expired")
	// ErrChallengePurpose: the challenge was issued for another purpose.
	ErrChallengePurpose = errors.New("pki: challenge issued for another purpose")
	// ErrChallengeAudience: the challenge was issued for another relying
	// party (possible only with a store shared between relying parties).
	ErrChallengeAudience = errors.New("pki: challenge issued for another audience")
	// ErrChallengeSignature: the signature does not verify, does not cover
	// exactly the challenge's signing input, uses a refused algorithm, or
	// its CMS signing time is outside the challenge's window.
	ErrChallengeSignature = errors.New("pki: challenge signature invalid")
	// ErrChallengeMalformed: the answer cannot be read or is over a limit
	// (size, number of certificates, number of CMS signers).
	ErrChallengeMalformed = errors.New("pki: malformed challenge answer")
	// ErrChallengeCertificate: the signature is valid but the signer's
	// certificate is not accepted; the Verifier's error (ErrUntrusted,
	// ErrRevoked, ErrRevocationUnknown, …) is wrapped too.
	ErrChallengeCertificate = errors.New("pki: challenge signer certificate refused")
)

// ChallengeError is a refused answer. Its message is safe to show: it
// never quotes the answer. Cause, when set, is kept for logs and errors.Is
// (a Verifier error, a CMS library error); its text is part of Error only
// when it comes from the Verifier or the context, whose messages are safe
// too (a CMS library's may quote the answer).
type ChallengeError struct {
	Err    error  // a sentinel above
	Detail string // safe, fixed text
	Cause  error

	showCause bool
}

func (e *ChallengeError) Error() string {
	msg := e.Err.Error()
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Cause != nil && e.showCause {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// Unwrap returns the sentinel and the cause.
func (e *ChallengeError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

// cherr builds a ChallengeError whose cause text stays out of Error.
func cherr(sentinel error, detail string, cause error) *ChallengeError {
	return &ChallengeError{Err: sentinel, Detail: detail, Cause: cause}
}

// cherrSafe builds a ChallengeError whose cause text is safe to show.
func cherrSafe(sentinel error, detail string, cause error) *ChallengeError {
	return &ChallengeError{Err: sentinel, Detail: detail, Cause: cause, showCause: true}
}
