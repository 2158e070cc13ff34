package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"regexp"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// schemaPrefix keeps schema names plain identifiers: they are spliced into
// CREATE/DROP SCHEMA, which take no placeholders.
var schemaPrefix = regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}$`)

// PostgresSchema makes a schema of the test's own in the test database,
// named prefix plus a random suffix, drops it (CASCADE) when the test ends,
// and returns a DSN whose search_path names it: tests that share the
// database never see each other's tables. Without PostgreSQL it ends the
// test through Unavailable.
func PostgresSchema(t testing.TB, prefix string) string {
	t.Helper()
	if !schemaPrefix.MatchString(prefix) {
		t.Fatalf("testenv: schema prefix %q is not a plain lower-case identifier", prefix)
	}
	dsn := PostgresDSN(t)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("testenv: open postgres: %v", err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := prefix + "_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		Unavailable(t, "PostgreSQL", "create schema: "+err.Error())
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("testenv: drop schema %s: %v", schema, err)
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
