package web

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultMemoryStoreSize bounds a memory store whose MaxEntries is zero.
const DefaultMemoryStoreSize = 100_000

// memorySweepEvery spaces out full sweeps of expired entries so that each
// operation stays O(1) amortised; a full store sweeps at once regardless.
const memorySweepEvery = time.Minute

// MemoryOptions configures the in-memory stores. The zero value is usable.
type MemoryOptions struct {
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// MaxEntries bounds the live entries; zero means DefaultMemoryStoreSize.
	// A full store refuses new entries with ErrStoreFull rather than
	// evicting live ones (an evicted pending login would fail its callback;
	// an evicted session would log someone out at random).
	MaxEntries int
}

func (o MemoryOptions) clock() func() time.Time {
	if o.Clock == nil {
		return time.Now
	}
	return o.Clock
}

func (o MemoryOptions) max() int {
	if o.MaxEntries <= 0 {
		return DefaultMemoryStoreSize
	}
	return o.MaxEntries
}

// indexKey is an (issuer, value) pair; a struct key avoids any ambiguity a
// joined string could have.
type indexKey struct{ iss, v string }

// MemorySessionStore is an in-process SessionStore: right for one process
// and for tests. Several replicas need a shared store (redisstore). It is
// safe for concurrent use.
type MemorySessionStore struct {
	now func() time.Time
	max int

	mu        sync.RWMutex
	sessions  map[string]*Session
	bySID     map[indexKey]map[string]struct{}
	bySubject map[indexKey]map[string]struct{}
	nextSweep time.Time
}

var (
	_ SessionStore          = (*MemorySessionStore)(nil)
	_ SessionRefresher      = (*MemorySessionStore)(nil)
	_ SessionSubjectDeleter = (*MemorySessionStore)(nil)
)

// NewMemorySessionStore returns an empty store.
func NewMemorySessionStore(opts MemoryOptions) *MemorySessionStore {
	return &MemorySessionStore{
		now:       opts.clock(),
		max:       opts.max(),
		sessions:  make(map[string]*Session),
		bySID:     make(map[indexKey]map[string]struct{}),
		bySubject: make(map[indexKey]map[string]struct{}),
	}
}

// Save implements SessionStore. It keeps a copy of s.
func (m *MemorySessionStore) Save(_ context.Context, s *Session) error {
	if s == nil || s.ID == "" {
		return errors.New("web: Save: session without ID")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.saveLocked(s)
}

// Refresh implements SessionRefresher: it saves s only if its session is
// still stored, checked and written under one lock.
func (m *MemorySessionStore) Refresh(_ context.Context, s *Session) (bool, error) {
	if s == nil || s.ID == "" {
		return false, errors.New("web: Refresh: session without ID")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.sessions[s.ID]; !ok {
		return false, nil
	}
	if err := m.saveLocked(s); err != nil {
		return false, err
	}
	_, ok := m.sessions[s.ID] // an expired s was deleted, not stored
	return ok, nil
}

func (m *MemorySessionStore) saveLocked(s *Session) error {
	now := m.now()
	m.deleteLocked(s.ID)
	if s.Expired(now) {
		return nil
	}
	if !now.Before(m.nextSweep) || len(m.sessions) >= m.max {
		m.sweepLocked(now)
	}
	if len(m.sessions) >= m.max {
		return fmt.Errorf("web: memory session store: %w", ErrStoreFull)
	}
	c := s.clone()
	m.sessions[c.ID] = c
	if c.SID != "" {
		addIndex(m.bySID, indexKey{c.Issuer, c.SID}, c.ID)
	}
	if c.Subject != "" {
		addIndex(m.bySubject, indexKey{c.Issuer, c.Subject}, c.ID)
	}
	return nil
}

// Load implements SessionStore. The session returned is the store's own
// snapshot, shared and read-only (Save replaces it rather than changing it).
func (m *MemorySessionStore) Load(_ context.Context, id string) (*Session, error) {
	now := m.now()
	m.mu.RLock()
	s, ok := m.sessions[id]
	m.mu.RUnlock()
	if !ok {
		return nil, nil
	}
	if s.Expired(now) {
		m.mu.Lock()
		// Re-check under the write lock: a concurrent Save may have
		// replaced it with a live one.
		if cur, ok := m.sessions[id]; ok && cur.Expired(now) {
			m.deleteLocked(id)
		}
		m.mu.Unlock()
		return nil, nil
	}
	return s, nil
}

// Delete implements SessionStore.
func (m *MemorySessionStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deleteLocked(id)
	return nil
}

// DeleteBySID implements SessionStore.
func (m *MemorySessionStore) DeleteBySID(_ context.Context, issuer, sid string) (int, error) {
	if sid == "" {
		return 0, nil
	}
	return m.deleteIndexed(m.bySID, indexKey{issuer, sid}), nil
}

// DeleteBySubject implements SessionStore.
func (m *MemorySessionStore) DeleteBySubject(_ context.Context, issuer, sub string) (int, error) {
	if sub == "" {
		return 0, nil
	}
	return m.deleteIndexed(m.bySubject, indexKey{issuer, sub}), nil
}

// DeleteBySIDAndSubject implements SessionSubjectDeleter: of the sessions
// of sid at issuer, it removes those whose Subject is sub, under one lock.
func (m *MemorySessionStore) DeleteBySIDAndSubject(_ context.Context, issuer, sid, sub string) (int, error) {
	if sid == "" || sub == "" {
		return 0, nil
	}
	return m.deleteIndexedIf(m.bySID, indexKey{issuer, sid}, func(s *Session) bool { return s.Subject == sub }), nil
}

// Len reports the number of sessions held (expired ones not yet swept
// included); for tests and metrics.
func (m *MemorySessionStore) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.sessions)
}

func (m *MemorySessionStore) deleteIndexed(idx map[indexKey]map[string]struct{}, k indexKey) int {
	return m.deleteIndexedIf(idx, k, nil)
}

// deleteIndexedIf deletes the sessions of idx[k] that match (all of them
// when match is nil).
func (m *MemorySessionStore) deleteIndexedIf(idx map[indexKey]map[string]struct{}, k indexKey, match func(*Session) bool) int {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id := range idx[k] {
		s, ok := m.sessions[id]
		if ok && match != nil && !match(s) {
			continue
		}
		// An expired session was already over: do not count it as ended
		// now, but drop it all the same.
		if ok && !s.Expired(now) {
			n++
		}
		m.deleteLocked(id)
	}
	return n
}

func (m *MemorySessionStore) deleteLocked(id string) {
	s, ok := m.sessions[id]
	if !ok {
		return
	}
	delete(m.sessions, id)
	if s.SID != "" {
		removeIndex(m.bySID, indexKey{s.Issuer, s.SID}, id)
	}
	if s.Subject != "" {
		removeIndex(m.bySubject, indexKey{s.Issuer, s.Subject}, id)
	}
}

func (m *MemorySessionStore) sweepLocked(now time.Time) {
	for id, s := range m.sessions {
		if s.Expired(now) {
			m.deleteLocked(id)
		}
	}
	m.nextSweep = now.Add(memorySweepEvery)
}

func addIndex(idx map[indexKey]map[string]struct{}, k indexKey, id string) {
	set := idx[k]
	if set == nil {
		set = make(map[string]struct{}, 1)
		idx[k] = set
	}
	set[id] = struct{}{}
}

func removeIndex(idx map[indexKey]map[string]struct{}, k indexKey, id string) {
	set := idx[k]
	delete(set, id)
	if len(set) == 0 {
		delete(idx, k)
	}
}

// MemoryPendingStore is an in-process PendingStore: right for one process
// and for tests. Several replicas need a shared store (redisstore), or a
// login started on one replica cannot finish on another. It is safe for
// concurrent use.
type MemoryPendingStore struct {
	now func() time.Time
	max int

	mu        sync.Mutex
	entries   map[string]pendingEntry
	nextSweep time.Time
}

type pendingEntry struct {
	value []byte
	until time.Time
}

var _ PendingStore = (*MemoryPendingStore)(nil)

// NewMemoryPendingStore returns an empty store.
func NewMemoryPendingStore(opts MemoryOptions) *MemoryPendingStore {
	return &MemoryPendingStore{now: opts.clock(), max: opts.max(), entries: make(map[string]pendingEntry)}
}

// Put implements PendingStore. It keeps a copy of value.
func (m *MemoryPendingStore) Put(_ context.Context, key string, value []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return errors.New("web: Put: ttl must be positive")
	}
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[key]; ok && now.Before(e.until) {
		return fmt.Errorf("web: memory pending store: %w", ErrExists)
	}
	if !now.Before(m.nextSweep) || len(m.entries) >= m.max {
		m.sweepLocked(now)
	}
	if len(m.entries) >= m.max {
		return fmt.Errorf("web: memory pending store: %w", ErrStoreFull)
	}
	m.entries[key] = pendingEntry{value: append([]byte(nil), value...), until: now.Add(ttl)}
	return nil
}

// Take implements PendingStore.
func (m *MemoryPendingStore) Take(_ context.Context, key string) ([]byte, error) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok {
		return nil, nil
	}
	delete(m.entries, key)
	if !now.Before(e.until) {
		return nil, nil
	}
	return e.value, nil
}

// Len reports the number of entries held (expired ones not yet swept
// included); for tests and metrics.
func (m *MemoryPendingStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

func (m *MemoryPendingStore) sweepLocked(now time.Time) {
	for k, e := range m.entries {
		if !now.Before(e.until) {
			delete(m.entries, k)
		}
	}
	m.nextSweep = now.Add(memorySweepEvery)
}
