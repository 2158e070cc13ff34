package vnconnect

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// maxJWKSKeys bounds how many entries of a JWKS document are examined; a
// provider publishes a handful, and parsing is not free.
const maxJWKSKeys = 100

// publicKeyFromJWK converts a JWK to a verification key once, when the key
// set is built, so no conversion happens per token. skip is true for keys
// that are legitimately not for signatures ("use":"enc", key_ops without
// "verify", an encryption "alg"); err is set for keys that cannot be used at
// all (symmetric, malformed, weak).
func publicKeyFromJWK(k jwk.Key) (pk PublicKey, skip bool, err error) {
	if k == nil {
		return PublicKey{}, false, errors.New("nil JWK")
	}
	if k.KeyUsage() == string(jwk.ForEncryption) {
		return PublicKey{}, true, nil
	}
	if ops := k.KeyOps(); len(ops) > 0 {
		verify := false
		for _, op := range ops {
			if op == jwk.KeyOpVerify {
				verify = true
			}
		}
		if !verify {
			return PublicKey{}, true, nil
		}
	}
	if k.KeyType() == jwa.OctetSeq {
		// A shared secret in a key set would enable HMAC forgery by anyone
		// who can read the set: refuse, never "skip quietly".
		return PublicKey{}, false, errors.New("symmetric (oct) keys are not accepted")
	}
	alg := ""
	if a := k.Algorithm(); a != nil {
		alg = a.String()
	}
	if alg != "" && !isAsymmetricAlg(alg) {
		// e.g. RSA-OAEP: a key meant for encryption.
		return PublicKey{}, true, nil
	}
	raw, err := jwk.PublicRawKeyOf(k)
	if err != nil {
		return PublicKey{}, false, fmt.Errorf("JWK: %w", err)
	}
	key, err := checkPublicKey(raw)
	if err != nil {
		return PublicKey{}, false, err
	}
	return PublicKey{KeyID: k.KeyID(), Algorithm: alg, Key: key}, false, nil
}

// parseJWKS reads a JWK Set document. Entries that cannot be parsed or used
// (unknown kty, bad modulus, "use":"enc", symmetric…) are skipped rather than
// failing the whole set: one odd key published by the provider must not
// lock every user out. The document itself must be a JSON object with a
// "keys" array and yield at least one usable key.
func parseJWKS(data []byte) ([]PublicKey, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, errors.New("vnconnect: JWKS is not a JSON object with a keys array")
	}
	var out []PublicKey
	for i, raw := range doc.Keys {
		if i == maxJWKSKeys {
			break
		}
		k, err := jwk.ParseKey(raw)
		if err != nil {
			continue
		}
		pk, skip, err := publicKeyFromJWK(k)
		if err != nil || skip {
			continue
		}
		out = append(out, pk)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("vnconnect: JWKS has no usable signature key: %w", ErrUnknownKey)
	}
	return out, nil
}
