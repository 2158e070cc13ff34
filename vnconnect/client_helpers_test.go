package vnconnect_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Plain-httptest fixtures for edge cases the fake server does not produce.

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// fixedNow is the clock of every plain-httptest client.
var fixedNow = time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)

func clockAt(t time.Time) func() time.Time { return func() time.Time { return t } }

// stubProvider is an httptest server whose token endpoint answers with
// whatever the test sets, and which records the last token request.
type stubProvider struct {
	*httptest.Server
	mu       sync.Mutex
	token    func(w http.ResponseWriter, r *http.Request)
	userinfo func(w http.ResponseWriter, r *http.Request)
	lastReq  *http.Request
	lastForm map[string][]string
}

func newStubProvider(t *testing.T) *stubProvider {
	t.Helper()
	p := &stubProvider{}
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		p.mu.Lock()
		p.lastReq, p.lastForm = r, r.PostForm
		h := p.token
		p.mu.Unlock()
		if h == nil {
			http.Error(w, "no handler", http.StatusInternalServerError)
			return
		}
		h(w, r)
	})
	mux.HandleFunc("/oauth2/userinfo", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.lastReq = r
		h := p.userinfo
		p.mu.Unlock()
		h(w, r)
	})
	mux.HandleFunc("/oauth2/revoke", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		p.mu.Lock()
		p.lastReq, p.lastForm = r, r.PostForm
		p.mu.Unlock()
	})
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	return p
}

func (p *stubProvider) client(t *testing.T, mod func(*vnconnect.Config)) *vnconnect.Client {
	t.Helper()
	ks, err := vnconnect.NewStaticKeySet(&testKey().PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	cfg := vnconnect.Config{
		ClientID:     "rp-1",
		ClientSecret: "s3cret",
		RedirectURL:  "https://rp.example.vn/callback",
		Endpoint:     vnconnect.EndpointFor(p.URL),
		KeySet:       ks,
		Clock:        clockAt(fixedNow),
		HTTPClient:   p.Server.Client(),
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := vnconnect.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// jsonReply answers with status and v as JSON.
func jsonReply(status int, v any) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
}

// idTokenFor signs a valid ID token for the stub provider.
func (p *stubProvider) idTokenFor(t *testing.T, nonce, accessToken string, mod func(map[string]any)) string {
	t.Helper()
	claims := map[string]any{
		"iss":   p.URL + "/oauth2/token",
		"sub":   "nguyenvana@carbon.super",
		"aud":   "rp-1",
		"azp":   "rp-1",
		"iat":   fixedNow.Add(-time.Minute).Unix(),
		"exp":   fixedNow.Add(time.Hour).Unix(),
		"nonce": nonce,
		"acr":   "LoA2",
	}
	if accessToken != "" {
		sum := sha256.Sum256([]byte(accessToken))
		claims["at_hash"] = base64.RawURLEncoding.EncodeToString(sum[:16])
	}
	if mod != nil {
		mod(claims)
	}
	return signClaims(t, claims)
}

func signClaims(t *testing.T, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	hdr := jws.NewHeaders()
	_ = hdr.Set("typ", "JWT")
	raw, err := jws.Sign(payload, jws.WithKey(jwa.RS256, testKey(), jws.WithProtectedHeaders(hdr)))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// verifiedTokens returns Tokens holding a verified ID token, as Exchange
// would, for tests of Refresh and UserInfo.
func (p *stubProvider) verifiedTokens(t *testing.T, c *vnconnect.Client) *vnconnect.Tokens {
	t.Helper()
	raw := p.idTokenFor(t, "", "", func(m map[string]any) { delete(m, "nonce") })
	idt, err := c.Verifier().Verify(t.Context(), raw, vnconnect.VerifyParams{})
	if err != nil {
		t.Fatalf("verifying fixture ID token: %v", err)
	}
	return &vnconnect.Tokens{AccessToken: "at-1", TokenType: "Bearer", RefreshToken: "rt-1", RawIDToken: raw, IDToken: idt}
}
