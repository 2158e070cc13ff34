package vnconnect

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

func TestNewStaticKeySet(t *testing.T) {
	a := vtRSAKeyA()
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	set := jwk.NewSet()
	_ = set.AddKey(vtJWKKey(t, a, "a"))
	encKey := vtJWKKey(t, vtRSAKeyB(), "enc")
	_ = encKey.Set(jwk.KeyUsageKey, "enc")
	_ = set.AddKey(encKey)
	oct, _ := jwk.FromRaw([]byte("a shared secret of some length!!"))

	tests := []struct {
		name    string
		keys    []crypto.PublicKey
		wantErr bool
		count   int
	}{
		{"rsa public", []crypto.PublicKey{&a.PublicKey}, false, 1},
		{"rsa private uses public half", []crypto.PublicKey{a}, false, 1},
		{"ec and ed25519", []crypto.PublicKey{&vtECKey().PublicKey, edPub}, false, 2},
		{"jwk set skips enc", []crypto.PublicKey{set}, false, 1},
		{"PublicKey with kid", []crypto.PublicKey{PublicKey{KeyID: "x", Key: &a.PublicKey}}, false, 1},
		{"PublicKey with HMAC alg", []crypto.PublicKey{PublicKey{Algorithm: "HS256", Key: &a.PublicKey}}, true, 0},
		{"symmetric jwk", []crypto.PublicKey{oct}, true, 0},
		{"raw secret", []crypto.PublicKey{[]byte("secret")}, true, 0},
		{"short RSA", []crypto.PublicKey{&vtGenRSA(1024).PublicKey}, true, 0},
		{"nil", []crypto.PublicKey{nil}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ks, err := NewStaticKeySet(tt.keys...)
			if tt.wantErr {
				if err == nil {
					t.Fatal("accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := ks.Keys(context.Background(), "")
			if err != nil || len(got) != tt.count {
				t.Fatalf("Keys: %d keys, %v; want %d", len(got), err, tt.count)
			}
		})
	}
	empty, _ := NewStaticKeySet()
	if _, err := empty.Keys(context.Background(), ""); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("empty set: %v", err)
	}
}

func TestParseJWKSSkipsUnusableKeys(t *testing.T) {
	good := vtJWK(t, vtRSAKeyA(), "good", nil)
	badN := vtJWK(t, vtRSAKeyB(), "bad-n", map[string]any{"n": "!!!not base64!!!"})
	zeroN := vtJWK(t, vtRSAKeyB(), "zero-n", map[string]any{"n": "AA"})
	enc := vtJWK(t, vtRSAKeyB(), "enc", map[string]any{"use": "enc"})
	oaep := vtJWK(t, vtRSAKeyB(), "oaep", map[string]any{"alg": "RSA-OAEP"})
	ops := vtJWK(t, vtRSAKeyB(), "ops", map[string]any{"key_ops": []string{"encrypt"}})
	unknown := map[string]any{"kty": "XYZ", "kid": "unknown"}
	oct := map[string]any{"kty": "oct", "kid": "oct", "k": "c2VjcmV0"}
	short := vtJWK(t, vtGenRSA(1024), "short", nil)

	keys, err := parseJWKS(vtJWKS(badN, zeroN, enc, oaep, ops, unknown, oct, short, good))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].KeyID != "good" {
		t.Fatalf("want only the good key, got %+v", keys)
	}

	for name, doc := range map[string]string{
		"not json":     "<html>",
		"no keys":      `{"keys":[]}`,
		"keys not arr": `{"keys":{}}`,
		"only bad":     string(vtJWKS(enc, oct)),
	} {
		if _, err := parseJWKS([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// vtJWKSServer serves a mutable JWKS and counts fetches.
type vtJWKSServer struct {
	*httptest.Server
	mu      sync.Mutex
	body    []byte
	status  int
	header  http.Header
	fetches atomic.Int32
	gate    chan struct{} // when non-nil, each request waits on it
}

func vtNewJWKSServer(t *testing.T, body []byte) *vtJWKSServer {
	js := &vtJWKSServer{body: body, status: http.StatusOK, header: http.Header{}}
	js.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		js.fetches.Add(1)
		js.mu.Lock()
		gate, body, status := js.gate, js.body, js.status
		for k, v := range js.header {
			w.Header()[k] = v
		}
		js.mu.Unlock()
		if gate != nil {
			<-gate
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(js.Close)
	return js
}

func (js *vtJWKSServer) set(body []byte, status int) {
	js.mu.Lock()
	defer js.mu.Unlock()
	js.body, js.status = body, status
}

// vtFakeClock is a settable clock safe for concurrent use.
type vtFakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *vtFakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *vtFakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func vtNewRemote(t *testing.T, url string, clock *vtFakeClock, mod func(*RemoteKeySetConfig)) *RemoteKeySet {
	t.Helper()
	cfg := RemoteKeySetConfig{Clock: clock.Now, MinRefreshInterval: 10 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	rs, err := NewRemoteKeySet(url, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestRemoteKeySetCachesAndRefreshesOnUnknownKid(t *testing.T) {
	ctx := context.Background()
	js := vtNewJWKSServer(t, vtJWKS(vtJWK(t, vtRSAKeyA(), "k1", nil)))
	clock := &vtFakeClock{now: vtNow}
	rs := vtNewRemote(t, js.URL+"/oauth2/jwks", clock, nil)

	for range 3 {
		if ks, err := rs.Keys(ctx, "k1"); err != nil || len(ks) != 1 {
			t.Fatalf("Keys: %v", err)
		}
	}
	if n := js.fetches.Load(); n != 1 {
		t.Fatalf("cached keys refetched: %d fetches", n)
	}

	// Right after a fetch an unknown kid causes no new request…
	if _, err := rs.Keys(ctx, "k2"); !errors.Is(err, ErrUnknownKey) || js.fetches.Load() != 1 {
		t.Fatalf("want ErrUnknownKey without fetch, got %v (%d fetches)", err, js.fetches.Load())
	}
	// …later it causes one refetch; still unknown → ErrUnknownKey.
	clock.Advance(11 * time.Second)
	if _, err := rs.Keys(ctx, "k2"); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("want ErrUnknownKey, got %v", err)
	}
	if n := js.fetches.Load(); n != 2 {
		t.Fatalf("unknown kid: %d fetches, want 2", n)
	}
	// Within MinRefreshInterval more unknown kids cause no fetch.
	for i := range 5 {
		_, _ = rs.Keys(ctx, fmt.Sprintf("random-%d", i))
	}
	if n := js.fetches.Load(); n != 2 {
		t.Fatalf("rate limit broken: %d fetches", n)
	}

	// Rotation: the provider publishes k2; after the interval it is found.
	js.set(vtJWKS(vtJWK(t, vtRSAKeyA(), "k1", nil), vtJWK(t, vtRSAKeyB(), "k2", nil)), http.StatusOK)
	clock.Advance(11 * time.Second)
	if ks, err := rs.Keys(ctx, "k2"); err != nil || len(ks) != 1 {
		t.Fatalf("rotated key not found: %v", err)
	}
	v := vtVerifier(t, rs, nil)
	if _, err := v.Verify(ctx, vtMint(t, vtToken{key: vtRSAKeyB(), kid: "k2"}), VerifyParams{}); err != nil {
		t.Fatalf("token signed with rotated key: %v", err)
	}
}

func TestRemoteKeySetSingleFlight(t *testing.T) {
	js := vtNewJWKSServer(t, vtJWKS(vtJWK(t, vtRSAKeyA(), "k1", nil)))
	gate := make(chan struct{})
	js.gate = gate
	rs := vtNewRemote(t, js.URL, &vtFakeClock{now: vtNow}, nil)

	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := rs.Keys(context.Background(), "k1")
			errs <- err
		}()
	}
	// Let the goroutines pile up on the one in-flight fetch, then release.
	time.Sleep(50 * time.Millisecond)
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := js.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches for 50 concurrent callers, want 1", n)
	}
}

func TestRemoteKeySetKeepsLastGoodKeys(t *testing.T) {
	ctx := context.Background()
	js := vtNewJWKSServer(t, vtJWKS(vtJWK(t, vtRSAKeyA(), "k1", nil)))
	clock := &vtFakeClock{now: vtNow}
	rs := vtNewRemote(t, js.URL, clock, nil)
	if _, err := rs.Keys(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	for _, broken := range []struct {
		body   []byte
		status int
	}{
		{[]byte("oops"), http.StatusInternalServerError},
		{[]byte("<html>maintenance</html>"), http.StatusOK},
		{vtJWKS(map[string]any{"kty": "oct", "k": "c2VjcmV0"}), http.StatusOK},
	} {
		js.set(broken.body, broken.status)
		clock.Advance(2 * DefaultJWKSCacheTTL) // expired: a refetch is due
		before := js.fetches.Load()
		if ks, err := rs.Keys(ctx, "k1"); err != nil || len(ks) != 1 {
			t.Fatalf("last good keys dropped: %v", err)
		}
		if js.fetches.Load() != before+1 {
			t.Fatal("expired cache did not trigger a refetch")
		}
	}
	// An unknown kid during the outage reports both facts.
	clock.Advance(time.Minute)
	_, err := rs.Keys(ctx, "k9")
	if !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), "refresh failed") {
		t.Fatalf("got %v", err)
	}
}

func TestRemoteKeySetFirstFetchFailure(t *testing.T) {
	js := vtNewJWKSServer(t, []byte("down"))
	js.set([]byte("down"), http.StatusServiceUnavailable)
	clock := &vtFakeClock{now: vtNow}
	rs := vtNewRemote(t, js.URL, clock, nil)
	if _, err := rs.Keys(context.Background(), ""); err == nil {
		t.Fatal("no keys and no error")
	}
	// Within the interval the failure is reported without a new request.
	if _, err := rs.Keys(context.Background(), ""); err == nil || js.fetches.Load() != 1 {
		t.Fatalf("err=%v fetches=%d", err, js.fetches.Load())
	}
	js.set(vtJWKS(vtJWK(t, vtRSAKeyA(), "k1", nil)), http.StatusOK)
	clock.Advance(11 * time.Second)
	if _, err := rs.Keys(context.Background(), ""); err != nil {
		t.Fatalf("recovery: %v", err)
	}
}

// An outage of the JWKS endpoint is a *RetrieveError (Endpoint "jwks"),
// through Keys and through the verifier, so callers can tell it from a bad
// token; with keys in hand, an unknown kid during the outage says both.
func TestRemoteKeySetOutageIsRetrieveError(t *testing.T) {
	ctx := context.Background()
	js := vtNewJWKSServer(t, nil)
	js.set([]byte(`{"error":"server_error"}`), http.StatusServiceUnavailable)
	clock := &vtFakeClock{now: vtNow}
	rs := vtNewRemote(t, js.URL, clock, nil)

	wantOutage := func(t *testing.T, err error) {
		t.Helper()
		var re *RetrieveError
		if !errors.As(err, &re) || re.Endpoint != "jwks" || re.StatusCode != http.StatusServiceUnavailable || re.ErrorCode != "server_error" {
			t.Fatalf("want a *RetrieveError from jwks with HTTP 503, got %v (%#v)", err, re)
		}
		if errors.Is(err, ErrInvalidSignature) {
			t.Fatalf("an outage reported as a bad signature: %v", err)
		}
	}
	_, err := rs.Keys(ctx, "k1")
	wantOutage(t, err)
	_, err = vtVerifier(t, rs, nil).Verify(ctx, vtMint(t, vtToken{}), VerifyParams{})
	wantOutage(t, err)

	// Recovery, then an outage while an unknown kid is asked for.
	js.set(vtJWKS(vtJWK(t, vtRSAKeyA(), "k1", nil)), http.StatusOK)
	clock.Advance(11 * time.Second)
	if _, err := rs.Keys(ctx, "k1"); err != nil {
		t.Fatalf("recovery: %v", err)
	}
	js.set([]byte("<html>down</html>"), http.StatusBadGateway)
	clock.Advance(11 * time.Second)
	_, err = rs.Keys(ctx, "k9")
	var re *RetrieveError
	if !errors.As(err, &re) || re.StatusCode != http.StatusBadGateway || !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("want a jwks *RetrieveError and ErrUnknownKey, got %v", err)
	}
}

func TestRemoteKeySetCacheControl(t *testing.T) {
	ctx := context.Background()
	js := vtNewJWKSServer(t, vtJWKS(vtJWK(t, vtRSAKeyA(), "k1", nil)))
	js.header.Set("Cache-Control", "public, max-age=300")
	clock := &vtFakeClock{now: vtNow}
	rs := vtNewRemote(t, js.URL, clock, nil)
	_, _ = rs.Keys(ctx, "k1")
	clock.Advance(299 * time.Second)
	_, _ = rs.Keys(ctx, "k1")
	if n := js.fetches.Load(); n != 1 {
		t.Fatalf("refetched before max-age: %d", n)
	}
	clock.Advance(2 * time.Second)
	_, _ = rs.Keys(ctx, "k1")
	if n := js.fetches.Load(); n != 2 {
		t.Fatalf("not refetched after max-age: %d", n)
	}
}

func TestCacheTTL(t *testing.T) {
	const def, lo, hi = time.Hour, time.Minute, 24 * time.Hour
	tests := []struct {
		cc, age string
		want    time.Duration
	}{
		{"", "", def},
		{"max-age=600", "", 10 * time.Minute},
		{"public, max-age=600, must-revalidate", "", 10 * time.Minute},
		{"max-age=600", "100", 500 * time.Second},
		{"max-age=0", "", lo},
		{"max-age=5", "", lo},
		{"no-store", "", lo},
		{"max-age=600, no-cache", "", lo},
		{"max-age=31536000", "", hi},
		{"max-age=99999999999999999999", "", def},
		{"max-age=-5", "", def},
		{`max-age="120"`, "", 2 * time.Minute},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.cc != "" {
			h.Set("Cache-Control", tt.cc)
		}
		if tt.age != "" {
			h.Set("Age", tt.age)
		}
		if got := cacheTTL(h, def, lo, hi); got != tt.want {
			t.Errorf("Cache-Control %q Age %q: %v, want %v", tt.cc, tt.age, got, tt.want)
		}
	}
}

func TestRemoteKeySetResponseTooLarge(t *testing.T) {
	big := vtJWKS(vtJWK(t, vtRSAKeyA(), "k1", map[string]any{"pad": strings.Repeat("x", 4096)}))
	js := vtNewJWKSServer(t, big)
	rs := vtNewRemote(t, js.URL, &vtFakeClock{now: vtNow}, func(c *RemoteKeySetConfig) { c.MaxResponseBytes = 1024 })
	if _, err := rs.Keys(context.Background(), "k1"); !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("with Content-Length: want ErrResponseTooLarge, got %v", err)
	}
	// Without Content-Length (chunked): the limit still holds.
	chunked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for i := 0; i < len(big); i += 100 {
			_, _ = w.Write(big[i:min(i+100, len(big))])
			w.(http.Flusher).Flush()
		}
	}))
	defer chunked.Close()
	rs = vtNewRemote(t, chunked.URL, &vtFakeClock{now: vtNow}, func(c *RemoteKeySetConfig) { c.MaxResponseBytes = 1024 })
	if _, err := rs.Keys(context.Background(), "k1"); !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("chunked: want ErrResponseTooLarge, got %v", err)
	}
}

func TestNewRemoteKeySetURLRules(t *testing.T) {
	tests := []struct {
		url      string
		insecure bool
		ok       bool
	}{
		{"https://xacthuc.dichvucong.gov.vn/oauth2/jwks", false, true},
		{"http://xacthuc.dichvucong.gov.vn/oauth2/jwks", false, false},
		{"http://xacthuc.dichvucong.gov.vn/oauth2/jwks", true, true},
		{"http://127.0.0.1:9443/oauth2/jwks", false, true},
		{"http://127.8.9.10/oauth2/jwks", false, true},
		{"http://localhost:9443/oauth2/jwks", false, true},
		{"http://[::1]:9443/oauth2/jwks", false, true},
		{"http://10.0.0.5/oauth2/jwks", false, false},
		{"http://127.0.0.1.example.com/jwks", false, false},
		{"ftp://xacthuc.dichvucong.gov.vn/jwks", false, false},
		{"/oauth2/jwks", false, false},
	}
	for _, tt := range tests {
		_, err := NewRemoteKeySet(tt.url, RemoteKeySetConfig{InsecureAllowHTTP: tt.insecure})
		if tt.ok != (err == nil) {
			t.Errorf("%s insecure=%v: err=%v", tt.url, tt.insecure, err)
		}
		if !tt.ok && strings.HasPrefix(tt.url, "http://1") && !errors.Is(err, ErrInsecureURL) {
			t.Errorf("%s: want ErrInsecureURL, got %v", tt.url, err)
		}
	}
}

func TestRemoteKeySetDefaultClientHasTimeout(t *testing.T) {
	rs, err := NewRemoteKeySet("https://xacthuc.dichvucong.gov.vn/oauth2/jwks", RemoteKeySetConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if rs.hc == http.DefaultClient || rs.hc.Timeout <= 0 {
		t.Fatalf("default client without timeout: %+v", rs.hc)
	}
}

func TestRemoteKeySetRefusesRedirectAway(t *testing.T) {
	other := vtNewJWKSServer(t, vtJWKS(vtJWK(t, vtRSAKeyB(), "k1", nil)))
	redir := httptest.NewServer(http.RedirectHandler(strings.Replace(other.URL, "127.0.0.1", "localhost", 1), http.StatusFound))
	defer redir.Close()
	rs := vtNewRemote(t, redir.URL, &vtFakeClock{now: vtNow}, nil)
	if _, err := rs.Keys(context.Background(), "k1"); err == nil {
		t.Fatal("followed a redirect to another host")
	}
	if other.fetches.Load() != 0 {
		t.Fatal("request reached the other host")
	}
}

func TestRemoteKeySetContextCancel(t *testing.T) {
	js := vtNewJWKSServer(t, vtJWKS(vtJWK(t, vtRSAKeyA(), "k1", nil)))
	gate := make(chan struct{})
	js.gate = gate
	defer close(gate)
	rs := vtNewRemote(t, js.URL, &vtFakeClock{now: vtNow}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := rs.Keys(ctx, "k1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want deadline exceeded, got %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("Keys did not honour the context")
	}
}
