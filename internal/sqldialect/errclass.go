package sqldialect

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The classifiers below read driver errors so that the packages above
// never have to import a driver's error type.

// pgCode returns the SQLSTATE of a PostgreSQL error, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// sqliteCode returns the extended SQLite result code, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// IsUniqueViolation reports a duplicate key: PostgreSQL 23505, SQLite
// SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY.
func IsUniqueViolation(err error) bool {
	if pgCode(err) == "23505" {
		return true
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}

// IsForeignKeyViolation reports a reference to a row that does not exist:
// PostgreSQL 23503, SQLite SQLITE_CONSTRAINT_FOREIGNKEY.
func IsForeignKeyViolation(err error) bool {
	return pgCode(err) == "23503" || sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// IsRetryable reports a failure that says nothing about the transaction's
// logic, only that it lost a race: PostgreSQL's serialization failure
// (40001) and deadlock (40P01), and SQLite's BUSY/LOCKED (primary code, the
// low byte of the extended one) once busy_timeout has run out. Running the
// whole transaction again is then correct.
func IsRetryable(err error) bool {
	switch pgCode(err) {
	case "40001", "40P01":
		return true
	}
	switch sqliteCode(err) & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return true
	}
	return false
}
