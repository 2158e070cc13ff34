package redisstore_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web/redisstore"
)

func TestReplayRemember(t *testing.T) {
	ctx := context.Background()
	s, c := newStore(t, redisstore.Options{})
	r := s.Replay()
	until := time.Now().Add(5 * time.Minute)
	if err := r.Remember(ctx, "jti-1", until); err != nil {
		t.Fatalf("first Remember = %v", err)
	}
	if err := r.Remember(ctx, "jti-1", until); !errors.Is(err, vnconnect.ErrReplay) {
		t.Fatalf("second Remember = %v, want ErrReplay", err)
	}
	if err := r.Remember(ctx, "jti-2", until); err != nil {
		t.Fatalf("another id = %v", err)
	}
	assertAllExpire(t, c, s.Prefix())
	for _, k := range keysUnder(t, c, s.Prefix()) {
		if ttl := c.PTTL(ctx, k).Val(); ttl < 4*time.Minute || ttl > 5*time.Minute {
			t.Errorf("PTTL(%s) = %v, want about 5m (until - now)", k, ttl)
		}
	}
}

func TestReplayExpires(t *testing.T) {
	ctx := context.Background()
	s, c := newStore(t, redisstore.Options{})
	r := s.Replay()
	if err := r.Remember(ctx, "short", time.Now().Add(150*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	if err := r.Remember(ctx, "short", time.Now().Add(time.Minute)); err != nil {
		t.Fatalf("Remember after expiry = %v, want nil", err)
	}
	// An until already past records nothing (it could never match).
	if err := r.Remember(ctx, "past", time.Now().Add(-time.Second)); err != nil {
		t.Fatalf("Remember(past) = %v", err)
	}
	if n := len(keysUnder(t, c, s.Prefix())); n != 1 {
		t.Fatalf("%d keys, want only the live one", n)
	}
}

// TestReplayClock shows the TTL comes from the injected clock, not the
// machine's: an entry valid for ten minutes by the clock lives ten minutes
// in Redis even though the clock is a year off.
func TestReplayClock(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	s, c := newStore(t, redisstore.Options{Clock: func() time.Time { return now }})
	if err := s.Replay().Remember(ctx, "id", now.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	for _, k := range keysUnder(t, c, s.Prefix()) {
		if ttl := c.PTTL(ctx, k).Val(); ttl < 9*time.Minute || ttl > 10*time.Minute {
			t.Errorf("PTTL = %v, want about 10m", ttl)
		}
	}
}

// TestReplayRaceAcrossReplicas: 50 goroutines on two Store instances
// present the same id at once; exactly one is accepted.
func TestReplayRaceAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	a, _ := newStore(t, redisstore.Options{})
	b := replica(t, a, redisstore.Options{})
	const racers = 50
	until := time.Now().Add(time.Minute)
	var accepted, replays atomic.Int32
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		r := a.Replay()
		if i%2 == 1 {
			r = b.Replay()
		}
		wg.Go(func() {
			<-start
			switch err := r.Remember(ctx, "same-jti", until); {
			case err == nil:
				accepted.Add(1)
			case errors.Is(err, vnconnect.ErrReplay):
				replays.Add(1)
			default:
				t.Errorf("Remember: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	if accepted.Load() != 1 || replays.Load() != racers-1 {
		t.Fatalf("accepted %d, replays %d; want 1 and %d", accepted.Load(), replays.Load(), racers-1)
	}
}
