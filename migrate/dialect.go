package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/rpkit-vn/rpkit/internal/sqldialect"
)

// Dialect names the SQL database the application's data lives in. The
// package writes each statement once and lets the dialect number the
// placeholders, so no value is ever spliced into SQL text.
//
// Its values and String are those of rbac/sqlstore's Dialect (both come
// from internal/sqldialect); it is still its own type, convertible to and
// from sqlstore.Dialect, not yet an alias of it.
type Dialect sqldialect.Dialect

const (
	// SQLite is modernc.org/sqlite ("sqlite" driver).
	SQLite = Dialect(sqldialect.SQLite)
	// Postgres is PostgreSQL through pgx/v5/stdlib ("pgx" driver).
	Postgres = Dialect(sqldialect.Postgres)
)

func (d Dialect) String() string { return sqldialect.Dialect(d).String() }

func (d Dialect) valid() bool { return sqldialect.Dialect(d).Valid() }

// rebind turns '?' placeholders into the dialect's form. Statements built
// here never hold '?' in a literal: identifiers are validated to
// [A-Za-z0-9_.] and every value is a placeholder.
func (d Dialect) rebind(q string) string { return sqldialect.Dialect(d).Rebind(q) }

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
//
// Deprecated: rbac/sqlstore hands out its transaction through
// sqlstore.SQLTx, which the converter uses first; this interface remains
// for other rbac stores.
type SQLTx interface {
	// SQLQuerier returns the transaction's handle and its dialect.
	SQLQuerier() (Querier, Dialect)
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

// The driver-error classifiers are sqldialect's (shared with rbac/sqlstore).
var (
	// isUniqueViolation reports a duplicate key on either database.
	isUniqueViolation = sqldialect.IsUniqueViolation
	// isRetryable reports a lost race that says nothing about the
	// conversion: PostgreSQL serialization failure/deadlock, SQLite busy.
	isRetryable = sqldialect.IsRetryable
)
