package vnconnect

import (
	"encoding/json"
	"testing"
)

// FuzzParseJWKS: any document may be refused, none may panic, and every key
// accepted is a usable asymmetric public key.
func FuzzParseJWKS(f *testing.F) {
	f.Add(vtJWKS(vtJWK(f, vtRSAKeyA(), "k1", nil)))
	f.Add(vtJWKS(vtJWK(f, vtECKey(), "ec", nil), map[string]any{"kty": "RSA", "n": "AQAB", "e": "AQAB"}))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"AAAA"},{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}`))
	f.Add([]byte(`{"keys":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		keys, err := parseJWKS(doc)
		if err != nil {
			return
		}
		if len(keys) == 0 || len(keys) > maxJWKSKeys {
			t.Fatalf("%d keys accepted", len(keys))
		}
		for _, k := range keys {
			if _, err := checkPublicKey(k.Key); err != nil {
				t.Fatalf("unusable key accepted: %v", err)
			}
			if k.Algorithm != "" && !isAsymmetricAlg(k.Algorithm) {
				t.Fatalf("key with alg %q accepted", k.Algorithm)
			}
		}
		_ = json.Valid(doc)
	})
}
