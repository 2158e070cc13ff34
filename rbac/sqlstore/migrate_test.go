package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

// eachDialect runs fn against a fresh, unmigrated database of each dialect.
func eachDialect(t *testing.T, fn func(t *testing.T, db *sql.DB, d sqlstore.Dialect)) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sql.Open("sqlite", t.TempDir()+"/m.db?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, db, sqlstore.SQLite)
	})
	t.Run("postgres", func(t *testing.T) {
		db, err := sql.Open("pgx", postgresSchemaDSN(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, db, sqlstore.Postgres)
	})
}

func versions(t *testing.T, db *sql.DB) []int {
	t.Helper()
	rows, err := db.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

func TestMigrateFreshAndRerun(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sql.DB, d sqlstore.Dialect) {
		ctx := context.Background()
		s, err := sqlstore.New(db, d)
		if err != nil {
			t.Fatal(err)
		}
		want := sqlstore.SchemaVersion(d)
		if want < 1 {
			t.Fatalf("SchemaVersion(%v) = %d", d, want)
		}
		for i := range 3 { // idempotent
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("Migrate #%d: %v", i+1, err)
			}
		}
		vs := versions(t, db)
		if len(vs) != want || vs[len(vs)-1] != want {
			t.Errorf("schema_migrations = %v, want 1..%d once each", vs, want)
		}
		// The schema is usable: every table the store uses is there.
		for _, table := range []string{"units", "subsystems", "accounts", "memberships", "membership_roles",
			"super_admins", "super_admin_requests", "audit_log"} {
			if _, err := db.Exec(`SELECT count(*) FROM ` + table); err != nil {
				t.Errorf("table %s: %v", table, err)
			}
		}
	})
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sql.DB, d sqlstore.Dialect) {
		ctx := context.Background()
		s, _ := sqlstore.New(db, d)
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		// A later rpkit migrated this database further.
		newer := sqlstore.SchemaVersion(d) + 1
		if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (`+
			map[sqlstore.Dialect]string{sqlstore.SQLite: "?", sqlstore.Postgres: "$1"}[d]+`, 'future', 'later')`, newer); err != nil {
			t.Fatal(err)
		}
		err := s.Migrate(ctx)
		if !errors.Is(err, sqlstore.ErrSchemaTooNew) {
			t.Fatalf("Migrate on a newer schema = %v, want ErrSchemaTooNew", err)
		}
		if vs := versions(t, db); vs[len(vs)-1] != newer {
			t.Errorf("schema_migrations changed: %v", vs)
		}
	})
}

// Several processes starting at once all migrate the same database: one
// applies the migrations, the others find them applied.
func TestMigrateConcurrently(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sql.DB, d sqlstore.Dialect) {
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, _ := sqlstore.New(db, d)
				errs[i] = s.Migrate(context.Background())
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("migrator %d: %v", i, err)
			}
		}
		if vs := versions(t, db); len(vs) != sqlstore.SchemaVersion(d) {
			t.Errorf("schema_migrations = %v", vs)
		}
	})
}
