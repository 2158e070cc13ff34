package vnconnect

import (
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
)

// tokenHashMatches checks an at_hash or c_hash value (OIDC Core 3.1.3.6 and
// 3.3.2.11): base64url of the left half of the hash of the ASCII token,
// the hash being the one of the ID token's signature algorithm.
//
// It runs on every login, so it works in fixed-size stack buffers for
// ordinary token lengths instead of allocating a hash.Hash and copies.
func tokenHashMatches(h crypto.Hash, token, claim string) bool {
	var in [256]byte
	msg := append(in[:0], token...)
	var sum [64]byte
	var digest []byte
	switch h {
	case crypto.SHA256:
		d := sha256.Sum256(msg)
		digest = append(sum[:0], d[:]...)
	case crypto.SHA384:
		d := sha512.Sum384(msg)
		digest = append(sum[:0], d[:]...)
	case crypto.SHA512:
		d := sha512.Sum512(msg)
		digest = append(sum[:0], d[:]...)
	default:
		return false
	}
	half := digest[:len(digest)/2]
	var enc [43]byte // base64url of 32 bytes, the largest half, unpadded
	out := enc[:base64.RawURLEncoding.EncodedLen(len(half))]
	base64.RawURLEncoding.Encode(out, half)
	var cb [64]byte
	return subtle.ConstantTimeCompare(out, append(cb[:0], claim...)) == 1
}

// constantTimeEqual compares two strings without a data-dependent early
// exit (the length is not secret). It copies into stack buffers so that
// typical nonces and hashes cost no allocation.
func constantTimeEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var ab, bb [128]byte
	return subtle.ConstantTimeCompare(append(ab[:0], a...), append(bb[:0], b...)) == 1
}
