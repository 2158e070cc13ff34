package sqlstore

import (
	"crypto/rand"
	"encoding/binary"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Config tunes a Store. Its zero value is what New uses.
type Config struct {
	// MaxAttempts bounds how many times Update runs a transaction that
	// keeps losing serialization races. Zero means 10.
	MaxAttempts int
	// BaseBackoff is the wait before the first retry; each retry doubles
	// it, up to MaxBackoff, and waits a random part of it ("full jitter",
	// so racing writers spread out instead of colliding again). Zero
	// means 2ms and 250ms.
	BaseBackoff, MaxBackoff time.Duration
	// LockAfter is how many optimistic attempts an Update makes on
	// PostgreSQL before it takes the schema's write lock exclusively and
	// runs alone (see writeOnce). Zero means 2. A negative value turns the
	// lock off: pure SERIALIZABLE with retries, as for writers that do not
	// go through this package.
	LockAfter int
	// Now is the clock used for schema_migrations. Nil means time.Now.
	Now func() time.Time
}

func (c Config) maxAttempts() int {
	if c.MaxAttempts > 0 {
		return c.MaxAttempts
	}
	return 10
}

func (c Config) lockAfter() int {
	if c.LockAfter <= 0 {
		return 2
	}
	return c.LockAfter
}

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// jitter is the Store's own random source for backoff: no package-level
// generator is shared between Stores, and tests can run them side by side.
type jitter struct {
	mu sync.Mutex
	r  *mrand.Rand
}

func newJitter() *jitter {
	var seed [16]byte
	_, _ = rand.Read(seed[:]) // never fails on supported platforms
	return &jitter{r: mrand.New(mrand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))}
}

func (j *jitter) upTo(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return time.Duration(j.r.Int64N(int64(d))) + 1
}

func (s *Store) backoff(attempt int) time.Duration {
	base, limit := s.cfg.BaseBackoff, s.cfg.MaxBackoff
	if base <= 0 {
		base = 2 * time.Millisecond
	}
	if limit <= 0 {
		limit = 250 * time.Millisecond
	}
	d := base << min(attempt, 20)
	if d > limit || d <= 0 {
		d = limit
	}
	return s.jit.upTo(d)
}

// Stats counts the transactions a Store ran, for monitoring contention.
type Stats struct {
	// Attempts is how many read-write transactions were begun, retries
	// included.
	Attempts uint64
	// Retries is how many of them were run again after a serialization
	// failure, deadlock or busy database.
	Retries uint64
	// Exhausted is how many Updates gave up after MaxAttempts.
	Exhausted uint64
	// Locked is how many attempts took the write lock exclusively
	// (PostgreSQL).
	Locked uint64
}

type counters struct {
	attempts, retries, exhausted, locked atomic.Uint64
}

// Stats returns the Store's counters so far.
func (s *Store) Stats() Stats {
	return Stats{
		Attempts:  s.stats.attempts.Load(),
		Retries:   s.stats.retries.Load(),
		Exhausted: s.stats.exhausted.Load(),
		Locked:    s.stats.locked.Load(),
	}
}
