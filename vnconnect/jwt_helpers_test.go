package vnconnect

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// Test fixtures for the verifier tests: tokens are minted with jwx directly
// (not with the vnconnecttest fake), so these tests exercise the verifier
// alone.

const (
	vtIssuer      = "https://xacthuc.dichvucong.gov.vn/oauth2/token"
	vtClientID    = "dvc-pakn-portal"
	vtNonce       = "b0c4e8a1-5a1c-4b1e-9a35-6f3e3c2a8d71"
	vtAccessToken = "6a0e2f3c-4b4d-3f6f-8f4e-1e2d3c4b5a69"
	vtCode        = "0b1f5c8e-7d9a-3b2c-a4e1-93f6d2c1b0a8"
	vtSubject     = "0f4b6f0e-5f43-4d0a-9d6a-1c2b3a4d5e6f"
)

var vtNow = time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)

func vtClock() time.Time { return vtNow }

// Key generation is slow; each key is made once per test binary.
var (
	vtRSAKeyA  = sync.OnceValue(func() *rsa.PrivateKey { return vtGenRSA(2048) })
	vtRSAKeyB  = sync.OnceValue(func() *rsa.PrivateKey { return vtGenRSA(2048) })
	vtECKey    = sync.OnceValue(func() *ecdsa.PrivateKey { return vtGenEC(elliptic.P256()) })
	vtRSAExtra = sync.OnceValue(func() []*rsa.PrivateKey {
		ks := make([]*rsa.PrivateKey, 6)
		for i := range ks {
			ks[i] = vtGenRSA(2048)
		}
		return ks
	})
)

func vtGenRSA(bits int) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err)
	}
	return k
}

func vtGenEC(c elliptic.Curve) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

// vtHalfHash computes an at_hash/c_hash value the way a provider does.
func vtHalfHash(h crypto.Hash, s string) string {
	hh := h.New()
	hh.Write([]byte(s))
	d := hh.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(d[:len(d)/2])
}

// vtClaims is a realistic Vnconnect ID token claim set, valid at vtNow.
func vtClaims() map[string]any {
	return map[string]any{
		"iss":          vtIssuer,
		"sub":          vtSubject,
		"aud":          []string{vtClientID},
		"azp":          vtClientID,
		"exp":          vtNow.Add(time.Hour).Unix(),
		"iat":          vtNow.Add(-time.Minute).Unix(),
		"auth_time":    vtNow.Add(-2 * time.Minute).Unix(),
		"nonce":        vtNonce,
		"acr":          "LoA2",
		"amr":          []string{"BasicAuthenticator"},
		"at_hash":      vtHalfHash(crypto.SHA256, vtAccessToken),
		"sid":          "3d9c5f8e-2a1b-4c7d-8e6f-0a9b8c7d6e5f",
		"TechID":       "1f6c2a7e-3b8d-4e9f-a0b1-c2d3e4f5a6b7",
		"LoaiTaiKhoan": 1,
	}
}

// vtToken describes a token to mint.
type vtToken struct {
	alg    jwa.SignatureAlgorithm // default RS256
	key    any                    // signing key; default vtRSAKeyA()
	kid    string                 // "" → none
	header map[string]any         // extra protected header members
	claims map[string]any         // default vtClaims()
	mod    func(map[string]any)   // applied to claims
}

func vtMint(tb testing.TB, spec vtToken) string {
	tb.Helper()
	if spec.alg == "" {
		spec.alg = jwa.RS256
	}
	if spec.key == nil {
		spec.key = vtRSAKeyA()
	}
	if spec.claims == nil {
		spec.claims = vtClaims()
	}
	if spec.mod != nil {
		spec.mod(spec.claims)
	}
	payload, err := json.Marshal(spec.claims)
	if err != nil {
		tb.Fatal(err)
	}
	hdr := jws.NewHeaders()
	if spec.kid != "" {
		_ = hdr.Set(jws.KeyIDKey, spec.kid)
	}
	for k, v := range spec.header {
		if err := hdr.Set(k, v); err != nil {
			tb.Fatalf("header %s: %v", k, err)
		}
	}
	out, err := jws.Sign(payload, jws.WithKey(spec.alg, spec.key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		tb.Fatalf("sign: %v", err)
	}
	return string(out)
}

// vtUnsigned builds "header.payload.sig" by hand, for tokens jwx refuses to
// produce (alg none, odd headers).
func vtUnsigned(header, claims any, sig string) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + "." + sig
}

func vtStatic(tb testing.TB, keys ...crypto.PublicKey) *StaticKeySet {
	tb.Helper()
	ks, err := NewStaticKeySet(keys...)
	if err != nil {
		tb.Fatal(err)
	}
	return ks
}

func vtVerifier(tb testing.TB, ks KeySet, mod func(*VerifierConfig)) *IDTokenVerifier {
	tb.Helper()
	cfg := VerifierConfig{ClientID: vtClientID, Issuer: vtIssuer, Clock: vtClock}
	if mod != nil {
		mod(&cfg)
	}
	v, err := NewIDTokenVerifier(ks, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// vtJWKKey returns the public JWK of key as a jwk.Key.
func vtJWKKey(tb testing.TB, key any, kid string) jwk.Key {
	tb.Helper()
	k, err := jwk.FromRaw(key)
	if err != nil {
		tb.Fatal(err)
	}
	if pk, err := k.PublicKey(); err == nil {
		k = pk
	}
	if kid != "" {
		_ = k.Set(jwk.KeyIDKey, kid)
	}
	return k
}

// vtJWK returns the public JWK of key with kid set, as a JSON object.
func vtJWK(tb testing.TB, key any, kid string, extra map[string]any) map[string]any {
	tb.Helper()
	k, err := jwk.FromRaw(key)
	if err != nil {
		tb.Fatal(err)
	}
	if pk, err := k.PublicKey(); err == nil {
		k = pk
	}
	if kid != "" {
		_ = k.Set(jwk.KeyIDKey, kid)
	}
	b, err := json.Marshal(k)
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for name, v := range extra {
		m[name] = v
	}
	return m
}

func vtJWKS(keys ...map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"keys": keys})
	return b
}

// vtMintRaw signs arbitrary payload bytes with RS256 and vtRSAKeyA.
func vtMintRaw(tb testing.TB, payload []byte) string {
	tb.Helper()
	out, err := jws.Sign(payload, jws.WithKey(jwa.RS256, vtRSAKeyA()))
	if err != nil {
		tb.Fatal(err)
	}
	return string(out)
}
