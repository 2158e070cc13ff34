package sqlstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The schema is a numbered list of SQL files per dialect,
// migrations/<dialect>/NNNN_name.sql. A file, once released, is never
// edited: a change is a new file. Both dialects keep the same numbering so
// that a version means the same schema on either.
//
//go:embed migrations
var migrationFiles embed.FS

// ErrSchemaTooNew is returned by Migrate when the database was migrated by a
// newer rpkit than this one: running older code on it could corrupt data it
// does not understand, so the Store refuses.
var ErrSchemaTooNew = errors.New("sqlstore: database schema is newer than this rpkit supports")

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the dialect's files in version order and checks they
// run 1, 2, 3… with no gap or duplicate.
func loadMigrations(fsys fs.FS, d Dialect) ([]migration, error) {
	dir := path.Join("migrations", d.String())
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations for %v: %w", d, err)
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("sqlstore: migration file %q is not named NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlstore: %v migrations: want version %d, found %d (%s)", d, i+1, m.version, m.name)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this package writes and reads.
func SchemaVersion(d Dialect) int {
	ms, err := loadMigrations(migrationFiles, d)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// Migrate brings the database's schema up to this package's version. It is
// idempotent, and safe to run from several processes at once: all pending
// migrations and their schema_migrations rows are applied in one
// transaction (both dialects have transactional DDL), under a lock, so the
// schema is either wholly at the old version or wholly at the new one. It
// returns ErrSchemaTooNew if the database is ahead of this code.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := loadMigrations(migrationFiles, s.d)
	if err != nil {
		return err
	}
	return s.migrate(ctx, ms)
}

func (s *Store) migrate(ctx context.Context, ms []migration) error {
	if s.d == SQLite {
		// BEGIN IMMEDIATE already admits one migrator at a time.
		return s.write(ctx, func(c *conn) error { return s.applyMigrations(c, ms) })
	}
	// Concurrent migrators of one schema queue on a session lock taken
	// before their transaction begins, so that each one's snapshot sees
	// what the one before it committed (a lock taken inside the
	// transaction would leave it looking at the schema as it was).
	sc, unlock, err := s.sessionLock(ctx, migrateLockKey, false)
	if err != nil {
		return err
	}
	defer unlock()
	tx, err := sc.BeginTx(ctx, nil) // READ COMMITTED: DDL needs no more
	if err != nil {
		return fmt.Errorf("sqlstore: begin migration: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	if err := s.applyMigrations(&conn{ctx: ctx, q: tx, d: s.d}, ms); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit migration: %w", err)
	}
	return nil
}

const migrateLockKey = `hashtext('rpkit/rbac/sqlstore/migrate:' || current_schema())`

// applyMigrations runs, in the caller's transaction, the migrations the
// database has not seen.
func (s *Store) applyMigrations(c *conn, ms []migration) error {
	if _, err := c.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return fmt.Errorf("sqlstore: create schema_migrations: %w", err)
	}
	current, err := schemaVersion(c)
	if err != nil {
		return err
	}
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	if current > latest {
		return fmt.Errorf("%w: database at version %d, this code knows up to %d", ErrSchemaTooNew, current, latest)
	}
	for _, m := range ms[current:] {
		if _, err := c.exec(m.sql); err != nil {
			return fmt.Errorf("sqlstore: migration %04d_%s: %w", m.version, m.name, err)
		}
		if _, err := c.exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, s.cfg.now().UTC().Format(time.RFC3339Nano)); err != nil {
			return fmt.Errorf("sqlstore: record migration %d: %w", m.version, err)
		}
	}
	return nil
}

func schemaVersion(c *conn) (int, error) {
	var v int
	if err := c.queryRow(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlstore: read schema version: %w", err)
	}
	return v, nil
}
