package vnconnect_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// A relying party verifies the ID token returned by the token endpoint
// against the provider's keys. Here the "provider" is a key made on the
// spot; in production use NewRemoteKeySet on Endpoint.JWKSURL.
func ExampleIDTokenVerifier_Verify() {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	claims, _ := json.Marshal(map[string]any{
		"iss": "https://xacthuc.dichvucong.gov.vn/oauth2/token",
		"sub": "0f4b6f0e-5f43-4d0a-9d6a-1c2b3a4d5e6f", "aud": []string{"my-portal"},
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(),
		"nonce": "n-1", "acr": "LoA2", "TechID": "1f6c2a7e-3b8d-4e9f-a0b1-c2d3e4f5a6b7",
	})
	raw, _ := jws.Sign(claims, jws.WithKey(jwa.RS256, key))

	keys, err := vnconnect.NewStaticKeySet(&key.PublicKey)
	if err != nil {
		log.Fatal(err)
	}
	v, err := vnconnect.NewIDTokenVerifier(keys, vnconnect.VerifierConfig{
		ClientID:    "my-portal",
		Issuer:      "https://xacthuc.dichvucong.gov.vn/oauth2/token",
		RequiredLoA: "LoA2",
		Leeway:      time.Minute,
		Clock:       func() time.Time { return now },
	})
	if err != nil {
		log.Fatal(err)
	}
	tok, err := v.Verify(context.Background(), string(raw), vnconnect.VerifyParams{Nonce: "n-1"})
	if err != nil {
		log.Fatal(err)
	}
	var extra struct{ TechID string }
	_ = tok.Claims(&extra)
	fmt.Println(tok.ACR, extra.TechID)

	// A token for another nonce (e.g. a replayed callback) is refused.
	_, err = v.Verify(context.Background(), string(raw), vnconnect.VerifyParams{Nonce: "n-2"})
	fmt.Println(errors.Is(err, vnconnect.ErrNonceMismatch))
	// Output:
	// LoA2 1f6c2a7e-3b8d-4e9f-a0b1-c2d3e4f5a6b7
	// true
}

// The keys of the real platform come from its JWKS endpoint; the set is
// cached and refetched when the provider rotates its key.
func ExampleNewRemoteKeySet() {
	keys, err := vnconnect.NewRemoteKeySet("https://xacthuc.dichvucong.gov.vn/oauth2/jwks", vnconnect.RemoteKeySetConfig{
		HTTPClient:         &http.Client{Timeout: 10 * time.Second},
		MinRefreshInterval: time.Minute,
	})
	if err != nil {
		log.Fatal(err)
	}
	_, err = vnconnect.NewIDTokenVerifier(keys, vnconnect.VerifierConfig{
		ClientID: "my-portal",
		Issuer:   "https://xacthuc.dichvucong.gov.vn/oauth2/token",
	})
	fmt.Println(err)
	// Output: <nil>
}
