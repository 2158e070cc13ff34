package vnconnect

import "errors"

// Sentinel errors. Every error returned by this package that is caused by one
// of these conditions wraps the sentinel, so callers test with errors.Is:
//
//	tok, err := v.Verify(ctx, raw, params)
//	if errors.Is(err, vnconnect.ErrTokenExpired) { ... }
//
// Messages built around these sentinels never quote values taken from a token
// whose signature has not been verified, so they are safe to log; they may
// still be unfit to show to end users verbatim.
var (
	// ErrMalformedToken: the token is not a well-formed compact JWS/JWT
	// (wrong number of segments, bad base64url, bad JSON, too large, …).
	ErrMalformedToken = errors.New("vnconnect: malformed token")

	// ErrAlgorithmNotAllowed: the "alg" header is not in the verifier's
	// allow-list. "none" and every HMAC algorithm are always refused.
	ErrAlgorithmNotAllowed = errors.New("vnconnect: signing algorithm not allowed")

	// ErrUnknownKey: no key in the key set matches the token's "kid"
	// (after one refresh of a remote key set), or the key set is empty.
	ErrUnknownKey = errors.New("vnconnect: no matching verification key")

	// ErrInvalidSignature: no candidate key verified the signature.
	ErrInvalidSignature = errors.New("vnconnect: invalid token signature")

	// ErrIssuerMismatch: "iss" is not exactly the configured issuer.
	ErrIssuerMismatch = errors.New("vnconnect: issuer mismatch")

	// ErrAudienceMismatch: "aud" does not contain the client ID.
	ErrAudienceMismatch = errors.New("vnconnect: audience mismatch")

	// ErrAuthorizedPartyMismatch: "azp" is missing while there are several
	// audiences, or present and not equal to the client ID.
	ErrAuthorizedPartyMismatch = errors.New("vnconnect: authorized party mismatch")

	// ErrTokenExpired: "exp" is in the past (beyond the leeway). A missing
	// "exp" is reported as ErrMissingClaim.
	ErrTokenExpired = errors.New("vnconnect: token expired")

	// ErrTokenNotYetValid: "nbf" is in the future (beyond the leeway).
	ErrTokenNotYetValid = errors.New("vnconnect: token not yet valid")

	// ErrIssuedInFuture: "iat" is in the future (beyond the leeway).
	ErrIssuedInFuture = errors.New("vnconnect: token issued in the future")

	// ErrMissingClaim: a claim required by the rules or by the caller is absent.
	ErrMissingClaim = errors.New("vnconnect: required claim missing")

	// ErrNonceMismatch: "nonce" differs from the one sent or is missing while
	// one was sent. (A nonce in a token when none was expected is accepted
	// and exposed, see VerifyParams.Nonce.)
	ErrNonceMismatch = errors.New("vnconnect: nonce mismatch")

	// ErrAtHashMismatch: "at_hash" does not match the access token.
	ErrAtHashMismatch = errors.New("vnconnect: at_hash mismatch")

	// ErrCHashMismatch: "c_hash" does not match the authorization code.
	ErrCHashMismatch = errors.New("vnconnect: c_hash mismatch")

	// ErrAuthTooOld: "auth_time" is older than the requested max_age allows.
	ErrAuthTooOld = errors.New("vnconnect: authentication too old")

	// ErrInsufficientLoA: "acr" is below the required level of assurance,
	// missing, or not a level this package knows.
	ErrInsufficientLoA = errors.New("vnconnect: insufficient level of assurance")

	// ErrSubjectMismatch: two responses that must be about the same person
	// (ID token and UserInfo, old and refreshed ID token) name different subjects.
	ErrSubjectMismatch = errors.New("vnconnect: subject mismatch")

	// ErrReplay: a one-time token identifier (a logout token's "jti") was
	// already seen.
	ErrReplay = errors.New("vnconnect: token replayed")

	// ErrInvalidLogoutToken: a back-channel logout token breaks a rule that
	// is specific to logout tokens (events, nonce, sid/sub, typ).
	ErrInvalidLogoutToken = errors.New("vnconnect: invalid logout token")

	// ErrInsecureURL: a URL is not https and not a loopback address, and the
	// Insecure… switch that would allow it is off.
	ErrInsecureURL = errors.New("vnconnect: insecure URL (https required)")

	// ErrResponseTooLarge: a remote response exceeded the configured size limit.
	ErrResponseTooLarge = errors.New("vnconnect: response too large")

	// ErrReplayCacheFull: the in-memory replay cache reached its bound and
	// refuses new identifiers rather than forgetting live ones (which would
	// let a replay through).
	ErrReplayCacheFull = errors.New("vnconnect: replay cache full")
)
