package sqldialect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	_ "modernc.org/sqlite"
)

func TestString(t *testing.T) {
	for d, want := range map[Dialect]string{SQLite: "sqlite", Postgres: "postgres", 0: "Dialect(0)", 7: "Dialect(7)"} {
		if got := d.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(d), got, want)
		}
	}
}

func TestValid(t *testing.T) {
	for d, want := range map[Dialect]bool{SQLite: true, Postgres: true, 0: false, 3: false, -1: false} {
		if got := d.Valid(); got != want {
			t.Errorf("Dialect(%d).Valid() = %v", int(d), got)
		}
	}
}

func TestRebind(t *testing.T) {
	for _, tc := range []struct {
		d       Dialect
		q, want string
	}{
		{Postgres, `SELECT a FROM t WHERE x = ? AND y IN (?, ?)`, `SELECT a FROM t WHERE x = $1 AND y IN ($2, $3)`},
		{Postgres, `SELECT 1`, `SELECT 1`},
		{Postgres, strings.Repeat("?,", 11) + "?", "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12"},
		{SQLite, `SELECT a FROM t WHERE x = ? AND y IN (?, ?)`, `SELECT a FROM t WHERE x = ? AND y IN (?, ?)`},
	} {
		if got := tc.d.Rebind(tc.q); got != tc.want {
			t.Errorf("%v.Rebind(%q) = %q, want %q", tc.d, tc.q, got, tc.want)
		}
	}
}

func TestClassifyPostgres(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("op: %w", &pgconn.PgError{Code: code}) }
	for _, tc := range []struct {
		err                   error
		unique, fk, retryable bool
	}{
		{pg("23505"), true, false, false},
		{pg("23503"), false, true, false},
		{pg("40001"), false, false, true},
		{pg("40P01"), false, false, true},
		{pg("23502"), false, false, false},
		{errors.New("23505"), false, false, false},
		{nil, false, false, false},
	} {
		if got := IsUniqueViolation(tc.err); got != tc.unique {
			t.Errorf("IsUniqueViolation(%v) = %v", tc.err, got)
		}
		if got := IsForeignKeyViolation(tc.err); got != tc.fk {
			t.Errorf("IsForeignKeyViolation(%v) = %v", tc.err, got)
		}
		if got := IsRetryable(tc.err); got != tc.retryable {
			t.Errorf("IsRetryable(%v) = %v", tc.err, got)
		}
	}
}

func TestClassifySQLite(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:classify?mode=memory&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, s := range []string{
		`CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT UNIQUE)`,
		`CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER NOT NULL REFERENCES p(id))`,
		`INSERT INTO p (id, name) VALUES (1, 'a')`,
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatal(s, err)
		}
	}
	_, errUnique := db.ExecContext(ctx, `INSERT INTO p (id, name) VALUES (2, 'a')`)
	_, errPK := db.ExecContext(ctx, `INSERT INTO p (id, name) VALUES (1, 'b')`)
	_, errFK := db.ExecContext(ctx, `INSERT INTO c (id, p) VALUES (1, 99)`)
	_, errNotNull := db.ExecContext(ctx, `INSERT INTO c (id, p) VALUES (2, NULL)`)
	for _, tc := range []struct {
		name       string
		err        error
		unique, fk bool
	}{
		{"unique", errUnique, true, false},
		{"primary key", errPK, true, false},
		{"foreign key", errFK, false, true},
		{"not null", errNotNull, false, false},
	} {
		if tc.err == nil {
			t.Fatalf("%s: no error", tc.name)
		}
		if got := IsUniqueViolation(tc.err); got != tc.unique {
			t.Errorf("%s: IsUniqueViolation(%v) = %v", tc.name, tc.err, got)
		}
		if got := IsForeignKeyViolation(tc.err); got != tc.fk {
			t.Errorf("%s: IsForeignKeyViolation(%v) = %v", tc.name, tc.err, got)
		}
		if IsRetryable(tc.err) {
			t.Errorf("%s: IsRetryable(%v) = true", tc.name, tc.err)
		}
	}
}
