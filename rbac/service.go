package rbac

import (
	"context"
	"crypto/rand"
	"io"
	"slices"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Clock tells the time. Tests inject a fixed or stepping clock.
type Clock interface{ Now() time.Time }

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now implements Clock.
func (f ClockFunc) Now() time.Time { return f() }

// Config configures a Service. The zero value is usable: an in-memory
// store, no operators (nobody can appoint super admins), no directory (Add
// and super-admin requests fail with ErrInvalid), the system clock and
// crypto/rand.
type Config struct {
	// Store keeps the data; nil means a new MemoryStore.
	Store Store
	// Directory looks accounts up on Vnconnect. Only accounts it finds can
	// be added; super-admin requests resolve the agency's account through
	// it.
	Directory vnconnect.Directory
	// Operators are the TechIDs of the platform operator's accounts (the
	// Government Office, VPCP). They approve super-admin requests and are
	// the only ones who may remove the last super admin of a unit.
	Operators []string
	// Clock defaults to the system clock.
	Clock Clock
	// Rand is the source of request IDs; crypto/rand by default.
	Rand io.Reader
}

// Service applies the delegation rules on top of a Store. Every method that
// changes something takes the actor (a TechID) and a reason, re-checks the
// actor's rights inside the store transaction, and writes its audit entry
// in the same transaction. It is safe for concurrent use.
type Service struct {
	store     Store
	fast      FastReader // store's hot path, if it has one
	dir       vnconnect.Directory
	operators []string
	clock     Clock
	rand      io.Reader
}

// New returns a Service for cfg.
func New(cfg Config) (*Service, error) {
	s := &Service{store: cfg.Store, dir: cfg.Directory, clock: cfg.Clock, rand: cfg.Rand}
	if s.store == nil {
		s.store = NewMemoryStore()
	}
	s.fast, _ = s.store.(FastReader)
	if s.clock == nil {
		s.clock = ClockFunc(time.Now)
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	for _, op := range cfg.Operators {
		if op == "" {
			return nil, invalid("empty operator TechID")
		}
		s.operators = append(s.operators, op)
	}
	slices.Sort(s.operators)
	return s, nil
}

// Store returns the service's store (for read-only queries of the data).
func (s *Service) Store() Store { return s.store }

// IsOperator reports whether actor is a platform operator.
func (s *Service) IsOperator(actor string) bool {
	for _, op := range s.operators {
		if op == actor {
			return true
		}
	}
	return false
}

// now is the clock's time in the form every store round-trips: UTC,
// microsecond precision (PostgreSQL's timestamp resolution).
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// update runs fn in a store transaction after checking the reason.
func (s *Service) update(ctx context.Context, reason string, fn func(tx Tx) error) error {
	if reason == "" {
		return invalid("a reason is required")
	}
	return s.store.Update(ctx, fn)
}
