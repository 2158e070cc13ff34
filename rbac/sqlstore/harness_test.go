package sqlstore_test

import (
	"context"
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

// postgresSchemaDSN returns a DSN whose search_path is a fresh schema of
// the test's own, dropped when the test ends.
func postgresSchemaDSN(t testing.TB) string { return testenv.PostgresSchema(t, "rbac_test") }

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
