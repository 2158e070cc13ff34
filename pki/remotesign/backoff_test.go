package remotesign_test

import (
	"bytes"
	"crypto"
	"errors"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/pki/remotesign"
	"github.com/rpkit-vn/rpkit/pki/remotesign/remotesigntest"
)

// TestBackoffDelay: the schedule grows geometrically, is capped, and jitter
// stays inside its band at both extremes of the random source.
func TestBackoffDelay(t *testing.T) {
	b := remotesign.Backoff{Initial: time.Second, Max: 8 * time.Second, Multiplier: 2, Jitter: 0.25}
	low := bytes.NewReader(make([]byte, 8*20))                // randomFloat = 0 → ×0.75
	high := bytes.NewReader(bytes.Repeat([]byte{0xff}, 8*20)) // randomFloat ≈ 1 → ×1.25
	want := []time.Duration{1, 2, 4, 8, 8, 8}
	for n, w := range want {
		w *= time.Second
		if got := b.Delay(n, low); got != w*3/4 {
			t.Errorf("Delay(%d) low = %v, want %v", n, got, w*3/4)
		}
		if got := b.Delay(n, high); got < w*5/4-time.Millisecond || got > w*5/4 {
			t.Errorf("Delay(%d) high = %v, want ≈ %v", n, got, w*5/4)
		}
	}
	// A huge attempt number neither overflows nor exceeds the cap.
	if got := b.Delay(1<<30, bytes.NewReader(nil)); got != 8*time.Second {
		t.Errorf("Delay(huge) = %v", got)
	}
	// Zero value: defaults (1s initial, jitter ±20%).
	var z remotesign.Backoff
	if got := z.Delay(0, bytes.NewReader(nil)); got != time.Second {
		t.Errorf("zero Backoff first delay = %v", got)
	}
}

// TestWaitBackoffSchedule: Wait sleeps per the schedule between polls, only
// through the injected clock, and polls once per sleep.
func TestWaitBackoffSchedule(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, nil)
	c := newClient(t, sim, fc, func(cfg *remotesign.Config) {
		cfg.Backoff = remotesign.Backoff{Initial: 500 * time.Millisecond, Max: 4 * time.Second, Multiplier: 2, Jitter: 0.1}
	})
	sim.Script(remotesigntest.RSACredential, remotesigntest.Behaviour{AfterPolls: 6, SignPolls: 2})
	start := time.Now()
	p, err := c.Begin(t.Context(), remotesign.Request{
		CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 1), HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Wait(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	if real := time.Since(start); real > 5*time.Second {
		t.Fatalf("took %v of real time: the clock was not used", real)
	}
	// 6 pending authorizeChecks → 6 sleeps (0.5,1,2,4,4,4 s ±10%), then the
	// signing phase restarts the schedule: signHash 202, 2 pending polls →
	// 3 sleeps (0.5,1,2 s).
	base := []time.Duration{500, 1000, 2000, 4000, 4000, 4000, 500, 1000, 2000}
	got := fc.Delays()
	if len(got) != len(base) {
		t.Fatalf("delays %v, want %d of them", got, len(base))
	}
	for i, d := range got {
		b := base[i] * time.Millisecond
		if d < b*9/10 || d > b*11/10 {
			t.Errorf("delay %d = %v, want %v ±10%%", i, d, b)
		}
	}
	if n := sim.Calls("credentials/authorizeCheck"); n != 7 {
		t.Errorf("%d authorizeCheck calls, want 7", n)
	}
	if n := sim.Calls("signatures/signPolling"); n != 3 {
		t.Errorf("%d signPolling calls, want 3", n)
	}
}

// TestWaitNeverSleepsPastDeadline: the last sleep is cut to the deadline,
// one last poll happens there, and the outcome is ErrExpired.
func TestWaitNeverSleepsPastDeadline(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, func(c *remotesigntest.Config) { c.PendingTTL = time.Hour })
	c := newClient(t, sim, fc, func(cfg *remotesign.Config) {
		cfg.ConfirmTimeout = 25 * time.Second
		cfg.Backoff = remotesign.Backoff{Initial: 4 * time.Second, Max: 10 * time.Second, Multiplier: 2, Jitter: -1}
	})
	sim.Script(remotesigntest.RSACredential, remotesigntest.Behaviour{Outcome: remotesigntest.NeverAnswer})
	p, err := c.Begin(t.Context(), remotesign.Request{
		CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 1), HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !p.ExpiresAt.Equal(fc.Now().Add(25 * time.Second)) {
		t.Fatalf("ExpiresAt = %v", p.ExpiresAt)
	}
	_, err = c.Wait(t.Context(), p)
	if !errors.Is(err, remotesign.ErrExpired) {
		t.Fatalf("err = %v", err)
	}
	want := []time.Duration{4 * time.Second, 8 * time.Second, 10 * time.Second, 3 * time.Second}
	got := fc.Delays()
	if len(got) != len(want) {
		t.Fatalf("delays %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays %v, want %v", got, want)
		}
	}
	if fc.Now().After(p.ExpiresAt) {
		t.Fatalf("slept past the deadline to %v", fc.Now())
	}
}

// TestExpiresInShortensDeadline: a 202 with expiresIn shorter than
// ConfirmTimeout sets ExpiresAt.
func TestExpiresInShortensDeadline(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, func(c *remotesigntest.Config) { c.PendingTTL = 40 * time.Second })
	c := newClient(t, sim, fc, nil)
	p, err := c.Begin(t.Context(), remotesign.Request{
		CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 1), HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.ExpiresAt.Sub(fc.Now()); got != 40*time.Second {
		t.Fatalf("ExpiresAt in %v", got)
	}
}
