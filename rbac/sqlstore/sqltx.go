package sqlstore

import (
	"context"
	"database/sql"

	"github.com/rpkit-vn/rpkit/rbac"
)

// Querier is what *sql.DB, *sql.Tx and *sql.Conn have in common; SQLTx
// returns one so that an application's statements run inside rbac's
// transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// SQLTx returns the SQL transaction behind tx, when tx is a transaction of
// this package's Store.Update (ok is false for any other rbac.Tx, and for a
// View's read-only snapshot). An application whose tables live in the same
// database writes through q, and its rows commit or roll back together
// with the rights changes and the audit entries of the same Update.
// dialect is "sqlite" or "postgres" (Dialect.String): statements are sent
// as written, so use that dialect's placeholders ("?" or "$1").
//
// Why the transaction is handed out inside Update, rather than Update run
// on a transaction the caller began: the store's guarantees are made where
// the transaction is begun — SERIALIZABLE and the schema's write lock on
// PostgreSQL, BEGIN IMMEDIATE on SQLite, the retry loop on both — and a
// caller-owned *sql.Tx would have none of them (database/sql cannot even
// begin an IMMEDIATE SQLite transaction).
//
// What that means for the application's statements:
//
//   - Isolation: they run at the Update's isolation (PostgreSQL
//     SERIALIZABLE; SQLite's single writer) and see the Update's own
//     writes. On PostgreSQL, rbac's tables are found through the
//     connection's search_path; qualify the application's tables if they
//     live in another schema.
//   - Retries: Update may run its function again after a serialization
//     failure or deadlock (SQLSTATE 40001, 40P01), and the application's
//     statements are rolled back and run again with it. The function must
//     therefore keep no state outside the transaction that a second run
//     would double (reset such state at the top of the function), and do
//     nothing irreversible (no e-mail, no HTTP call) before Update returns.
//     A serialization failure of the application's own statements counts
//     too: q records it, so the Update is retried even if the function
//     swallowed the error (errors met while iterating *sql.Rows are seen
//     only through the error the function returns).
//   - rbac's own tables: change them only through tx's methods. The
//     transaction remembers what the rules read (subsystems, the unit
//     tree, accounts' memberships and super-admin units) and forgets it
//     when those methods write, not when q does.
//   - Ownership: the transaction is the store's. Never issue BEGIN,
//     COMMIT, ROLLBACK or SAVEPOINT through q, and never use q after the
//     function returns; the store commits when the function returns nil.
func SQLTx(t rbac.Tx) (q Querier, dialect string, ok bool) {
	st, isOurs := t.(*tx)
	if !isOurs || !st.write {
		return nil, "", false
	}
	return appQuerier{st.c}, st.c.d.String(), true
}

// appQuerier runs the application's statements on the transaction's
// connection, as written, and notes a serialization failure for the retry
// loop (see conn.fail).
type appQuerier struct{ c *conn }

func (a appQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	r, err := a.c.q.ExecContext(ctx, query, args...)
	a.c.noteRetry(err)
	return r, err
}

func (a appQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := a.c.q.QueryContext(ctx, query, args...)
	a.c.noteRetry(err)
	return rows, err
}

func (a appQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	row := a.c.q.QueryRowContext(ctx, query, args...)
	a.c.noteRetry(row.Err())
	return row
}

// Raw runs fn with the driver's connection under tx's SQL transaction —
// for PostgreSQL through pgx's database/sql driver, a *stdlib.Conn whose
// Conn method gives the *pgx.Conn — so that an application can send its
// statements in a form database/sql does not offer (a pgx.Batch: many
// statements in one round trip), still inside the Update's transaction.
// ok is false, and fn is not called, when tx is not a transaction of this
// package's Store.Update.
//
// Everything SQLTx says of the Querier holds for the connection, and
// more: fn must leave it as it found it — inside the transaction, no
// statement or batch still pending, nothing prepared or set that outlives
// fn — and must return any error a statement met (a serialization failure
// among them is recorded for the retry loop, as the Querier does). The
// Update then rolls back when the function returns that error.
func Raw(t rbac.Tx, fn func(driverConn any) error) (ok bool, err error) {
	st, isOurs := t.(*tx)
	if !isOurs || !st.write || st.c.raw == nil {
		return false, nil
	}
	err = st.c.raw.Raw(fn)
	st.c.noteRetry(err)
	return true, err
}
