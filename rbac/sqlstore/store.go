package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
)

// Store is an rbac.Store on database/sql. It is safe for concurrent use;
// several Stores (in several processes) may share one database.
type Store struct {
	db     *sql.DB
	d      Dialect
	cfg    Config
	ownsDB bool

	// writeSem queues this Store's SQLite writers in Go; SQLite admits
	// one writer at a time anyway. Unused on PostgreSQL.
	writeSem chan struct{}
	jit      *jitter
	stats    counters
}

// New returns a Store on db, which must be a pool of the given dialect's
// driver ("sqlite" from modernc.org/sqlite, "pgx" from pgx/v5/stdlib). It
// does no I/O: call Migrate before first use (OpenSQLite and OpenPostgres
// do). The caller keeps ownership of db.
func New(db *sql.DB, d Dialect) (*Store, error) {
	return NewWithConfig(db, d, Config{})
}

// NewWithConfig is New with tuning; see Config.
func NewWithConfig(db *sql.DB, d Dialect, cfg Config) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlstore: nil *sql.DB")
	}
	if !d.Valid() {
		return nil, fmt.Errorf("sqlstore: unknown dialect %v", d)
	}
	return &Store{
		db:       db,
		d:        d,
		cfg:      cfg,
		writeSem: make(chan struct{}, 1),
		jit:      newJitter(),
	}, nil
}

// DB returns the pool the Store runs on.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the Store's SQL dialect.
func (s *Store) Dialect() Dialect { return s.d }

// Close closes the pool if the Store opened it (OpenSQLite, OpenPostgres);
// a pool passed to New is the caller's to close.
func (s *Store) Close() error {
	if s.ownsDB {
		return s.db.Close()
	}
	return nil
}
