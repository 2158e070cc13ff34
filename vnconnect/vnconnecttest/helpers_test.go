package vnconnecttest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

const testRedirect = "http://127.0.0.1:8080/callback"

// One key for every test server: generating 2048-bit keys per test is
// what makes a suite slow.
var (
	testKeyOnce sync.Once
	testKey     *rsa.PrivateKey
)

func sharedKey(t testing.TB) *rsa.PrivateKey {
	testKeyOnce.Do(func() {
		testKey, _ = rsa.GenerateKey(rand.Reader, 2048)
	})
	if testKey == nil {
		t.Fatal("no test key")
	}
	return testKey
}

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Date(2025, 7, 1, 9, 0, 0, 0, time.UTC)} }

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newTestServer(t *testing.T, opts ...Option) (*Server, *testClock) {
	t.Helper()
	clk := newTestClock()
	opts = append([]Option{WithSigningKey(sharedKey(t)), WithClock(clk.Now)}, opts...)
	return NewServer(t, opts...), clk
}

// authParams is a valid authorization request for the default client.
type authParams struct {
	v        url.Values
	verifier string
}

func newAuthParams() authParams {
	verifier := "verifier-0123456789-0123456789-0123456789-abc"
	sum := sha256.Sum256([]byte(verifier))
	return authParams{verifier: verifier, v: url.Values{
		"response_type":         {"code"},
		"client_id":             {DefaultClientID},
		"redirect_uri":          {testRedirect},
		"scope":                 {"openid"},
		"acr_values":            {"LoA2"},
		"state":                 {"state-123"},
		"nonce":                 {"nonce-456"},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
	}}
}

func (p authParams) url(s *Server) string { return s.URL() + PathAuthorize + "?" + p.v.Encode() }

// login runs a headless login and returns the code.
func login(t *testing.T, s *Server, p authParams, techID string) string {
	t.Helper()
	u, err := s.Login(context.Background(), p.url(s), techID)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	code := u.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", u)
	}
	return code
}

type authStyle int

const (
	stylePost authStyle = iota
	styleBasic
)

// post sends a client-authenticated form to path.
func post(t *testing.T, s *Server, path string, v url.Values, style authStyle, id, secret string) (int, map[string]any, http.Header) {
	t.Helper()
	v2 := url.Values{}
	for k, vs := range v {
		v2[k] = vs
	}
	if style == stylePost {
		v2.Set("client_id", id)
		v2.Set("client_secret", secret)
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL()+path, strings.NewReader(v2.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if style == styleBasic {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, map[string]any, http.Header) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(b) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("body %q: %v", b, err)
		}
	}
	return resp.StatusCode, m, resp.Header
}

func exchange(t *testing.T, s *Server, code string, p authParams, style authStyle) (int, map[string]any) {
	t.Helper()
	st, m, _ := post(t, s, PathToken, url.Values{
		"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {p.v.Get("redirect_uri")}, "code_verifier": {p.verifier},
	}, style, DefaultClientID, DefaultClientSecret)
	return st, m
}

// tokens logs in and exchanges, failing the test on any error.
func tokens(t *testing.T, s *Server, techID string) map[string]any {
	t.Helper()
	p := newAuthParams()
	st, m := exchange(t, s, login(t, s, p, techID), p, stylePost)
	if st != http.StatusOK {
		t.Fatalf("token: %d %v", st, m)
	}
	return m
}

// decodeJWT splits a compact JWS without verifying it.
func decodeJWT(t *testing.T, raw string) (header, claims map[string]any, sig []byte) {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %d parts", len(parts))
	}
	dec := func(s string, v any) {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		if v != nil {
			if err := json.Unmarshal(b, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	dec(parts[0], &header)
	dec(parts[1], &claims)
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	return header, claims, sig
}

// verifyWithJWKS checks raw against the keys the server publishes over HTTP.
func verifyWithJWKS(t *testing.T, s *Server, raw string) error {
	t.Helper()
	set := fetchJWKS(t, s)
	hdr, _, _ := decodeJWT(t, raw)
	var lastErr error
	for i := 0; i < set.Len(); i++ {
		k, _ := set.Key(i)
		if kid, _ := hdr["kid"].(string); kid != "" && kid != k.KeyID() {
			continue
		}
		if _, err := jws.Verify([]byte(raw), jws.WithKey(jwa.RS256, k)); err == nil {
			return nil
		} else {
			lastErr = err
		}
	}
	if lastErr == nil {
		lastErr = io.EOF
	}
	return lastErr
}

func fetchJWKS(t *testing.T, s *Server) jwk.Set {
	t.Helper()
	set, err := jwk.Fetch(context.Background(), s.URL()+PathJWKS)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// num reads a JSON number from decoded JSON (float64) or a claims map
// built in Go (int64).
func num(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case int64:
		return n
	}
	return 0
}
