package migrate_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/migrate"
)

// Security review of the Redis limiter (ratelimit_redis.go).

func redisKeyOf(prefix, key string) string {
	sum := sha256.Sum256([]byte(key))
	return prefix + ":linklimit:" + hex.EncodeToString(sum[:])
}

// TestReviewRedisLimiterPrefixNesting: a prefix that is another's key
// space (prefix + ":linklimit:" + …) shares no state with it.
func TestReviewRedisLimiterPrefixNesting(t *testing.T) {
	ctx := context.Background()
	c := newRedisClient(t)
	base := redisTestPrefix(t, c)
	p := migrate.LimitPolicy{Max: 1, Window: time.Minute, Lockout: time.Minute, MaxLockout: time.Hour, Memory: time.Hour}
	a := newRedisLimiter(t, c, base, p)
	nested := redisKeyOf(base, "k")
	b := newRedisLimiter(t, c, nested[:len(nested)-1], p) // one character short of a's key
	now := time.Now()
	for range 2 {
		if _, err := a.Take(ctx, "k", now); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"k", "", nested[len(nested)-1:]} {
		if w, err := b.Take(ctx, k, now); w != 0 || err != nil {
			t.Errorf("nested prefix, key %q: %v %v", k, w, err)
		}
	}
	if w, _ := a.Take(ctx, "k", now); w == 0 {
		t.Error("a's lockout lost")
	}
}

// TestReviewRedisLimiterWrongType: a key holding something else (another
// program, a corrupted state) fails closed: an error, not a go-ahead.
func TestReviewRedisLimiterWrongType(t *testing.T) {
	ctx := context.Background()
	c := newRedisClient(t)
	prefix := redisTestPrefix(t, c)
	l := newRedisLimiter(t, c, prefix, migrate.LimitPolicy{})
	if err := c.Set(ctx, redisKeyOf(prefix, "k"), "x", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if w, err := l.Take(ctx, "k", time.Now()); err == nil {
		t.Fatalf("wrong-type key: wait %v, no error", w)
	}
	// A hash with garbage fields is read as a fresh state at worst, and
	// still gets a TTL.
	k2 := redisKeyOf(prefix, "k2")
	if err := c.HSet(ctx, k2, "c", "nan?", "lu", "x").Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Take(ctx, "k2", time.Now()); err != nil {
		t.Logf("garbage hash: %v", err)
	}
	if ttl := c.PTTL(ctx, k2).Val(); ttl <= 0 {
		t.Errorf("garbage hash left without TTL: %v", ttl)
	}
}

// TestReviewRedisLimiterTTLEveryStep: after every Take — allowed, starting
// a lockout, refused while locked, from a replica whose clock lags — the
// key has a TTL covering what it remembers.
func TestReviewRedisLimiterTTLEveryStep(t *testing.T) {
	ctx := context.Background()
	c := newRedisClient(t)
	prefix := redisTestPrefix(t, c)
	p := migrate.LimitPolicy{Max: 2, Window: time.Minute, Lockout: 2 * time.Minute, MaxLockout: time.Hour, Memory: 10 * time.Minute}
	l := newRedisLimiter(t, c, prefix, p)
	key := redisKeyOf(prefix, "k")
	now := time.Now()
	steps := []struct {
		at      time.Time
		minTTL  time.Duration
		comment string
	}{
		{now, p.Window - time.Second, "first attempt"},
		{now, p.Window - time.Second, "second"},
		{now, p.Memory - time.Second, "lockout starts: lockout history kept for Memory"},
		{now.Add(time.Second), p.Memory - 2*time.Second, "refused while locked"},
		{now.Add(-30 * time.Second), p.Memory - 2*time.Second, "lagging replica, locked"},
	}
	for _, s := range steps {
		if _, err := l.Take(ctx, "k", s.at); err != nil {
			t.Fatal(err)
		}
		if ttl := c.PTTL(ctx, key).Val(); ttl < s.minTTL {
			t.Errorf("%s: TTL %v, want at least %v", s.comment, ttl, s.minTTL)
		}
	}
}
