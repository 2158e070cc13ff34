package vnconnect

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// KeySet supplies the public keys that token signatures are checked against.
// Verifiers never use a key found in a token's own header (jwk, jku, x5u,
// x5c): only what a KeySet returns.
//
// Keys returns the candidate keys for a token whose header carries kid.
// For kid == "" that is every key; otherwise the keys with that kid, or,
// when none has it, the keys that have no kid at all (a key configured
// without a kid may have signed anything). Implementations return
// ErrUnknownKey (wrapped) when they have no candidate, after whatever
// refresh they do (RemoteKeySet refetches once). The returned slice is
// shared and must not be modified.
//
// The verifiers try each returned key whose type and "alg" fit the token's
// algorithm, at most five of them (each try costs a full signature check,
// so the bound caps what one forged token can cost), and stop at the first
// that verifies. A token without "kid" is thus checked against every
// fitting key, which is how a provider publishing several keys without
// naming them in tokens still works.
type KeySet interface {
	Keys(ctx context.Context, kid string) ([]PublicKey, error)
}

// PublicKey is one verification key.
type PublicKey struct {
	// KeyID is the JWK "kid"; "" for a key without one.
	KeyID string
	// Algorithm is the JWK "alg"; "" allows any algorithm matching the
	// key's type (RSA: RS*/PS*, EC: ES* on the key's curve, Ed25519: EdDSA).
	Algorithm string
	// Key is a *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey.
	Key crypto.PublicKey
}

// minRSABits is the smallest RSA modulus accepted as a verification key.
// Smaller keys are factorable by a determined attacker; Vnconnect uses 2048.
const minRSABits = 2048

// checkPublicKey normalises k to one of the three supported forms and
// rejects keys that are unusable or weak.
func checkPublicKey(k crypto.PublicKey) (crypto.PublicKey, error) {
	switch k := k.(type) {
	case *rsa.PublicKey:
		if k == nil || k.N == nil || k.N.Sign() <= 0 || k.E < 3 || k.E%2 == 0 {
			return nil, errors.New("invalid RSA public key")
		}
		if k.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("RSA key of %d bits is below the %d-bit minimum", k.N.BitLen(), minRSABits)
		}
		return k, nil
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil || k.X == nil || k.Y == nil || !k.Curve.IsOnCurve(k.X, k.Y) {
			return nil, errors.New("invalid EC public key")
		}
		return k, nil
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, errors.New("invalid Ed25519 public key")
		}
		return k, nil
	default:
		return nil, fmt.Errorf("unsupported key type %T (only RSA, EC and Ed25519 public keys)", k)
	}
}

// keyIndex is an immutable lookup structure built once per key set (or per
// JWKS fetch), so that a verification costs a map lookup and no conversion.
type keyIndex struct {
	all   []PublicKey
	byKID map[string][]PublicKey
	// noKID holds the keys without a kid: a token naming a kid that no key
	// carries may still be signed by one of them (e.g. a StaticKeySet built
	// from a bare *rsa.PublicKey), so they are its fallback candidates.
	noKID []PublicKey
}

func newKeyIndex(keys []PublicKey) *keyIndex {
	ix := &keyIndex{all: keys, byKID: make(map[string][]PublicKey)}
	for _, k := range keys {
		if k.KeyID == "" {
			ix.noKID = append(ix.noKID, k)
			continue
		}
		ix.byKID[k.KeyID] = append(ix.byKID[k.KeyID], k)
	}
	return ix
}

// lookup returns the candidates for kid and whether kid was found by name
// (used by RemoteKeySet to decide whether to refetch).
func (ix *keyIndex) lookup(kid string) ([]PublicKey, bool) {
	if kid == "" {
		return ix.all, true
	}
	if ks, ok := ix.byKID[kid]; ok {
		return ks, true
	}
	return ix.noKID, false
}

// StaticKeySet is a fixed KeySet, for keys configured out of band and for
// tests. It is safe for concurrent use.
type StaticKeySet struct {
	ix *keyIndex
}

var _ KeySet = (*StaticKeySet)(nil)

// NewStaticKeySet builds a key set from any mix of:
//   - *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey (no kid: they
//     are candidates for every token);
//   - a crypto.Signer such as *rsa.PrivateKey (its public half is used);
//   - PublicKey (with a kid and/or alg);
//   - jwk.Key or jwk.Set (kid, alg and use honoured; "use":"enc" keys are
//     skipped, symmetric keys refused).
//
// RSA keys shorter than 2048 bits are refused.
func NewStaticKeySet(keys ...crypto.PublicKey) (*StaticKeySet, error) {
	var out []PublicKey
	for i, k := range keys {
		switch k := k.(type) {
		case PublicKey:
			pk, err := checkPublicKey(k.Key)
			if err != nil {
				return nil, fmt.Errorf("vnconnect: static key %d: %w", i, err)
			}
			if k.Algorithm != "" && !isAsymmetricAlg(k.Algorithm) {
				return nil, fmt.Errorf("vnconnect: static key %d: algorithm %q: %w", i, k.Algorithm, ErrAlgorithmNotAllowed)
			}
			k.Key = pk
			out = append(out, k)
		case jwk.Set:
			for j := 0; j < k.Len(); j++ {
				jk, _ := k.Key(j)
				pk, skip, err := publicKeyFromJWK(jk)
				if err != nil {
					return nil, fmt.Errorf("vnconnect: static key %d, JWK %d: %w", i, j, err)
				}
				if !skip {
					out = append(out, pk)
				}
			}
		case jwk.Key:
			pk, skip, err := publicKeyFromJWK(k)
			if err != nil {
				return nil, fmt.Errorf("vnconnect: static key %d: %w", i, err)
			}
			if !skip {
				out = append(out, pk)
			}
		default:
			if s, ok := k.(crypto.Signer); ok {
				k = s.Public()
			}
			pk, err := checkPublicKey(k)
			if err != nil {
				return nil, fmt.Errorf("vnconnect: static key %d: %w", i, err)
			}
			out = append(out, PublicKey{Key: pk})
		}
	}
	return &StaticKeySet{ix: newKeyIndex(out)}, nil
}

// Keys implements KeySet.
func (s *StaticKeySet) Keys(_ context.Context, kid string) ([]PublicKey, error) {
	if s == nil || s.ix == nil {
		return nil, ErrUnknownKey
	}
	ks, _ := s.ix.lookup(kid)
	if len(ks) == 0 {
		return nil, ErrUnknownKey
	}
	return ks, nil
}
