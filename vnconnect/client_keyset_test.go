package vnconnect

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// Config.JWKSMinRefreshInterval reaches the default RemoteKeySet: an
// unknown kid refetches after DefaultMinRefreshInterval by default, and
// not before the configured interval when one is set.
func TestClientJWKSMinRefreshInterval(t *testing.T) {
	for _, tt := range []struct {
		name     string
		interval time.Duration
		after    time.Duration // clock advance before the unknown kid
		fetches  int32         // total fetches expected
	}{
		{"default refetches after 30s", 0, DefaultMinRefreshInterval + time.Second, 2},
		{"default waits 30s", 0, DefaultMinRefreshInterval - time.Second, 1},
		{"configured hour waits", time.Hour, 59 * time.Minute, 1},
		{"configured hour refetches", time.Hour, time.Hour + time.Second, 2},
		{"configured 1s refetches", time.Second, 2 * time.Second, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			js := vtNewJWKSServer(t, vtJWKS(vtJWK(t, vtRSAKeyA(), "k1", nil)))
			clock := &vtFakeClock{now: vtNow}
			ep := EndpointFor(js.URL)
			ep.JWKSURL = js.URL
			c, err := NewClient(Config{
				ClientID: vtClientID, RedirectURL: "https://rp.example.vn/cb", Endpoint: ep,
				Clock: clock.Now, JWKSMinRefreshInterval: tt.interval,
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if _, err := c.KeySet().Keys(ctx, "k1"); err != nil {
				t.Fatal(err)
			}
			clock.Advance(tt.after)
			if _, err := c.KeySet().Keys(ctx, "k2"); !errors.Is(err, ErrUnknownKey) {
				t.Fatalf("unknown kid: %v", err)
			}
			if n := js.fetches.Load(); n != tt.fetches {
				t.Fatalf("%d fetches, want %d", n, tt.fetches)
			}
		})
	}
}

func TestClientVerifierConfig(t *testing.T) {
	algs := []string{"RS256", "PS256"}
	c, err := NewClient(Config{
		ClientID: vtClientID, RedirectURL: "https://rp.example.vn/cb", Endpoint: Staging,
		AllowedAlgs: algs, Leeway: 90 * time.Second, LoA: "LoA2", MaxAge: time.Hour, Clock: vtClock,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := c.VerifierConfig()
	if got.ClientID != vtClientID || got.Issuer != Staging.Issuer || !slices.Equal(got.AllowedAlgs, algs) ||
		got.Leeway != 90*time.Second || got.RequiredLoA != "LoA2" || got.MaxAge != 0 ||
		got.Clock == nil || !got.Clock().Equal(vtClock()) {
		t.Fatalf("VerifierConfig() = %+v", got)
	}
	// A copy: neither the caller's slice nor the result aliases the client's.
	algs[1] = "ES256"
	got.AllowedAlgs[0] = "EdDSA"
	if again := c.VerifierConfig(); !slices.Equal(again.AllowedAlgs, []string{"RS256", "PS256"}) {
		t.Fatalf("AllowedAlgs aliased: %v", again.AllowedAlgs)
	}
	// The defaults: RS256 only (empty list), no leeway, the client's LoA.
	d, err := NewClient(Config{ClientID: vtClientID, RedirectURL: "https://rp.example.vn/cb", Endpoint: Staging})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.VerifierConfig(); len(got.AllowedAlgs) != 0 || got.Leeway != 0 || got.RequiredLoA != DefaultLoA {
		t.Fatalf("default VerifierConfig() = %+v", got)
	}
}
