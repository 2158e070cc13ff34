package migrate

import (
	"context"
	"fmt"
)

// The journal's tables live in the application's database, so that a
// journal step commits with the app rows it describes.
var journalSchema = []string{
	`CREATE TABLE IF NOT EXISTS rpkit_conversions (
		id TEXT PRIMARY KEY,
		kind TEXT NOT NULL,
		from_account TEXT NOT NULL,
		to_account TEXT NOT NULL,
		subsystems TEXT NOT NULL,
		actor TEXT NOT NULL,
		reason TEXT NOT NULL,
		state TEXT NOT NULL,
		plan TEXT NOT NULL,
		moved TEXT NOT NULL,
		error TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		updated_at BIGINT NOT NULL,
		done_at BIGINT NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS rpkit_conversions_from ON rpkit_conversions (from_account, state)`,
	`CREATE INDEX IF NOT EXISTS rpkit_conversions_state ON rpkit_conversions (state)`,
	// One row per account a conversion holds: the primary key is what makes
	// two conversions of the same account exclude each other, in any number
	// of processes.
	`CREATE TABLE IF NOT EXISTS rpkit_conversion_locks (
		account TEXT PRIMARY KEY,
		conversion_id TEXT NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS rpkit_bulk_rows (
		job TEXT NOT NULL,
		line INTEGER NOT NULL,
		username TEXT NOT NULL,
		ident TEXT NOT NULL,
		subsystem TEXT NOT NULL,
		tech_id TEXT NOT NULL,
		state TEXT NOT NULL,
		conversion_id TEXT NOT NULL,
		error TEXT NOT NULL,
		PRIMARY KEY (job, line)
	)`,
}

// Migrate creates the journal's tables in db if they are missing. It is
// safe to run at every start.
func Migrate(ctx context.Context, q Querier, d Dialect) error {
	if !d.valid() {
		return invalid("unknown dialect %v", d)
	}
	for _, s := range journalSchema {
		if _, err := q.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("migrate: schema: %w", err)
		}
	}
	return nil
}

// CreateLegacyTable creates SQLLegacy's default table, for applications
// that import their legacy accounts into it (and for tests).
func CreateLegacyTable(ctx context.Context, q Querier, d Dialect) error {
	boolType := "BOOLEAN"
	if d == SQLite {
		boolType = "INTEGER"
	}
	_, err := q.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS rpkit_legacy_accounts (
		username TEXT NOT NULL,
		subsystem TEXT NOT NULL,
		unit_id TEXT NOT NULL,
		group_id TEXT NOT NULL,
		password_hash TEXT NOT NULL,
		disabled `+boolType+` NOT NULL DEFAULT FALSE,
		converted_to TEXT,
		PRIMARY KEY (username, subsystem)
	)`)
	if err != nil {
		return fmt.Errorf("migrate: legacy schema: %w", err)
	}
	return nil
}
