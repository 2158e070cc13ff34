package vnconnect

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
)

// randomBytes is the entropy, in bytes, of every state, nonce and PKCE
// verifier: 256 bits, encoded as 43 base64url characters — also within the
// 43–128 characters RFC 7636 §4.1 requires of a code verifier.
const randomBytes = 32

// randomToken reads randomBytes from r and encodes them base64url without
// padding (the unreserved alphabet RFC 7636 asks for, and safe in URLs).
// A short read is an error: a predictable state or verifier is worse than a
// failed login.
func randomToken(r io.Reader) (string, error) {
	b := make([]byte, randomBytes)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("vnconnect: reading randomness: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// pkceS256Challenge derives the S256 code challenge of verifier
// (RFC 7636 §4.2: BASE64URL(SHA256(ASCII(verifier)))). "plain" is never
// used: it gives no protection if the authorization request leaks.
func pkceS256Challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
