package sqlstore

import "github.com/rpkit-vn/rpkit/internal/sqldialect"

// Dialect names the SQL database behind a *sql.DB. The store writes its
// queries once, with '?' placeholders, and the dialect decides how they are
// sent and which schema migrations apply. It is the same type as
// migrate's Dialect.
type Dialect = sqldialect.Dialect

const (
	// SQLite is modernc.org/sqlite (pure Go, no cgo), the embedded default.
	SQLite = sqldialect.SQLite
	// Postgres is PostgreSQL through github.com/jackc/pgx/v5/stdlib.
	Postgres = sqldialect.Postgres
)
