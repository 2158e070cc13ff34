package testenv

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// These tests are the check that `make test` made the machine ready: with
// RPKIT_REQUIRE_INTEGRATION=1 each fails when its component is missing.

func TestPostgresAnswers(t *testing.T) {
	if dsn := PostgresDSN(t); dsn == "" {
		t.Fatal("empty DSN")
	}
}

func TestRedisAnswersPing(t *testing.T) {
	if addr := RedisAddr(t); addr == "" {
		t.Fatal("empty address")
	}
}

func TestSoftHSM2ModulePresent(t *testing.T) {
	p := SoftHSM2Module(t)
	if filepath.Base(p) != "libsofthsm2.so" {
		t.Fatalf("module path %q is not libsofthsm2.so", p)
	}
}

func TestChromiumPresent(t *testing.T) {
	p := Chromium(t)
	if st, err := os.Stat(p); err != nil || st.IsDir() {
		t.Fatalf("chromium %q is not a file: %v", p, err)
	}
}

func TestSharedTestDataPresent(t *testing.T) {
	dir := SharedDir(t)
	for _, rel := range []string{"testdata/vgca/vgca-root-ca.cer", "testdata/pkits/vectors.json"} {
		if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
			t.Errorf("shared test data incomplete: %v", err)
		}
	}
}

func TestRedisPingRefusesNonRedis(t *testing.T) {
	// Port 1 on loopback has no listener: the probe must report an error, not hang.
	if err := pingRedis("127.0.0.1:1"); err == nil {
		t.Fatal("pingRedis succeeded against a closed port")
	}
}

func TestPostgresSchemaIsolatesAndDrops(t *testing.T) {
	var schema string
	t.Run("inner", func(t *testing.T) {
		dsn := PostgresSchema(t, "testenv_test")
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(schema, "testenv_test_") {
			t.Fatalf("current_schema %q, want testenv_test_…", schema)
		}
		if _, err := db.Exec("CREATE TABLE probe (x int)"); err != nil {
			t.Fatal(err)
		}
	})
	db, err := sql.Open("pgx", PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1", schema).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("schema %s still exists after the test", schema)
	}
}
