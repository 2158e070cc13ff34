package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/rpkit-vn/rpkit/internal/sqldialect"
	"github.com/rpkit-vn/rpkit/rbac"
)

// DBError is a failure of the database (or its driver) while the store was
// doing Op. Its message names the operation only: driver messages quote
// SQL, constraint and column names, sometimes row values, and an error's
// text travels — to logs, to problem+json details, to the actor. The
// driver's error stays in the chain for code that needs it: errors.As to
// *pgconn.PgError or *sqlite.Error, the retry loop's classification,
// errors.Is(err, context.Canceled). Log it with %+v of Unwrap, or errors.As.
type DBError struct {
	Op  string // what the store was doing: "put account u01", "commit"…
	Err error  // the driver's error
	// kind is the rbac sentinel the failure means (rbac.ErrConflict for a
	// duplicate key or broken reference), or nil.
	kind error
}

func (e *DBError) Error() string {
	msg := "rbac/sqlstore: " + e.Op + ": database error"
	if ctxErr := contextErr(e.Err); ctxErr != nil {
		msg = "rbac/sqlstore: " + e.Op + ": " + ctxErr.Error() // the caller's own doing, and safe
	}
	if e.kind != nil {
		return e.kind.Error() + ": " + msg
	}
	return msg
}

// Unwrap returns the rbac sentinel (if any) and the driver's error, so
// both errors.Is(err, rbac.ErrConflict) and errors.As(err, &pgErr) hold.
func (e *DBError) Unwrap() []error {
	if e.kind != nil {
		return []error{e.kind, e.Err}
	}
	return []error{e.Err}
}

func contextErr(err error) error {
	switch {
	case errors.Is(err, context.Canceled):
		return context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return context.DeadlineExceeded
	}
	return nil
}

// dbErr wraps a driver error from op; nil stays nil.
func dbErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return &DBError{Op: op, Err: err}
}

// fail turns a driver error from operation op into the error rbac expects:
// no row → rbac.ErrNotFound, duplicate key or broken reference →
// rbac.ErrConflict, anything else a *DBError. The driver error stays in
// the chain (never in the text), so the retry loop still recognises a
// serialization failure that the rbac layer wrapped on its way out.
//
// It also remembers a serialization failure on the transaction: after one,
// PostgreSQL has aborted the transaction, and whatever the caller does with
// the error, the only way on is to run it again.
func (c *conn) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	c.noteRetry(err)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: %s", rbac.ErrNotFound, op)
	case sqldialect.IsUniqueViolation(err), sqldialect.IsForeignKeyViolation(err):
		return &DBError{Op: op, Err: err, kind: rbac.ErrConflict}
	}
	return &DBError{Op: op, Err: err}
}

// noteRetry records the transaction's first serialization failure.
func (c *conn) noteRetry(err error) {
	if err != nil && c.retryErr == nil && sqldialect.IsRetryable(err) {
		c.retryErr = err
	}
}
