// Package sqlstore is an rbac.Store on database/sql, for SQLite (the
// embedded default, modernc.org/sqlite — pure Go, no cgo) and PostgreSQL
// (github.com/jackc/pgx/v5/stdlib). It passes the same conformance suite as
// the memory store (rbac/rbactest).
//
//	store, err := sqlstore.OpenSQLite(ctx, "/var/lib/app/rbac.db")
//	// or: sqlstore.OpenPostgres(ctx, "postgres://app@db/app?search_path=rbac")
//	// or, on a pool you opened: sqlstore.New(db, sqlstore.Postgres) + store.Migrate(ctx)
//	svc, err := rbac.New(rbac.Config{Store: store, Directory: dir, Operators: ops})
//
// # Schema and migrations
//
// The schema is embedded as numbered SQL files per dialect
// (migrations/sqlite, migrations/postgres; one numbering for both) and
// recorded in a schema_migrations table. Migrate applies whatever is
// missing in one transaction, so a failed migration leaves the previous
// schema intact; it is idempotent, safe to run from several processes at
// once (PostgreSQL: an advisory lock per schema; SQLite: BEGIN IMMEDIATE),
// and refuses with ErrSchemaTooNew a database that a newer rpkit migrated.
//
// Tables: units, subsystems, accounts, memberships, membership_roles,
// member_name_words (PostgreSQL), super_admins, super_admin_requests, audit_log. Two denormalisations make
// the hot queries single index ranges:
//
//   - units.path is a materialised path of store-internal ids,
//     "/1/17/230/", so a unit's subtree is the range [path, path with its
//     last '/' replaced by '0'). Memberships carry their unit's path
//     (unit_path), so "users within my scope" needs no join. A move
//     rewrites the paths of the moved subtree — rare, and paid there.
//   - membership_roles repeats each grant's role, level and granter, for
//     the role filter and for "what did this actor grant". The grants
//     themselves round-trip as JSON on the membership row.
//
// Names are searched through accounts.name_folded, " " + vnid.FoldName:
// the pattern "% w1% w2%" is exactly vnid.NameContains, so filtering and
// paging happen in SQL. On PostgreSQL the table member_name_words (one row
// per word of name_folded, kept by PutAccount) turns each query word into a
// btree prefix range that narrows the candidates before that LIKE decides,
// and ListMemberships plans its query for the actual scope and filters
// (plan_cache_mode = force_custom_plan for its transaction): a cached
// generic plan cannot tell a commune from the country. Times are stored as Unix nanoseconds and read back
// in UTC. PostgreSQL text keys are COLLATE "C", so every ORDER BY is byte
// order like the memory store's.
//
// # Transactions, isolation, retries
//
// View runs in a read-only snapshot (PostgreSQL REPEATABLE READ READ ONLY;
// SQLite a deferred read transaction, which in WAL mode never waits for the
// writer).
//
// Update runs its function in one transaction, and the audit entry it
// appends commits with the rest or not at all.
//
//   - SQLite: BEGIN IMMEDIATE, issued by the store on a pooled connection
//     whatever the DSN says, so a write transaction holds the write lock
//     from its first statement; writers of one Store queue in Go first.
//     OpenSQLite sets WAL, foreign keys, a busy timeout and synchronous=
//     NORMAL on every connection.
//   - PostgreSQL: SERIALIZABLE. A serialization failure or deadlock
//     (SQLSTATE 40001, 40P01) runs the whole function again, with
//     exponential backoff and full jitter, up to Config.MaxAttempts (10).
//     rbac's mutations all extend one audit chain, so under contention
//     they would keep aborting each other; writers therefore meet on an
//     advisory lock of the schema, taken before BEGIN: shared for the
//     first Config.LockAfter (2) attempts, which run concurrently and may
//     abort each other, exclusive after that, which runs alone and cannot
//     lose again.
//
// Because of retries the function given to Update may run more than once:
// it must have no effect outside its transaction (rbac.Store says the
// same). A serialization failure that the function swallowed still causes
// a retry. Stats counts attempts, retries and exclusive-lock attempts.
//
// Driver errors become rbac's sentinels: no row → rbac.ErrNotFound,
// duplicate key or broken reference → rbac.ErrConflict. Every driver
// failure is a *DBError whose message names the store's operation only
// ("rbac/sqlstore: put account u01: database error"): driver messages
// quote SQL, constraint names and values, and error text travels to logs
// and problem details. The driver error stays in the chain (errors.As to
// *pgconn.PgError or *sqlite.Error; the retry loop reads it there).
//
// # The application's tables in rbac's transaction
//
// SQLTx returns the SQL transaction behind an Update's rbac.Tx, so that an
// application keeping its tables in the same database writes them in the
// same transaction as the rights (rbac.Service.CanTx to check, AuditTx to
// record). The transaction stays the store's — its isolation, write lock
// and retries apply to the application's statements too, and a retried
// Update runs them again; SQLTx's comment says what that asks of the
// caller. A caller about to check many accounts in one Update (a bulk
// conversion's batch) reads their holdings and accounts ahead with
// Prefetch, one query each instead of one per check; PrefetchReads adds
// the subsystems and unit paths the checks read and the audit tail, and
// on PostgreSQL sends all its queries as one pgx.Batch. Raw hands out the
// driver's connection under the transaction (pgx's, on PostgreSQL) for an
// application's own pipelined statements. Inside one Update the audit
// log's tail is read once: the appends after LastAudit chain to what it
// read.
//
// # PostgreSQL
//
// The store uses the connection's search_path; give it a schema of its own
// through the DSN ("?search_path=rbac" with pgx, which passes unknown
// parameters as run-time settings). Tests do exactly that, one fresh schema
// per test in the shared database `test`:
//
//	make test    # PostgreSQL on 127.0.0.1:5432, RPKIT_REQUIRE_INTEGRATION=1
//	RPKIT_POSTGRES_DSN=postgres://u@host/db go test ./rbac/sqlstore
//
// A plain `go test` skips the PostgreSQL tests when no server answers.
// BenchmarkListManagedUsers loads a national-scale dataset (100k units,
// 1M memberships) with COPY and measures the first page of 50:
//
//	go test ./rbac/sqlstore -run '^$' -bench ListManagedUsers -benchtime 200x
package sqlstore
