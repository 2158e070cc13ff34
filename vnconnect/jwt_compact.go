package vnconnect

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// MaxTokenSize bounds the length of a compact token accepted by the
// verifiers. It is checked before any decoding, so an attacker cannot make a
// verifier base64-decode or JSON-parse megabytes. Vnconnect ID tokens are
// around 1–2 KiB.
const MaxTokenSize = 64 << 10

// maxKeyTries bounds the number of signature verifications one token may
// cost when it has no "kid" (or its kid names several keys): each RSA
// verification is tens of microseconds, so an unbounded loop over a large
// key set would be a denial-of-service lever.
const maxKeyTries = 5

// b64 is strict base64url without padding: the strict variant refuses
// non-zero trailing bits, so two different strings never decode to the same
// signature (a mutated token must never verify).
var b64 = base64.RawURLEncoding.Strict()

// jwtHeader holds the protected-header members the verifiers look at.
// Members that could carry or point to a key (jwk, jku, x5u, x5c) are
// deliberately not decoded: keys come only from the configured KeySet.
type jwtHeader struct {
	Alg  string
	Kid  string
	Typ  string
	Crit string // raw JSON; any non-null value makes the token invalid
}

// compactJWT is a token whose signature has been verified by verifyCompact.
type compactJWT struct {
	header  jwtHeader
	alg     *jwtAlg
	payload []byte // decoded JSON claims
	claims  string // the same bytes as a string, for jsonScan and IDToken
}

// hasLineBreak reports whether s contains '\r' or '\n'. Go's base64
// decoder skips those two characters silently (even in strict mode), so
// without this check a token with inserted line breaks in its signature
// would still verify; every other stray character is refused by the
// decoder itself. IndexByte is vectorised, so this costs a few
// nanoseconds per kilobyte.
func hasLineBreak(s string) bool {
	return strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\r') >= 0
}

// malformed wraps ErrMalformedToken with a fixed description (never token
// content).
func malformed(what, why string) error {
	return fmt.Errorf("vnconnect: %s: %s: %w", what, why, ErrMalformedToken)
}

// verifyCompact checks the shape of raw, its header against policy and its
// signature against keys, and returns the decoded payload. what names the
// kind of token in error messages ("id token", "logout token").
//
// The token is split once and decoded by hand rather than through
// jwt.Parse: this avoids jwx building a generic header map and converting
// the JWK on every call, and it lets the algorithm be checked against the
// allow-list before any key is touched. The signature itself is still
// checked by jwx's verifier.
func verifyCompact(ctx context.Context, raw string, policy algPolicy, keys KeySet, what string) (tok compactJWT, err error) {
	if len(raw) > MaxTokenSize {
		return compactJWT{}, malformed(what, "token too large")
	}
	if raw == "" {
		return compactJWT{}, malformed(what, "empty token")
	}
	if hasLineBreak(raw) {
		return compactJWT{}, malformed(what, "invalid characters")
	}
	d1 := strings.IndexByte(raw, '.')
	if d1 < 0 {
		return compactJWT{}, malformed(what, "not a compact JWS")
	}
	d2 := strings.IndexByte(raw[d1+1:], '.')
	if d2 < 0 {
		return compactJWT{}, malformed(what, "not a compact JWS")
	}
	d2 += d1 + 1
	if strings.IndexByte(raw[d2+1:], '.') >= 0 {
		// Five segments would be a JWE; more is garbage either way.
		return compactJWT{}, malformed(what, "not a compact JWS")
	}
	hSeg, pSeg, sSeg := raw[:d1], raw[d1+1:d2], raw[d2+1:]
	if hSeg == "" || pSeg == "" {
		return compactJWT{}, malformed(what, "empty segment")
	}
	if sSeg == "" {
		// An unsigned token ("alg":"none") has an empty third segment.
		return compactJWT{}, fmt.Errorf("vnconnect: %s: unsigned token: %w", what, ErrAlgorithmNotAllowed)
	}

	// One scratch buffer holds a copy of the token (whose prefix is the
	// signing input, and whose segments are decoded in place without
	// further string→[]byte copies), the decoded header, the signature and
	// the payload.
	hLen, sLen, pLen := b64.DecodedLen(len(hSeg)), b64.DecodedLen(len(sSeg)), b64.DecodedLen(len(pSeg))
	buf := make([]byte, len(raw)+hLen+sLen+pLen)
	copy(buf, raw)
	rawB, rest := buf[:len(raw)], buf[len(raw):]
	hBuf, sBuf, pBuf := rest[:hLen], rest[hLen:hLen+sLen], rest[hLen+sLen:]

	n, err := b64.Decode(hBuf, rawB[:d1])
	if err != nil {
		return compactJWT{}, malformed(what, "header is not base64url")
	}
	if err := decodeHeader(string(hBuf[:n]), &tok.header); err != nil {
		return compactJWT{}, malformed(what, "header is not a valid JSON object")
	}
	if tok.header.Crit != "" && tok.header.Crit != "null" {
		// RFC 7515 §4.1.11: extensions we do not implement must make the
		// token invalid (e.g. "b64":false would change the signing input).
		return compactJWT{}, malformed(what, "unsupported critical header parameters")
	}
	tok.alg = policy.lookup(tok.header.Alg)
	if tok.alg == nil {
		// Covers "none", every HS*, and anything not configured.
		return compactJWT{}, fmt.Errorf("vnconnect: %s: %w", what, ErrAlgorithmNotAllowed)
	}

	n, err = b64.Decode(sBuf, rawB[d2+1:])
	if err != nil {
		return compactJWT{}, malformed(what, "signature is not base64url")
	}
	sig := sBuf[:n]

	cands, err := keys.Keys(ctx, tok.header.Kid)
	if err != nil {
		if errors.Is(err, ErrUnknownKey) {
			return compactJWT{}, fmt.Errorf("vnconnect: %s: %w", what, err)
		}
		return compactJWT{}, fmt.Errorf("vnconnect: %s: fetching verification keys: %w", what, err)
	}
	tries := 0
	verified := false
	for i := range cands {
		k := &cands[i]
		if k.Algorithm != "" && k.Algorithm != tok.alg.name {
			continue
		}
		if !tok.alg.keyOK(k.Key) {
			continue
		}
		if tries == maxKeyTries {
			break
		}
		tries++
		if tok.alg.verifier.Verify(rawB[:d2], sig, k.Key) == nil {
			verified = true
			break
		}
	}
	if tries == 0 {
		return compactJWT{}, fmt.Errorf("vnconnect: %s: no key usable with the token's algorithm: %w", what, ErrUnknownKey)
	}
	if !verified {
		return compactJWT{}, fmt.Errorf("vnconnect: %s: %w", what, ErrInvalidSignature)
	}

	// Only now, with the signature good, is the payload decoded.
	n, err = b64.Decode(pBuf, rawB[d1+1:d2])
	if err != nil {
		return compactJWT{}, malformed(what, "payload is not base64url")
	}
	tok.payload = pBuf[:n]
	tok.claims = string(tok.payload)
	return tok, nil
}
