package vnconnect

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// DefaultAlgorithm is the only signing algorithm accepted when
// VerifierConfig.AllowedAlgs is empty. Vnconnect (WSO2) signs ID tokens with
// RS256.
const DefaultAlgorithm = "RS256"

// jwtAlg describes one asymmetric JWS algorithm the verifiers can be
// configured to accept. The table below is closed on purpose: "none" and the
// HMAC family are absent, so no configuration can enable them.
type jwtAlg struct {
	name string
	// hash is the hash whose left half forms at_hash / c_hash (OIDC Core
	// 3.1.3.6); for EdDSA that is SHA-512 (OIDF errata for Ed25519).
	hash crypto.Hash
	// keyOK reports whether a key is of the type (and curve) this algorithm
	// uses, so that a key is never fed to a verifier of another family.
	keyOK func(crypto.PublicKey) bool
	// verifier is jwx's stateless verifier, created once per algorithm.
	verifier jws.Verifier
}

func isRSAKey(k crypto.PublicKey) bool {
	_, ok := k.(*rsa.PublicKey)
	return ok
}

func isECKeyOn(c elliptic.Curve) func(crypto.PublicKey) bool {
	return func(k crypto.PublicKey) bool {
		ek, ok := k.(*ecdsa.PublicKey)
		return ok && ek.Curve == c
	}
}

func isEd25519Key(k crypto.PublicKey) bool {
	_, ok := k.(ed25519.PublicKey)
	return ok
}

// supportedAlgs lists every algorithm that may appear in AllowedAlgs.
var supportedAlgs = map[string]struct {
	hash  crypto.Hash
	keyOK func(crypto.PublicKey) bool
}{
	"RS256": {crypto.SHA256, isRSAKey},
	"RS384": {crypto.SHA384, isRSAKey},
	"RS512": {crypto.SHA512, isRSAKey},
	"PS256": {crypto.SHA256, isRSAKey},
	"PS384": {crypto.SHA384, isRSAKey},
	"PS512": {crypto.SHA512, isRSAKey},
	"ES256": {crypto.SHA256, isECKeyOn(elliptic.P256())},
	"ES384": {crypto.SHA384, isECKeyOn(elliptic.P384())},
	"ES512": {crypto.SHA512, isECKeyOn(elliptic.P521())},
	"EdDSA": {crypto.SHA512, isEd25519Key},
}

// isAsymmetricAlg reports whether name is an algorithm this package can
// verify with a public key (used to sanity-check a JWK's "alg").
func isAsymmetricAlg(name string) bool {
	_, ok := supportedAlgs[name]
	return ok
}

// algPolicy is a verifier's immutable allow-list. It is a short slice rather
// than a map because it holds one to three entries and is consulted on every
// token: a linear scan of string compares is cheaper than hashing.
type algPolicy []jwtAlg

func newAlgPolicy(names []string) (algPolicy, error) {
	if len(names) == 0 {
		names = []string{DefaultAlgorithm}
	}
	p := make(algPolicy, 0, len(names))
	for _, n := range names {
		s, ok := supportedAlgs[n]
		if !ok {
			// Refuse at construction, so that a typo or an attempt to
			// allow "none"/"HS256" is loud instead of silently ignored.
			return nil, fmt.Errorf("vnconnect: algorithm %q cannot be allowed (only asymmetric signature algorithms are supported): %w", n, ErrAlgorithmNotAllowed)
		}
		if p.lookup(n) != nil {
			continue
		}
		v, err := jws.NewVerifier(jwa.SignatureAlgorithm(n))
		if err != nil {
			return nil, fmt.Errorf("vnconnect: algorithm %s: %w", n, err)
		}
		p = append(p, jwtAlg{name: n, hash: s.hash, keyOK: s.keyOK, verifier: v})
	}
	return p, nil
}

func (p algPolicy) lookup(name string) *jwtAlg {
	for i := range p {
		if p[i].name == name {
			return &p[i]
		}
	}
	return nil
}
