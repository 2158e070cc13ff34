package sqlstore

import (
	"context"
	"testing"
	"testing/fstest"
)

// A migration that fails leaves the database as it was: the migrations
// before it in the same run are not kept either.
func TestMigrateFailureKeepsNothing(t *testing.T) {
	db, err := openSQLiteDB(t.TempDir() + "/m.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, _ := New(db, SQLite)
	ms, err := loadMigrations(fstest.MapFS{
		"migrations/sqlite/0001_one.sql": {Data: []byte(`CREATE TABLE one (x INTEGER);`)},
		"migrations/sqlite/0002_two.sql": {Data: []byte(`CREATE TABLE two (x INTEGER); CREATE TABLE broken (;`)},
	}, SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.migrate(context.Background(), ms); err == nil {
		t.Fatal("a broken migration succeeded")
	}
	for _, table := range []string{"one", "two", "schema_migrations"} {
		var n int
		err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = ?`, table).Scan(&n)
		if err != nil || n != 0 {
			t.Errorf("table %s left behind (%d, %v)", table, n, err)
		}
	}
	// The good migration alone applies.
	if err := s.migrate(context.Background(), ms[:1]); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := db.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil || v != 1 {
		t.Errorf("version = %d, %v", v, err)
	}
}

func TestLoadMigrationsRejectsGaps(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"gap":       {"migrations/sqlite/0001_a.sql": {}, "migrations/sqlite/0003_c.sql": {}},
		"duplicate": {"migrations/sqlite/0001_a.sql": {}, "migrations/sqlite/1_b.sql": {}},
		"bad name":  {"migrations/sqlite/first.sql": {}},
	} {
		if _, err := loadMigrations(fsys, SQLite); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for _, d := range []Dialect{SQLite, Postgres} {
		if _, err := loadMigrations(migrationFiles, d); err != nil {
			t.Errorf("embedded %v migrations: %v", d, err)
		}
	}
}

func TestRebind(t *testing.T) {
	q := `SELECT a FROM t WHERE x = ? AND y IN (?, ?)`
	if got := Postgres.Rebind(q); got != `SELECT a FROM t WHERE x = $1 AND y IN ($2, $3)` {
		t.Errorf("Postgres.Rebind = %q", got)
	}
	if got := SQLite.Rebind(q); got != q {
		t.Errorf("SQLite.Rebind = %q", got)
	}
}
