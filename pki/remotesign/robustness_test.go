package remotesign_test

import (
	"context"
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/pki/remotesign"
	"github.com/rpkit-vn/rpkit/pki/remotesign/remotesigntest"
)

// TestConcurrentTransactions: many transactions on both keys at once, each
// with its own result, through one client and one callback handler.
func TestConcurrentTransactions(t *testing.T) {
	fc := newFakeClock()
	sim, c, h, _ := callbackSetup(t, fc, remotesign.CallbackHMAC)
	const n = 24
	// Half the transactions finish by callback, half by polling, in
	// whatever order the goroutines reach the service.
	for i := range n {
		b := remotesigntest.Behaviour{Callback: i%4 < 2, AfterPolls: i % 3, SignPolls: i % 2}
		if i%2 == 0 {
			sim.Script(remotesigntest.RSACredential, b)
		} else {
			sim.Script(remotesigntest.ECCredential, b)
		}
	}
	var wg sync.WaitGroup
	ids := make(chan string, n)
	errs := make(chan error, n)
	for i := range n {
		cred, alg := remotesigntest.RSACredential, remotesign.RSAPKCS1v15
		if i%2 == 1 {
			cred, alg = remotesigntest.ECCredential, remotesign.ECDSA
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			hashes := digests(crypto.SHA256, 1+i%3)
			p, err := c.Begin(context.Background(), remotesign.Request{
				CredentialID: cred, Hashes: hashes, HashAlgorithm: crypto.SHA256, SignAlgorithm: alg,
				Description: fmt.Sprintf("giao dịch %d", i),
			})
			if err != nil {
				errs <- err
				return
			}
			ids <- p.TransactionID
			res, err := c.Wait(context.Background(), p)
			if err != nil {
				errs <- err
				return
			}
			if len(res.Signatures) != len(hashes) {
				errs <- fmt.Errorf("transaction %d: %d signatures", i, len(res.Signatures))
			}
		}()
	}
	wg.Wait()
	close(ids)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("transaction ID %s reused", id)
		}
		seen[id] = true
	}
	if h.Pending() != 0 {
		t.Fatalf("%d transactions left registered", h.Pending())
	}
	if len(sim.Pushes()) == 0 {
		t.Fatal("no callback was used")
	}
}

// TestWaitInProgress: two Waits on one Pending cannot interleave polls.
func TestWaitInProgress(t *testing.T) {
	fc := newFakeClock()
	fc.hold = true
	fc.asked = make(chan time.Duration, 10)
	sim := newSim(t, fc, nil)
	c := newClient(t, sim, fc, nil)
	sim.Script(remotesigntest.RSACredential, remotesigntest.Behaviour{Outcome: remotesigntest.Manual})
	p, err := c.Begin(t.Context(), remotesign.Request{
		CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 1), HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { c.Wait(ctx, p); close(done) }()
	<-fc.asked
	if _, err := c.Wait(t.Context(), p); !errors.Is(err, remotesign.ErrWaitInProgress) {
		t.Fatalf("err = %v", err)
	}
	cancel()
	<-done
}

// TestWireFaults: malformed, oversized and wrong answers are refused with
// typed errors, never returned as results.
func TestWireFaults(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, nil)
	c := newClient(t, sim, fc, func(cfg *remotesign.Config) { cfg.MaxResponseBytes = 64 << 10 })
	cases := []struct {
		fault remotesigntest.Fault
		b     remotesigntest.Behaviour
		want  error
	}{
		{remotesigntest.MalformedJSON, remotesigntest.Behaviour{}, remotesign.ErrMalformedResponse},
		{remotesigntest.OversizedBody, remotesigntest.Behaviour{}, remotesign.ErrResponseTooLarge},
		{remotesigntest.BadSignature, remotesigntest.Behaviour{}, remotesign.ErrBadSignature},
		{remotesigntest.WrongSignatureCount, remotesigntest.Behaviour{}, remotesign.ErrMalformedResponse},
		{remotesigntest.MissingResponseID, remotesigntest.Behaviour{}, remotesign.ErrMalformedResponse},
		{remotesigntest.BadSignature, remotesigntest.Behaviour{Immediate: true}, remotesign.ErrBadSignature},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.fault), func(t *testing.T) {
			b := tc.b
			b.Fault = tc.fault
			sim.Script(remotesigntest.RSACredential, b)
			p, err := c.Begin(t.Context(), remotesign.Request{
				CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 2), HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
			})
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Wait(t.Context(), p)
			if !errors.Is(err, tc.want) || res != nil {
				t.Fatalf("res %v, err %v, want %v", res, err, tc.want)
			}
		})
	}
}

// TestMalformedCredentialInfo: a hand-written service answers
// credentials/info with broken bodies.
func TestMalformedCredentialInfo(t *testing.T) {
	cert := base64.StdEncoding.EncodeToString([]byte("not a certificate"))
	cases := map[string]struct {
		status int
		body   string
		want   error
	}{
		"not-json":       {200, `<html>`, remotesign.ErrMalformedResponse},
		"trailing":       {200, `{"cert":{"certificates":[]}} {"x":1}`, remotesign.ErrMalformedResponse},
		"array":          {200, `[1,2]`, remotesign.ErrMalformedResponse},
		"no-cert":        {200, `{"key":{"status":"enabled"}}`, remotesign.ErrMalformedResponse},
		"bad-base64":     {200, `{"cert":{"certificates":["%%%"]}}`, remotesign.ErrMalformedResponse},
		"bad-cert":       {200, `{"cert":{"certificates":["` + cert + `"]}}`, remotesign.ErrMalformedResponse},
		"too-many-certs": {200, `{"cert":{"certificates":[` + strings.Repeat(`"`+cert+`",`, 11) + `"` + cert + `"]}}`, remotesign.ErrMalformedResponse},
		"wrong-type":     {200, `{"cert":{"certificates":"abc"}}`, remotesign.ErrMalformedResponse},
		"huge":           {200, `{"description":"` + strings.Repeat("x", 2<<20) + `"}`, remotesign.ErrResponseTooLarge},
		"redirect":       {302, ``, remotesign.ErrMalformedResponse},
		"no-content":     {204, ``, remotesign.ErrMalformedResponse},
		"bad-credential": {400, `{"error":"invalid_request","error_description":"Invalid parameter credentialID"}`, remotesign.ErrCredentialNotFound},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.status == 302 {
					w.Header().Set("Location", "http://example.com/")
				}
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c, err := remotesign.NewClient(remotesign.Config{BaseURL: srv.URL, BearerToken: "t"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.CredentialInfo(t.Context(), "x")
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestSlowService: a response slower than RequestTimeout fails with the
// deadline; a merely slow one succeeds.
func TestSlowService(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, nil)
	c := newClient(t, sim, fc, func(cfg *remotesign.Config) { cfg.RequestTimeout = 100 * time.Millisecond })
	req := remotesign.Request{CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 1), HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15}

	sim.Script(remotesigntest.RSACredential, remotesigntest.Behaviour{Latency: time.Second})
	if _, err := c.Begin(t.Context(), req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	sim.Script(remotesigntest.RSACredential, remotesigntest.Behaviour{Latency: 10 * time.Millisecond})
	p, err := c.Begin(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Wait(t.Context(), p); err != nil {
		t.Fatal(err)
	}
}

// TestAuthentication: basic auth works; a wrong token is a 401
// ServiceError.
func TestAuthentication(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, func(c *remotesigntest.Config) { c.BasicUser, c.BasicPassword = "rp", "secret" })
	basic := newClient(t, sim, fc, func(cfg *remotesign.Config) {
		cfg.BearerToken, cfg.BasicUser, cfg.BasicPassword = "", "rp", "secret"
	})
	if _, err := basic.ListCredentials(t.Context(), remotesigntest.UserID); err != nil {
		t.Fatal(err)
	}
	calls := 0
	src := newClient(t, sim, fc, func(cfg *remotesign.Config) {
		cfg.BearerToken = ""
		cfg.TokenSource = func(context.Context) (string, error) { calls++; return sim.BearerToken(), nil }
	})
	if ids, err := src.ListCredentials(t.Context(), remotesigntest.UserID); err != nil || len(ids) != 2 || calls != 1 {
		t.Fatalf("ids %v, err %v, token calls %d", ids, err, calls)
	}
	wrong := newClient(t, sim, fc, func(cfg *remotesign.Config) { cfg.BearerToken = "wrong" })
	_, err := wrong.ListCredentials(t.Context(), remotesigntest.UserID)
	var se *remotesign.ServiceError
	if !errors.As(err, &se) || se.Status != http.StatusUnauthorized {
		t.Fatalf("err = %v", err)
	}
}

// TestNewClientConfig: unsafe or incomplete configurations are refused.
func TestNewClientConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  remotesign.Config
		ok   bool
	}{
		{"https", remotesign.Config{BaseURL: "https://rs.example.vn/csc/v2", BearerToken: "t"}, true},
		{"loopback-http", remotesign.Config{BaseURL: "http://127.0.0.1:8080/csc/v2", BearerToken: "t"}, true},
		{"localhost-http", remotesign.Config{BaseURL: "http://localhost/csc/v2", BearerToken: "t"}, true},
		{"remote-http", remotesign.Config{BaseURL: "http://rs.example.vn/csc/v2", BearerToken: "t"}, false},
		{"remote-http-insecure", remotesign.Config{BaseURL: "http://rs.example.vn/csc/v2", BearerToken: "t", InsecureAllowHTTP: true}, true},
		{"ftp", remotesign.Config{BaseURL: "ftp://rs.example.vn/", BearerToken: "t"}, false},
		{"userinfo", remotesign.Config{BaseURL: "https://u:p@rs.example.vn/", BearerToken: "t"}, false},
		{"relative", remotesign.Config{BaseURL: "/csc/v2", BearerToken: "t"}, false},
		{"no-url", remotesign.Config{BearerToken: "t"}, false},
		{"no-auth", remotesign.Config{BaseURL: "https://rs.example.vn/"}, false},
		{"two-auths", remotesign.Config{BaseURL: "https://rs.example.vn/", BearerToken: "t", BasicUser: "u"}, false},
		{"basic-colon", remotesign.Config{BaseURL: "https://rs.example.vn/", BasicUser: "a:b", BasicPassword: "p"}, false},
		{"callback-http", remotesign.Config{BaseURL: "https://rs.example.vn/", BearerToken: "t", CallbackURL: "http://rp.example.vn/cb"}, false},
	}
	for _, tc := range cases {
		_, err := remotesign.NewClient(tc.cfg)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
}
