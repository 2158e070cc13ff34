// Package sqldialect is what rbac/sqlstore and migrate share about the two
// SQL databases rpkit runs on: the Dialect type, '?'-placeholder rebinding
// and the classification of driver errors. Both packages re-export Dialect
// and its constants; nothing outside rpkit imports this package.
package sqldialect

import (
	"strconv"
	"strings"
)

// Dialect names the SQL database behind a *sql.DB. Statements are written
// once, with '?' placeholders, and the dialect decides how they are sent
// (Rebind), so no value is ever spliced into SQL text.
type Dialect int

const (
	// SQLite is modernc.org/sqlite ("sqlite" driver; pure Go, no cgo).
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL through github.com/jackc/pgx/v5/stdlib ("pgx"
	// driver).
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

// Valid reports whether d is SQLite or Postgres.
func (d Dialect) Valid() bool { return d == SQLite || d == Postgres }

// Rebind turns '?' placeholders into the dialect's form: PostgreSQL wants
// $1, $2, …; SQLite takes '?' as written. It is a plain scan, so q must
// hold no '?' inside a string literal or quoted identifier — true of every
// statement rpkit builds (values are placeholders, identifiers validated).
func (d Dialect) Rebind(q string) string {
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
