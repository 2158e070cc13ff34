package web_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// The default logout-token verifier takes the client's AllowedAlgs and
// Leeway: a logout token is held to what the client's ID tokens are.
func TestBackchannelUsesClientVerifierConfig(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ks, err := vnconnect.NewStaticKeySet(vnconnect.PublicKey{KeyID: "k1", Key: &priv.PublicKey})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ep := vnconnect.EndpointFor("https://idp.example.vn")
	client, err := vnconnect.NewClient(vnconnect.Config{
		ClientID: "rp-1", RedirectURL: "https://rp.example.vn/auth/callback", Endpoint: ep,
		KeySet: ks, AllowedAlgs: []string{"RS256", "PS256"}, Leeway: 2 * time.Minute, Clock: clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Config{Client: client, BaseURL: "https://rp.example.vn", Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	jti := 0
	mint := func(alg jwa.SignatureAlgorithm, iat time.Time) string {
		jti++
		payload, _ := json.Marshal(map[string]any{
			"iss": ep.Issuer, "aud": "rp-1", "iat": iat.Unix(), "jti": fmt.Sprint("j", jti), "sid": "sid-1",
			"events": map[string]any{vnconnect.BackchannelLogoutEvent: map[string]any{}},
		})
		hdr := jws.NewHeaders()
		_ = hdr.Set(jws.KeyIDKey, "k1")
		_ = hdr.Set(jws.TypeKey, "logout+jwt")
		out, err := jws.Sign(payload, jws.WithKey(alg, priv, jws.WithProtectedHeaders(hdr)))
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	for _, tt := range []struct {
		name string
		tok  string
		want int
	}{
		{"RS256", mint(jwa.RS256, now), http.StatusOK},
		{"PS256 allowed by the client", mint(jwa.PS256, now), http.StatusOK},
		{"PS512 not allowed", mint(jwa.PS512, now), http.StatusBadRequest},
		{"iat within the client's leeway", mint(jwa.RS256, now.Add(90*time.Second)), http.StatusOK},
		{"iat beyond the leeway", mint(jwa.RS256, now.Add(3*time.Minute)), http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"logout_token": {tt.tok}}
			req := httptest.NewRequest(http.MethodPost, "https://rp.example.vn/auth/backchannel-logout", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tt.want, rec.Body)
			}
		})
	}
}
