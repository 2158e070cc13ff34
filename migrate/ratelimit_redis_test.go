package migrate_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/migrate"
)

// limiterMaker returns a fresh, empty Limiter with policy p.
type limiterMaker func(t *testing.T, p migrate.LimitPolicy) migrate.Limiter

// limiterConformance is what every Limiter must do, with time injected:
// the MemoryLimiter's behaviour is the specification.
func limiterConformance(t *testing.T, mk limiterMaker) {
	ctx := context.Background()
	start := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	take := func(t *testing.T, l migrate.Limiter, key string, now time.Time) time.Duration {
		t.Helper()
		w, err := l.Take(ctx, key, now)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}

	t.Run("exactly-N", func(t *testing.T) {
		p := migrate.LimitPolicy{Max: 3, Window: time.Minute, Lockout: 10 * time.Minute, MaxLockout: time.Hour, Memory: time.Hour}
		l := mk(t, p)
		for i := range p.Max {
			if w := take(t, l, "k", start); w != 0 {
				t.Fatalf("attempt %d refused: %v", i+1, w)
			}
		}
		if w := take(t, l, "k", start); w != p.Lockout {
			t.Fatalf("attempt %d: wait %v, want %v", p.Max+1, w, p.Lockout)
		}
		// Another key is not touched.
		if w := take(t, l, "other", start); w != 0 {
			t.Errorf("another key refused: %v", w)
		}
	})

	t.Run("lockout-grows", func(t *testing.T) {
		p := migrate.LimitPolicy{Max: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute, MaxLockout: 2 * time.Hour, Memory: 24 * time.Hour}
		l := mk(t, p)
		now := start
		burst := func() time.Duration {
			t.Helper()
			for i := range p.Max {
				if w := take(t, l, "k", now); w != 0 {
					t.Fatalf("attempt %d refused: %v", i+1, w)
				}
			}
			w := take(t, l, "k", now)
			if w == 0 {
				t.Fatalf("attempt %d allowed", p.Max+1)
			}
			if w2 := take(t, l, "k", now.Add(time.Second)); w2 != w-time.Second {
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
		if err := l.Forgive(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		if w := take(t, l, "k", now); w != 0 {
			t.Errorf("forgiven key refused: %v", w)
		}
	})

	t.Run("window-expiry", func(t *testing.T) {
		p := migrate.LimitPolicy{Max: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute, MaxLockout: time.Hour, Memory: time.Hour}
		l := mk(t, p)
		for range 4 {
			take(t, l, "w", start)
		}
		// One millisecond before the window ends the four still count.
		if w := take(t, l, "w", start.Add(p.Window-time.Millisecond)); w != 0 {
			t.Fatalf("fifth attempt refused: %v", w)
		}
		if w := take(t, l, "w", start.Add(p.Window-time.Millisecond)); w == 0 {
			t.Fatal("sixth attempt in the window allowed")
		}
		// A window that passes without reaching Max starts afresh.
		l2 := mk(t, p)
		for range 4 {
			take(t, l2, "w", start)
		}
		now := start.Add(p.Window)
		for i := range p.Max {
			if w := take(t, l2, "w", now); w != 0 {
				t.Fatalf("new window attempt %d refused", i+1)
			}
		}
	})

	t.Run("after-lockout", func(t *testing.T) {
		// A lockout's end starts a new window: Max attempts again, then a
		// doubled lockout (a strike is remembered).
		p := migrate.LimitPolicy{Max: 2, Window: time.Minute, Lockout: time.Minute, MaxLockout: time.Hour, Memory: time.Hour}
		l := mk(t, p)
		take(t, l, "k", start)
		take(t, l, "k", start)
		if w := take(t, l, "k", start); w != time.Minute {
			t.Fatalf("first lockout %v", w)
		}
		now := start.Add(time.Minute)
		for i := range p.Max {
			if w := take(t, l, "k", now); w != 0 {
				t.Fatalf("attempt %d after the lockout refused: %v", i+1, w)
			}
		}
		if w := take(t, l, "k", now); w != 2*time.Minute {
			t.Fatalf("second lockout %v", w)
		}
	})

	t.Run("forgive-unknown", func(t *testing.T) {
		l := mk(t, migrate.LimitPolicy{})
		if err := l.Forgive(ctx, "never-seen"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestRateLimitConformance runs the conformance suite on the MemoryLimiter
// and on the RedisLimiter.
func TestRateLimitConformance(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		limiterConformance(t, func(t *testing.T, p migrate.LimitPolicy) migrate.Limiter {
			return migrate.NewMemoryLimiter(p, 0)
		})
	})
	t.Run("redis", func(t *testing.T) {
		c := newRedisClient(t)
		// Time is injected and stands still while Redis's runs: keep keys an
		// hour longer than the injected state needs, so real expiry never
		// cuts in (TestRedisLimiterTTL checks the TTLs themselves).
		limiterConformance(t, func(t *testing.T, p migrate.LimitPolicy) migrate.Limiter {
			l, err := migrate.NewRedisLimiter(c, migrate.RedisLimiterOptions{Policy: p, Prefix: redisTestPrefix(t, c), ClockSkew: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			return l
		})
	})
}

// testSkew is the RedisLimiters' ClockSkew in the tests that look at TTLs.
const testSkew = 50 * time.Millisecond

// newRedisClient connects to the test Redis (skipping, or failing under
// RPKIT_REQUIRE_INTEGRATION=1, when there is none).
func newRedisClient(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(t)})
	t.Cleanup(func() { c.Close() })
	return c
}

// redisTestPrefix is a random prefix whose keys are deleted when the test
// ends. Never FLUSHALL: the Redis is shared.
func redisTestPrefix(t testing.TB, c *redis.Client) string {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	prefix := "rpkit-test-" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, k := range redisKeys(t, c, prefix) {
			if err := c.Del(ctx, k).Err(); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	})
	return prefix
}

func redisKeys(t testing.TB, c *redis.Client, prefix string) []string {
	t.Helper()
	ctx := context.Background()
	var keys []string
	iter := c.Scan(ctx, 0, prefix+":*", 500).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return keys
}

func newRedisLimiter(t testing.TB, c redis.UniversalClient, prefix string, p migrate.LimitPolicy) *migrate.RedisLimiter {
	t.Helper()
	l, err := migrate.NewRedisLimiter(c, migrate.RedisLimiterOptions{Policy: p, Prefix: prefix, ClockSkew: testSkew})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestRedisLimiterTTL: every key expires — after the window while it only
// counts, after Memory once it has been locked out — and no key names the
// username.
func TestRedisLimiterTTL(t *testing.T) {
	ctx := context.Background()
	c := newRedisClient(t)
	prefix := redisTestPrefix(t, c)
	p := migrate.LimitPolicy{Max: 2, Window: 10 * time.Minute, Lockout: 20 * time.Minute, MaxLockout: time.Hour, Memory: 5 * time.Hour}
	l := newRedisLimiter(t, c, prefix, p)
	now := time.Now()
	pttl := func() time.Duration {
		t.Helper()
		keys := redisKeys(t, c, prefix)
		if len(keys) != 1 {
			t.Fatalf("keys %v", keys)
		}
		if strings.Contains(keys[0], "nguyenvana") || !strings.HasPrefix(keys[0], prefix+":linklimit:") {
			t.Errorf("key %q", keys[0])
		}
		d, err := c.PTTL(ctx, keys[0]).Result()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if w, err := l.Take(ctx, "u:nguyenvana", now); w != 0 || err != nil {
		t.Fatal(w, err)
	}
	if d := pttl(); d <= p.Window+testSkew-time.Second || d > p.Window+testSkew {
		t.Errorf("counting: PTTL %v, want about the window %v", d, p.Window)
	}
	l.Take(ctx, "u:nguyenvana", now)
	if w, _ := l.Take(ctx, "u:nguyenvana", now); w != p.Lockout {
		t.Fatalf("lockout %v", w)
	}
	if d := pttl(); d <= p.Memory+testSkew-time.Second || d > p.Memory+testSkew {
		t.Errorf("locked: PTTL %v, want about Memory %v", d, p.Memory)
	}
	// A refused attempt changes nothing, the TTL included.
	before := pttl()
	if w, _ := l.Take(ctx, "u:nguyenvana", now.Add(time.Minute)); w != p.Lockout-time.Minute {
		t.Errorf("still locked: %v", w)
	}
	if after := pttl(); after > before {
		t.Errorf("a refused attempt extended the TTL: %v → %v", before, after)
	}
	if err := l.Forgive(ctx, "u:nguyenvana"); err != nil {
		t.Fatal(err)
	}
	if keys := redisKeys(t, c, prefix); len(keys) != 0 {
		t.Errorf("Forgive left %v", keys)
	}
	// The default ClockSkew keeps a key a second longer than its window.
	def, err := migrate.NewRedisLimiter(c, migrate.RedisLimiterOptions{Policy: p, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	def.Take(ctx, "u:nguyenvana", now)
	if d := pttl(); d <= p.Window || d > p.Window+migrate.DefaultRedisClockSkew {
		t.Errorf("default skew: PTTL %v, want within a second over %v", d, p.Window)
	}
}

// TestRedisLimiterExpiresInRedis: with a short real window the key is gone
// from Redis once it remembers nothing, and the count starts again.
func TestRedisLimiterExpiresInRedis(t *testing.T) {
	ctx := context.Background()
	c := newRedisClient(t)
	prefix := redisTestPrefix(t, c)
	p := migrate.LimitPolicy{Max: 2, Window: 200 * time.Millisecond, Lockout: 200 * time.Millisecond, MaxLockout: 200 * time.Millisecond, Memory: 200 * time.Millisecond}
	l := newRedisLimiter(t, c, prefix, p)
	for range p.Max {
		if w, err := l.Take(ctx, "k", time.Now()); w != 0 || err != nil {
			t.Fatal(w, err)
		}
	}
	if w, _ := l.Take(ctx, "k", time.Now()); w == 0 {
		t.Fatal("limit not reached at Max")
	}
	// Locked for Lockout, then a window that starts when the lockout ends.
	keys := redisKeys(t, c, prefix)
	if len(keys) != 1 {
		t.Fatalf("keys %v", keys)
	}
	if d, err := c.PTTL(ctx, keys[0]).Result(); err != nil || d <= p.Lockout || d > p.Lockout+p.Window+testSkew {
		t.Errorf("PTTL %v %v, want about Lockout+Window", d, err)
	}
	time.Sleep(p.Lockout + p.Window + testSkew + 100*time.Millisecond)
	if keys := redisKeys(t, c, prefix); len(keys) != 0 {
		t.Errorf("keys left after every TTL passed: %v", keys)
	}
	if w, err := l.Take(ctx, "k", time.Now()); w != 0 || err != nil {
		t.Errorf("after expiry: %v %v", w, err)
	}
}

// TestRedisLimiterShared: two limiters (two replicas, each with its own
// client) on one Redis and prefix share one count, also under a parallel
// burst; a limiter with another prefix counts apart.
func TestRedisLimiterShared(t *testing.T) {
	ctx := context.Background()
	c := newRedisClient(t)
	prefix := redisTestPrefix(t, c)
	p := migrate.LimitPolicy{Max: 5, Window: time.Minute, Lockout: time.Minute, MaxLockout: time.Hour, Memory: time.Hour}
	a := newRedisLimiter(t, c, prefix, p)
	b := newRedisLimiter(t, newRedisClient(t), prefix, p)
	now := time.Now()
	for i := range p.Max {
		l := []migrate.Limiter{a, b}[i%2]
		if w, err := l.Take(ctx, "k", now); w != 0 || err != nil {
			t.Fatalf("attempt %d: %v %v", i+1, w, err)
		}
	}
	if w, _ := b.Take(ctx, "k", now); w == 0 {
		t.Error("replica b let attempt Max+1 through")
	}
	other := newRedisLimiter(t, c, redisTestPrefix(t, c), p)
	if w, _ := other.Take(ctx, "k", now); w != 0 {
		t.Error("another prefix shares the count")
	}
	// Forgive on one replica is seen by the other.
	if err := a.Forgive(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if w, _ := b.Take(ctx, "k", now); w != 0 {
		t.Error("forgiven on a, still locked on b")
	}

	// A parallel burst across both replicas: exactly Max go through.
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := []migrate.Limiter{a, b}[i%2]
			w, err := l.Take(ctx, "burst", now)
			if err != nil {
				t.Error(err)
			}
			if w == 0 {
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := allowed.Load(); n != int32(p.Max) {
		t.Errorf("%d of 40 parallel attempts allowed, want exactly %d", n, p.Max)
	}
}

// TestRedisLimiterConfig: strict construction.
func TestRedisLimiterConfig(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer c.Close()
	for name, try := range map[string]func() error{
		"nil client": func() error { _, err := migrate.NewRedisLimiter(nil, migrate.RedisLimiterOptions{}); return err },
		"glob prefix": func() error {
			_, err := migrate.NewRedisLimiter(c, migrate.RedisLimiterOptions{Prefix: "app*"})
			return err
		},
		"space prefix": func() error {
			_, err := migrate.NewRedisLimiter(c, migrate.RedisLimiterOptions{Prefix: "my app"})
			return err
		},
		"sub-ms window": func() error {
			_, err := migrate.NewRedisLimiter(c, migrate.RedisLimiterOptions{Policy: migrate.LimitPolicy{Window: time.Microsecond}})
			return err
		},
	} {
		if err := try(); !errors.Is(err, migrate.ErrRedisLimiterConfig) {
			t.Errorf("%s: %v", name, err)
		}
	}
	l, err := migrate.NewRedisLimiter(c, migrate.RedisLimiterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Policy() != migrate.DefaultUserPolicy {
		t.Errorf("zero policy became %+v", l.Policy())
	}
}

// downRedis is a client for an address where nothing listens.
func downRedis(t testing.TB) *redis.Client {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1,
		DialerRetries: 1, DialerRetryTimeout: time.Millisecond})
	t.Cleanup(func() { c.Close() })
	return c
}

// TestRedisLimiterDown: Redis unreachable gives a *RedisLimiterError, and
// the Linker refuses — even the right password — without hashing,
// looking up or converting anything.
func TestRedisLimiterDown(t *testing.T) {
	ctx := context.Background()
	down, err := migrate.NewRedisLimiter(downRedis(t), migrate.RedisLimiterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var rle *migrate.RedisLimiterError
	if _, err := down.Take(ctx, "k", time.Now()); !errors.As(err, &rle) || rle.Op != "take" {
		t.Fatalf("Take: %v", err)
	}
	if err := down.Forgive(ctx, "k"); !errors.As(err, &rle) || rle.Op != "forgive" {
		t.Fatalf("Forgive: %v", err)
	}

	for _, c := range []struct {
		name           string
		users, clients migrate.Limiter
	}{{"users", down, nil}, {"clients", nil, down}} {
		t.Run(c.name, func(t *testing.T) {
			lf := newLinkFixture(t, newSQLiteBackend(t), c.users, c.clients)
			_, err := lf.link.Link(lf.ctx, lf.me(), "nguyenvana", "matkhau-cu", "203.0.113.7")
			if !errors.As(err, &rle) {
				t.Fatalf("right password with Redis down: %v", err)
			}
			if errors.Is(err, migrate.ErrBadCredentials) || errors.Is(err, migrate.ErrRateLimited) {
				t.Errorf("outage reported as %v", err)
			}
			if h := lf.bcrypt.take(); len(h) != 0 || lf.lookups.count() != 0 {
				t.Errorf("refused attempt hashed %d / looked up %d", len(h), lf.lookups.count())
			}
			lf.assertLegacy("nguyenvana", pakn, false, "")
		})
	}
}

// TestRedisLinkerReplicas: two Linkers (two app replicas) with Redis
// limiters on one prefix share the username's count: guesses spread over
// both are stopped at Max in total.
func TestRedisLinkerReplicas(t *testing.T) {
	c := newRedisClient(t)
	prefix := redisTestPrefix(t, c)
	lf := newLinkFixture(t, newSQLiteBackend(t), newRedisLimiter(t, c, prefix, migrate.DefaultUserPolicy),
		newRedisLimiter(t, c, prefix, migrate.DefaultClientPolicy))
	c2 := newRedisClient(t)
	second, err := migrate.NewLinker(migrate.LinkerConfig{Converter: lf.conv, Legacy: lf.lookups,
		Hashers: []migrate.PasswordHasher{lf.bcrypt}, DummyHash: dummyAtMinCost, Clock: lf.clock,
		Users:   newRedisLimiter(t, c2, prefix, migrate.DefaultUserPolicy),
		Clients: newRedisLimiter(t, c2, prefix, migrate.DefaultClientPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	replicas := []*migrate.Linker{lf.link, second}
	for i := range migrate.DefaultUserPolicy.Max {
		ip := fmt.Sprintf("198.51.100.%d", i+1)
		if _, err := replicas[i%2].Link(lf.ctx, lf.me(), "nguyenvana", fmt.Sprintf("doan-%d", i), ip); !errors.Is(err, migrate.ErrBadCredentials) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	for i, l := range replicas {
		var rl *migrate.RateLimitError
		if _, err := l.Link(lf.ctx, lf.me(), "nguyenvana", "matkhau-cu", "192.0.2.50"); !errors.As(err, &rl) {
			t.Errorf("replica %d after Max guesses in total: %v", i, err)
		}
	}
	lf.assertLegacy("nguyenvana", pakn, false, "")
	// The lockout passes (the shared clock); the right password works on
	// either replica.
	lf.clock.Advance(migrate.DefaultUserPolicy.Lockout)
	if _, err := second.Link(lf.ctx, lf.me(), "nguyenvana", "matkhau-cu", "192.0.2.50"); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	lf.assertLegacy("nguyenvana", pakn, true, lf.to)
}
