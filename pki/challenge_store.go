package pki

import (
	"context"
	"errors"
	"sync"
	"time"
)

// NonceStore keeps issued challenges until they are answered. Take must be
// single-use even under concurrency: of two Takes of one id, at most one
// gets the value (Redis GETDEL, SQL DELETE … RETURNING). Implementations
// must be safe for concurrent use.
type NonceStore interface {
	// Put stores value under id for ttl. An existing id is an error.
	Put(ctx context.Context, id string, value []byte, ttl time.Duration) error
	// Take removes and returns the value under id; (nil, nil) when there
	// is none or it has expired.
	Take(ctx context.Context, id string) ([]byte, error)
}

// DefaultMaxNonces bounds a MemoryNonceStore created with maxEntries 0.
const DefaultMaxNonces = 100_000

// ErrChallengeStoreFull: the memory store holds its maximum of unexpired
// challenges; Issue fails until some expire or are answered.
var ErrChallengeStoreFull = errors.New("pki: challenge store full")

var _ NonceStore = (*MemoryNonceStore)(nil)

// MemoryNonceStore is the in-process NonceStore. It is bounded, so that a
// client asking for challenges without answering them cannot exhaust
// memory: when full it first drops expired entries, then refuses.
type MemoryNonceStore struct {
	clock func() time.Time
	max   int

	mu      sync.Mutex
	entries map[string]memoryNonce
}

type memoryNonce struct {
	value   []byte
	expires time.Time
}

// NewMemoryNonceStore returns an empty store. clock nil means time.Now;
// maxEntries 0 means DefaultMaxNonces.
func NewMemoryNonceStore(clock func() time.Time, maxEntries int) *MemoryNonceStore {
	if clock == nil {
		clock = time.Now
	}
	if maxEntries <= 0 {
		maxEntries = DefaultMaxNonces
	}
	return &MemoryNonceStore{clock: clock, max: maxEntries, entries: make(map[string]memoryNonce)}
}

// Put implements NonceStore.
func (s *MemoryNonceStore) Put(ctx context.Context, id string, value []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := s.clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[id]; ok && now.Before(e.expires) {
		return errors.New("pki: challenge ID already stored")
	}
	if len(s.entries) >= s.max {
		// Sweeping only when full keeps Put O(1) amortised: a sweep frees
		// every entry that expired since the last one.
		for k, e := range s.entries {
			if !now.Before(e.expires) {
				delete(s.entries, k)
			}
		}
		if len(s.entries) >= s.max {
			return ErrChallengeStoreFull
		}
	}
	s.entries[id] = memoryNonce{value: append([]byte(nil), value...), expires: now.Add(ttl)}
	return nil
}

// Take implements NonceStore.
func (s *MemoryNonceStore) Take(ctx context.Context, id string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := s.clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[id]
	if !ok {
		return nil, nil
	}
	delete(s.entries, id)
	if !now.Before(e.expires) {
		return nil, nil
	}
	return e.value, nil
}

// Len returns the number of entries held, expired ones not yet swept
// included.
func (s *MemoryNonceStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}
