package migrate_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/migrate"
)

// TestLimiterLockoutGrows: five attempts, then 15 min, 30 min, 1 h…
// capped; quiet for a day, it starts over; Forgive clears it.
func TestLimiterLockoutGrows(t *testing.T) {
	ctx := context.Background()
	p := migrate.LimitPolicy{Max: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute, MaxLockout: 2 * time.Hour, Memory: 24 * time.Hour}
	l := migrate.NewMemoryLimiter(p, 0)
	now := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	burst := func() time.Duration {
		t.Helper()
		for i := range p.Max {
			if w, err := l.Take(ctx, "k", now); w != 0 || err != nil {
				t.Fatalf("attempt %d refused: %v %v", i+1, w, err)
			}
		}
		w, err := l.Take(ctx, "k", now)
		if err != nil || w == 0 {
			t.Fatalf("attempt %d allowed", p.Max+1)
		}
		// Still locked a moment later.
		if w2, _ := l.Take(ctx, "k", now.Add(time.Second)); w2 != w-time.Second {
			t.Fatalf("locked for %v then %v", w, w2)
		}
		return w
	}
	for _, want := range []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 2 * time.Hour} {
		if got := burst(); got != want {
			t.Fatalf("lockout %v, want %v", got, want)
		}
		now = now.Add(want)
	}
	now = now.Add(25 * time.Hour)
	if got := burst(); got != 15*time.Minute {
		t.Errorf("after a quiet day: %v", got)
	}
	_ = l.Forgive(ctx, "k")
	if w, _ := l.Take(ctx, "k", now); w != 0 {
		t.Errorf("forgiven key refused: %v", w)
	}
	// A window that passes without reaching Max starts afresh.
	now = now.Add(time.Hour)
	for range 4 {
		l.Take(ctx, "w", now)
	}
	now = now.Add(p.Window)
	for i := range p.Max {
		if w, _ := l.Take(ctx, "w", now); w != 0 {
			t.Fatalf("new window attempt %d refused", i+1)
		}
	}
}

// TestLimiterFull: a spray of fresh keys can neither grow the map without
// bound nor flush a locked key.
func TestLimiterFull(t *testing.T) {
	ctx := context.Background()
	l := migrate.NewMemoryLimiter(migrate.LimitPolicy{Max: 1}, 10)
	now := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	l.Take(ctx, "victim", now)
	if w, _ := l.Take(ctx, "victim", now); w == 0 {
		t.Fatal("victim not locked")
	}
	for i := range 20 {
		l.Take(ctx, fmt.Sprintf("spray%d", i), now)
	}
	if w, _ := l.Take(ctx, "new", now); w == 0 {
		t.Error("a full limiter took a new key")
	}
	if w, _ := l.Take(ctx, "victim", now); w == 0 {
		t.Error("the spray flushed the victim's lockout")
	}
	// One window later the one-attempt keys are swept; the victim's
	// history stays.
	now = now.Add(migrate.DefaultUserPolicy.Lockout)
	if w, _ := l.Take(ctx, "new", now); w != 0 {
		t.Errorf("after the window: %v", w)
	}
}
