package vnconnect

import (
	"context"
	"sync"
	"time"
)

// ReplayCache remembers one-time token identifiers (logout-token "jti").
// Remember records id until the given time and returns ErrReplay (wrapped
// or bare) if id is already recorded and not yet expired. Implementations
// shared by several replicas (e.g. on Redis) must make the check-and-record
// atomic.
type ReplayCache interface {
	Remember(ctx context.Context, id string, until time.Time) error
}

// DefaultReplayCacheSize bounds a MemoryReplayCache built by
// NewMemoryReplayCache.
const DefaultReplayCacheSize = 100_000

// MemoryReplayCache is an in-process ReplayCache. Expired entries are swept
// as new ones arrive. When it holds its maximum of live entries it refuses
// new ones with ErrReplayCacheFull instead of evicting live ones, because
// an evicted identifier could be replayed. It is safe for concurrent use;
// with several replicas use a shared store instead.
type MemoryReplayCache struct {
	clock func() time.Time
	max   int

	mu        sync.Mutex
	seen      map[string]time.Time
	nextSweep time.Time
}

var _ ReplayCache = (*MemoryReplayCache)(nil)

// replaySweepEvery spaces out full sweeps so that Remember stays O(1)
// amortised; a full cache sweeps at once regardless.
const replaySweepEvery = time.Minute

// NewMemoryReplayCache returns a cache of at most DefaultReplayCacheSize
// entries. clock nil means time.Now.
func NewMemoryReplayCache(clock func() time.Time) *MemoryReplayCache {
	return NewMemoryReplayCacheSize(clock, DefaultReplayCacheSize)
}

// NewMemoryReplayCacheSize is NewMemoryReplayCache with a chosen bound
// (maxEntries <= 0 means DefaultReplayCacheSize).
func NewMemoryReplayCacheSize(clock func() time.Time, maxEntries int) *MemoryReplayCache {
	if clock == nil {
		clock = time.Now
	}
	if maxEntries <= 0 {
		maxEntries = DefaultReplayCacheSize
	}
	return &MemoryReplayCache{clock: clock, max: maxEntries, seen: make(map[string]time.Time)}
}

// Remember implements ReplayCache.
func (m *MemoryReplayCache) Remember(_ context.Context, id string, until time.Time) error {
	now := m.clock()
	m.mu.Lock()
	defer m.mu.Unlock()
	if exp, ok := m.seen[id]; ok && now.Before(exp) {
		return ErrReplay
	}
	if !now.Before(m.nextSweep) || len(m.seen) >= m.max {
		m.sweepLocked(now)
	}
	if len(m.seen) >= m.max {
		return ErrReplayCacheFull
	}
	m.seen[id] = until
	return nil
}

// Len reports the number of entries held (expired ones not yet swept
// included); for tests and metrics.
func (m *MemoryReplayCache) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.seen)
}

func (m *MemoryReplayCache) sweepLocked(now time.Time) {
	for id, exp := range m.seen {
		if !now.Before(exp) {
			delete(m.seen, id)
		}
	}
	m.nextSweep = now.Add(replaySweepEvery)
}
