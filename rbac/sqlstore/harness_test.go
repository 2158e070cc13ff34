package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

// newSQLite opens a Store on a fresh SQLite file in the test's temp dir (a
// file, not ":memory:", so WAL and several connections are exercised).
func newSQLite(t testing.TB) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "rbac.db"))
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// postgresSchemaDSN creates a schema of its own for the test in the shared
// database `test` (other packages' tests run there in parallel), drops it at
// cleanup, and returns a DSN whose connections use it as search_path.
func postgresSchemaDSN(t testing.TB) string {
	t.Helper()
	dsn := testenv.PostgresDSN(t)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "rbac_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		testenv.Unavailable(t, "PostgreSQL", "create schema: "+err.Error())
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// newPostgres opens a migrated Store in a fresh schema.
func newPostgres(t testing.TB) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.OpenPostgres(context.Background(), postgresSchemaDSN(t))
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// requirePostgres ends the test early (skip, or failure under
// RPKIT_REQUIRE_INTEGRATION=1) when PostgreSQL is not there, before any
// subtest starts.
func requirePostgres(t testing.TB) {
	t.Helper()
	testenv.PostgresDSN(t)
}

func openPostgresDSN(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	return sqlstore.OpenPostgres(ctx, dsn)
}
