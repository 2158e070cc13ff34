package saml

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMetadataRefreshSurvivesOutage(t *testing.T) {
	testKeys(t)
	var down atomic.Bool
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write(idpMetadata(keyIdP.cert))
	}))
	defer srv.Close()

	var mu sync.Mutex
	now := testNow
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	sp := testSP(t, func(c *Config) {
		c.IdPMetadata = nil
		c.IdPMetadataURL = srv.URL + "/samlsso/metadata"
		c.MetadataRefresh = time.Hour
		c.Clock = clock
	})
	ctx := context.Background()
	if err := sp.RefreshMetadata(ctx); err != nil {
		t.Fatalf("first fetch: %v", err)
	}
	down.Store(true)
	if err := sp.RefreshMetadata(ctx); !errors.Is(err, ErrMetadata) {
		t.Fatalf("refresh during outage: err = %v, want ErrMetadata", err)
	}
	// Stale and the IdP is down: logins still verify with the last good key.
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	id := pending(t, sp)
	if _, err := post(t, sp, signedResp(mint{inResponseTo: id, now: clock()})); err != nil {
		t.Fatalf("login during metadata outage: %v", err)
	}
	// A background refresh was attempted (staleness noticed) and failed.
	deadline := time.Now().Add(5 * time.Second)
	for hits.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if hits.Load() < 3 {
		t.Fatalf("no background refresh (hits=%d)", hits.Load())
	}
	for sp.md.refreshing.Load() {
		time.Sleep(time.Millisecond)
	}
	if got, err := sp.IdPEntityID(ctx); err != nil || got != testIdPEntity {
		t.Fatalf("IdPEntityID = %q, %v", got, err)
	}
}

func TestMetadataLimits(t *testing.T) {
	testKeys(t)
	big := append(idpMetadata(keyIdP.cert), bytes.Repeat([]byte(" "), 2<<10)...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/doctype" {
			_, _ = w.Write(append([]byte(`<!DOCTYPE x [<!ENTITY e "e">]>`), idpMetadata(keyIdP.cert)...))
			return
		}
		_, _ = w.Write(big)
	}))
	defer srv.Close()
	mk := func(path string, max int64) *ServiceProvider {
		return testSP(t, func(c *Config) {
			c.IdPMetadata, c.IdPMetadataURL, c.MaxMetadataBytes = nil, srv.URL+path, max
		})
	}
	if err := mk("/big", 1<<10).RefreshMetadata(context.Background()); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized metadata: err = %v", err)
	}
	if err := mk("/doctype", 0).RefreshMetadata(context.Background()); !errors.Is(err, ErrMetadata) {
		t.Errorf("DOCTYPE metadata: err = %v", err)
	}
}

func TestConfigRefusals(t *testing.T) {
	testKeys(t)
	for _, tc := range []struct {
		name string
		mod  func(*Config)
	}{
		{"zero value", func(c *Config) { *c = Config{} }},
		{"no entity ID", func(c *Config) { c.EntityID = "" }},
		{"plain http ACS", func(c *Config) { c.ACSURL = "http://app.example/acs" }},
		{"http metadata URL off loopback", func(c *Config) { c.IdPMetadata, c.IdPMetadataURL = nil, "http://idp.example/md" }},
		{"both metadata sources", func(c *Config) { c.IdPMetadataURL = "https://idp.example/md" }},
		{"SLO without key", func(c *Config) { c.Key, c.Certificate = nil, nil }},
		{"key and certificate mismatch", func(c *Config) { c.Certificate = keyIdP.cert }},
		{"unknown policy", func(c *Config) { c.Signature = 9 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{
				EntityID: testSPEntity, ACSURL: testACS, SLOURL: testSLO,
				Key: keySP.key, Certificate: keySP.cert, IdPMetadata: idpMetadata(keyIdP.cert),
			}
			tc.mod(&cfg)
			if _, err := New(cfg); !errors.Is(err, ErrConfig) && !errors.Is(err, ErrMetadata) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
		})
	}
}

func TestSPMetadata(t *testing.T) {
	sp := testSP(t)
	b, err := sp.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{testSPEntity, testACS, testSLO, "AuthnRequestsSigned=\"false\"", "X509Certificate"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metadata lacks %q:\n%s", want, b)
		}
	}
}
