package migrate

import (
	"context"

	"github.com/rpkit-vn/rpkit/rbac"
)

// Scope is what a mover moves: the rows owned by From, passed to To. With
// Subsystems set, a mover that knows which subsystem a row belongs to moves
// only those subsystems' rows; empty means every row.
type Scope struct {
	From, To   string
	Subsystems []rbac.SubsystemID
}

// Moved is what a mover moved, per table label: the keys of the rows, so
// that Restore puts back exactly those and no others.
type Moved map[string]MovedKeys

// MovedKeys are the primary keys of moved rows. Int says they were
// integers (restored as int64 so the database can use its index).
type MovedKeys struct {
	Int  bool     `json:"int,omitempty"`
	Keys []string `json:"keys"`
}

// Mover moves the application's data from one account to another. The
// converter calls it inside a database transaction on the application's
// database (q); it must do all its work through q, so that the move commits
// or rolls back with the rest.
//
// NewSQLMover is the ready implementation for tables that hold an account
// reference in a column.
type Mover interface {
	// Name identifies the mover in plans and the journal; it must not
	// change between runs (the journal refers to it).
	Name() string
	// Plan counts, per table, the rows s.From owns within s.Subsystems.
	Plan(ctx context.Context, q Querier, s Scope) (Counts, error)
	// Move passes those rows to s.To and returns their keys.
	Move(ctx context.Context, q Querier, s Scope) (Moved, error)
	// Restore passes the rows in m from s.To back to s.From. It fails with
	// an error wrapping ErrConflict if any of them is no longer s.To's.
	Restore(ctx context.Context, q Querier, s Scope, m Moved) error
	// Check counts, per table, how many of the rows in m s.To owns now
	// (Verify).
	Check(ctx context.Context, q Querier, s Scope, m Moved) (Counts, error)
}
