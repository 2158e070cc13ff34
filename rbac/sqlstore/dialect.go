package sqlstore

import (
	"strconv"
	"strings"
)

// Dialect names the SQL database behind a *sql.DB. The store writes its
// queries once, with '?' placeholders, and the dialect decides how they are
// sent and which schema migrations apply.
type Dialect int

const (
	// SQLite is modernc.org/sqlite (pure Go, no cgo), the embedded default.
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL through github.com/jackc/pgx/v5/stdlib.
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

// rebind turns '?' placeholders into the dialect's form. PostgreSQL wants
// $1, $2, …; SQLite takes '?' as written. The store's queries hold no '?'
// inside string literals, so a plain scan is enough.
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
