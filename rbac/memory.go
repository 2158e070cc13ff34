package rbac

import (
	"context"
	"sync"
)

// MemoryStore is the default Store: everything in memory, lost on exit.
//
// Concurrency: an Update holds the write lock for its whole run, so
// Updates serialise and readers never see a half-done transaction; View and
// the FastReader path share the read lock. Writes go straight to the maps
// and each one logs how to undo itself: a failing or panicking Update
// replays the log backwards and leaves no trace. That is cheaper than
// copying the maps (1M memberships) per write, and a rule check that reads
// what the same transaction wrote sees it.
type MemoryStore struct {
	mu sync.RWMutex
	st *memState
	ro ReadTx // st as a ReadTx, built once so AcquireRead does not allocate
}

var (
	_ Store      = (*MemoryStore)(nil)
	_ FastReader = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore() *MemoryStore {
	st := newMemState()
	return &MemoryStore{st: st, ro: st}
}

// View implements Store.
func (s *MemoryStore) View(ctx context.Context, fn func(tx ReadTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn(s.st)
}

// Update implements Store.
func (s *MemoryStore) Update(ctx context.Context, fn func(tx Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &memTx{memState: s.st}
	done := false
	defer func() {
		if !done { // fn panicked: undo, then let the panic go on
			tx.rollback()
		}
	}()
	err = fn(tx)
	if err == nil {
		// A cancelled context after fn is still a failure: the caller
		// will not learn that the transaction committed.
		err = ctx.Err()
	}
	if err != nil {
		tx.rollback()
	}
	done = true
	tx.undo = nil
	return err
}

// AcquireRead implements FastReader.
func (s *MemoryStore) AcquireRead() ReadTx {
	s.mu.RLock()
	return s.ro
}

// ReleaseRead implements FastReader.
func (s *MemoryStore) ReleaseRead() { s.mu.RUnlock() }

// memTx is a write transaction: the shared state plus an undo log.
type memTx struct {
	*memState
	undo []func()
}

func (tx *memTx) rollback() {
	for i := len(tx.undo) - 1; i >= 0; i-- {
		tx.undo[i]()
	}
	tx.undo = nil
}

func (tx *memTx) log(f func()) { tx.undo = append(tx.undo, f) }
