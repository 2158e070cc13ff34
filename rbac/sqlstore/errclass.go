package sqlstore

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The classifiers below read driver errors so that the rest of the package
// never has to: SQL failures are turned into rbac's sentinels at one place
// (mapErr) and retry decisions are taken at another (txrun).

// pgCode returns the SQLSTATE of a PostgreSQL error, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// sqliteCode returns the primary SQLite result code (the low byte of the
// extended code), or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// isUniqueViolation reports a duplicate key: PostgreSQL 23505, SQLite
// SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY.
func isUniqueViolation(err error) bool {
	if pgCode(err) == "23505" {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isForeignKeyViolation reports a reference to a row that does not exist.
func isForeignKeyViolation(err error) bool {
	if pgCode(err) == "23503" {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// isRetryable reports a failure that says nothing about the transaction's
// logic, only that it lost a race: PostgreSQL's serialization failure
// (40001) and deadlock (40P01), and SQLite's BUSY/LOCKED once busy_timeout
// has run out. Running the whole transaction again is then correct.
func isRetryable(err error) bool {
	switch pgCode(err) {
	case "40001", "40P01":
		return true
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return true
	}
	return false
}
