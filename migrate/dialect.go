package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the SQL database the application's data lives in. The
// package writes each statement once and lets the dialect number the
// placeholders, so no value is ever spliced into SQL text.
type Dialect int

const (
	// SQLite is modernc.org/sqlite ("sqlite" driver).
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL through pgx/v5/stdlib ("pgx" driver).
	Postgres
)

func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}

func (d Dialect) valid() bool { return d == SQLite || d == Postgres }

// Querier is what *sql.DB, *sql.Tx and *sql.Conn share: movers and legacy
// account stores run their statements through it, inside whichever
// transaction the converter opened.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// SQLTx is implemented by an rbac.Tx whose store keeps rbac's tables in the
// same database as the application's data. The converter then runs the
// whole conversion — app rows, rights, journal, audit — as one transaction.
// (rbac/sqlstore does not implement it yet; see doc.go.)
type SQLTx interface {
	// SQLQuerier returns the transaction's handle and its dialect.
	SQLQuerier() (Querier, Dialect)
}

// rebind turns '?' placeholders into the dialect's form. Statements built
// here never hold '?' in a literal: identifiers are validated to
// [A-Za-z0-9_.] and every value is a placeholder.
func (d Dialect) rebind(q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// placeholders returns "?, ?, …" n times.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// ErrIdentifier: a table or column name is not a plain SQL identifier.
var ErrIdentifier = errors.New("migrate: invalid SQL identifier")

// quoteIdent validates name (optionally schema-qualified: "s.t") and
// returns it double-quoted. Only [A-Za-z_][A-Za-z0-9_]* parts are accepted,
// so quoting can never be escaped out of; names come from the application's
// configuration, never from a request, but are checked all the same.
func quoteIdent(name string) (string, error) {
	parts := strings.Split(name, ".")
	if len(parts) > 2 {
		return "", fmt.Errorf("%w: %q", ErrIdentifier, name)
	}
	for i, p := range parts {
		if !identRE.MatchString(p) {
			return "", fmt.Errorf("%w: %q", ErrIdentifier, name)
		}
		parts[i] = `"` + p + `"`
	}
	return strings.Join(parts, "."), nil
}

// isUniqueViolation reports a duplicate key on either database.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isRetryable reports a lost race that says nothing about the conversion:
// PostgreSQL serialization failure/deadlock, SQLite busy.
func isRetryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}
