package saml

import (
	"context"
	"errors"
	"sync"
	"time"
)

// RequestStore keeps pending requests between the redirect to the IdP and
// its answer. The method set is the same as web.PendingStore so one
// implementation (memory, Redis) serves both packages.
type RequestStore interface {
	// Put stores value under key for ttl. It never overwrites: if key is
	// present it returns an error.
	Put(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Take returns the value and deletes it atomically (single use).
	// A missing or expired key returns (nil, nil).
	Take(ctx context.Context, key string) ([]byte, error)
}

// ErrKeyExists is returned by MemoryRequestStore.Put when the key is
// present (with random 192-bit keys this means a broken Rand).
var ErrKeyExists = errors.New("saml: request key already present")

// DefaultMemoryRequestStoreSize bounds a MemoryRequestStore.
const DefaultMemoryRequestStoreSize = 100_000

// MemoryRequestStore is an in-process RequestStore, the default. With
// several replicas use a shared store instead: the IdP's answer may reach
// another replica than the one that sent the request.
type MemoryRequestStore struct {
	clock func() time.Time
	max   int

	mu        sync.Mutex
	m         map[string]memoryEntry
	nextSweep time.Time
}

type memoryEntry struct {
	value   []byte
	expires time.Time
}

var _ RequestStore = (*MemoryRequestStore)(nil)

// NewMemoryRequestStore returns an empty store; clock nil means time.Now.
func NewMemoryRequestStore(clock func() time.Time) *MemoryRequestStore {
	if clock == nil {
		clock = time.Now
	}
	return &MemoryRequestStore{clock: clock, max: DefaultMemoryRequestStoreSize, m: make(map[string]memoryEntry)}
}

// errStoreFull: refusing beats evicting, since an evicted entry turns a
// legitimate login into an ErrInResponseTo.
var errStoreFull = errors.New("saml: memory request store full")

// Put implements RequestStore.
func (s *MemoryRequestStore) Put(_ context.Context, key string, value []byte, ttl time.Duration) error {
	now := s.clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[key]; ok && now.Before(e.expires) {
		return ErrKeyExists
	}
	if !now.Before(s.nextSweep) || len(s.m) >= s.max {
		for k, e := range s.m {
			if !now.Before(e.expires) {
				delete(s.m, k)
			}
		}
		s.nextSweep = now.Add(time.Minute)
	}
	if len(s.m) >= s.max {
		return errStoreFull
	}
	s.m[key] = memoryEntry{value: append([]byte(nil), value...), expires: now.Add(ttl)}
	return nil
}

// Take implements RequestStore.
func (s *MemoryRequestStore) Take(_ context.Context, key string) ([]byte, error) {
	now := s.clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	if !ok {
		return nil, nil
	}
	delete(s.m, key)
	if !now.Before(e.expires) {
		return nil, nil
	}
	return e.value, nil
}
