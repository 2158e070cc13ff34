package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// sqliteBusyTimeout is how long a connection waits for another one's write
// lock before SQLite answers SQLITE_BUSY. Writes from one Store already queue
// in Go (see Store.writeSem); this covers other processes on the same file.
const sqliteBusyTimeout = 5 * time.Second

// OpenSQLite opens (creating if needed) the SQLite database at path, brings
// its schema up to date and returns a Store that owns the connection pool:
// Close closes it.
//
// path is a file name, or ":memory:" for a private in-memory database (one
// connection, gone when the Store is closed — for tests and examples).
//
// Every connection runs with WAL journaling (readers never wait for the
// writer), foreign keys enforced, a busy timeout, and BEGIN IMMEDIATE for
// read-write transactions, so a write transaction holds the write lock from
// its first statement and never fails half-way on a lock upgrade.
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	db, err := openSQLiteDB(path)
	if err != nil {
		return nil, err
	}
	return openAndMigrate(ctx, db, SQLite)
}

// OpenPostgres connects to PostgreSQL with a pgx DSN (URL or key=value form),
// brings the schema up to date and returns a Store that owns the pool.
//
// The schema lives in the connection's search_path; to keep rpkit's tables
// apart, create a schema and name it in the DSN, e.g.
// "postgres://u@host/db?search_path=rbac".
func OpenPostgres(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open postgres: %w", err)
	}
	return openAndMigrate(ctx, db, Postgres)
}

func openAndMigrate(ctx context.Context, db *sql.DB, d Dialect) (*Store, error) {
	s, err := New(db, d)
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err == nil {
		err = s.Migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	s.ownsDB = true
	return s, nil
}

// openSQLiteDB opens the pool with the connection settings described on
// OpenSQLite. They are DSN parameters, so that every connection the pool
// opens later gets them too, not only the first.
func openSQLiteDB(path string) (*sql.DB, error) {
	if path == "" {
		return nil, errors.New("sqlstore: empty SQLite path (use \":memory:\" for an in-memory database)")
	}
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlstore: SQLite path %q must not contain '?'", path)
	}
	memory := path == ":memory:"
	params := []string{
		fmt.Sprintf("_pragma=busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()),
		"_pragma=foreign_keys(1)",
		"_txlock=immediate",
	}
	if !memory {
		// NORMAL is durable in WAL mode except for the last commits on a
		// power loss; it saves an fsync per transaction.
		params = append(params, "_pragma=journal_mode(WAL)", "_pragma=synchronous(NORMAL)")
	}
	db, err := sql.Open("sqlite", path+"?"+strings.Join(params, "&"))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	if memory {
		// Each connection to ":memory:" is a database of its own: keep
		// exactly one, and never let the pool close it while idle.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	}
	return db, nil
}
