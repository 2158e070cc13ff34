// Package migrate converts accounts — Chuyển đổi tài khoản in the
// platform's guidance: a legacy username/password account becomes a
// Vnconnect account, or one Vnconnect account's data and rights pass to
// another when staff change. "Both accounts must be in the same unit and
// user group"; afterwards the new holder checks the data is complete.
//
// # Model
//
// A Converter (New, Config) runs Requests. Plan is a dry run: every
// precondition checked and, per table, how many rows would move. Execute
// runs it; Verify proves the result; Revert undoes it within
// Config.RevertWindow, restoring the exact prior state (the moved rows'
// keys and both memberships are recorded). Refusals are
// *PreconditionError values with a stable Code: same-account,
// source-not-found, already-converted, target-not-found, target-inactive,
// target-not-vnconnect, unit-mismatch, group-mismatch, forbidden (rbac's
// Service.Can: change-unit on both accounts, grant of every role carried),
// in-flight (another conversion holds an account), revert-window.
//
// The application's data moves through Movers; NewSQLMover is the ready
// one for tables holding an account reference (identifiers validated and
// quoted, values always placeholders, UPDATE … RETURNING to record keys).
// Legacy credentials are disabled through LegacyAccounts (SQLLegacy).
//
// # Transactions and the journal
//
// Config.Transactions chooses the path. When rbac's store is
// rbac/sqlstore on the application's database, a conversion is one rbac
// Update (the shared path): sqlstore.SQLTx hands out the Update's SQL
// transaction, and in it the converter takes the lock rows, checks every
// precondition (rbac's Service.CanTx with ActConvert, so no grant changes
// between check and act), runs the movers, disables the legacy
// credentials, moves the memberships, appends the audit entry
// (Service.AuditTx) and writes the journal row, already done. It commits
// whole or not at all; Update may run the function again after a
// serialization failure, so nothing is kept from one run to the next.
// Revert and Verify run the same way.
//
// "The same database" is proven, not assumed: the zero value, TxAuto,
// writes a random row to Config.DB and looks for it from inside an rbac
// Update, once per Converter. Finding it is the only way to the shared
// path (a DSN comparison can be fooled both ways); TxShared fails with
// ErrNotShared instead of falling back, TxJournal never probes. The
// migrate.SQLTx interface is still honoured for other stores.
//
// Otherwise every conversion goes through the journal (tables created by
// Migrate in the application's database): planned → moved-app →
// moved-rights → done, each a committed step. A lock row per account
// (primary key) makes two conversions of one account exclude each other
// across processes, on both paths. A crash leaves the conversion in one
// state; Unfinished lists them and Resume carries them on (Rollback undoes
// one that stopped before its rights moved). The rbac step is made
// idempotent by looking for its own audit entry after the mark recorded
// when the step began.
//
// # Audit
//
// Every rights change (convert, revert) and every rollback is appended to
// rbac's hash-chained audit log in the same rbac transaction that makes
// the change (target "conversion:<id>"), so the chain neither misses nor
// invents a step. The app-side steps are timestamped in the journal row.
//
// # Bulk
//
// ParseCSV and ParseXLSX read a list (STT, username, CCCD/CMND or TechID,
// subsystem) into the same rows; ParseXLSX caps the file, checks the zip
// directory before excelize reads it and streams the first sheet's rows.
// Converter.Bulk looks each person up on Vnconnect, plans every row, then
// executes, committing each row's state; conversion IDs derive from the
// job and line, so a re-run after a crash continues and never converts
// twice. On the shared path a real run does not plan the list first: each
// row is planned inside the transaction that converts it, and
// BulkOptions.Batch rows (DefaultBulkBatch) share one transaction, their
// row states with them; a batch in which any row fails is rolled back and
// its rows run one by one, so each gets its own outcome. DryRun still
// plans the whole list.
//
// A batch pays its bookkeeping once, not per row, and sends what does
// not wait on an earlier answer together. On PostgreSQL through pgx (the
// store's transaction reached with sqlstore.Raw) each group below is one
// pgx.Batch, one round trip, inside the same transaction; elsewhere the
// same statements run one by one. In order: the look for the batch's
// journal IDs, the INSERT of its lock rows, the read of the legacy
// accounts and of the targets' row counts; rbac's reads ahead
// (sqlstore.PrefetchReads: holdings, accounts, subsystems, unit paths and
// the audit tail, so that every row's CanTx answers from the
// transaction's cache); then, every row's preconditions checked, the
// movers' UPDATE … RETURNING and the legacy UPDATE of every row; the audit
// entries chained in Go and appended in one statement (rbac's
// AuditBatchTx); last the journal rows, the DELETE of the lock rows and
// the row states. The first error in a group ends it and rolls the
// transaction back. What only a row's own run can answer — its journal
// row exists, an account in two rows, a row's actor converted by another
// row, a lock row held elsewhere — sends the batch row by row.
// TestBulkRoundTrips counts a batch of 20 at 9 round trips (the store's
// write lock and its release, BEGIN, the four groups, the audit INSERT,
// COMMIT), where the bare UPDATEs take 82; it was 98 before the
// pipelining, 80 of them the data UPDATEs.
//
// BenchmarkConvertBulk (PostgreSQL, accounts × 100 rows, batches of 20)
// runs beside BenchmarkBareUpdates, the baseline: the same four
// UPDATEs per account without rpkit, sent one by one as a developer
// without rpkit would, committed in the same batches, at READ COMMITTED.
// BenchmarkBareUpdatesSerializable is the same at the SERIALIZABLE
// isolation every rbac Update runs at; BenchmarkBareUpdatesPipelined sends
// each batch's UPDATEs as one pgx.Batch — not the baseline, but the floor
// for those statements, since Bulk pipelines its own. On an otherwise
// idle two-core machine, 7 interleaved runs of 1,000 accounts: medians
// BenchmarkConvertBulk 1.28 s, BenchmarkBareUpdates 1.16 s, serializable
// 1.54 s, pipelined 0.66 s — Bulk took a median 1.10× the time of the bare
// UPDATEs per run (single runs 0.95–1.51×), 0.81× the serializable ones
// and 1.9× the pipelined ones. Two interleaved runs of the 10,000
// accounts: 16.3 s and 17.3 s against 13.5 s and 15.6 s bare (1.20×,
// 1.11×) and 8.0 s and 7.2 s pipelined. Under load (load average 4–8)
// the 1,000-account median was 1.20× with single runs up to 2.3×. Before the
// pipelining, 5 such runs gave a median 2.1× the bare UPDATEs (earlier,
// 14 runs gave 1.6×). What remains is mostly the server's — predicate
// locking under SERIALIZABLE, the RETURNING of every moved key and the
// journal rows that record them — by elimination: a CPU profile of one
// run shows about 0.6 s of client CPU in 4 s, seeding included.
//
// # Self-service linking
//
// A Linker lets a person who has just logged in with Vnconnect prove a
// legacy account once with its username and password; the conversion then
// runs with the person as actor (no admin check; every other precondition
// holds). Hashes are checked by PasswordHashers (Bcrypt by default;
// SaltedSHA256 and PBKDF2SHA256 for formats an application carried over),
// in constant time. An unknown username and a wrong password give the same
// ErrBadCredentials after the same work (a comparison with DummyHash when
// there is no hash); an account's state is told only after the right
// password. Attempts are counted per username and per client network by
// Limiters (MemoryLimiter: a window, then lockouts that double) before
// anything is hashed or looked up.
//
// # Screens
//
// LookupLegacy ("Tra cứu tài khoản username/password") and GetFor serve
// rbac/adminapi's conversion routes: both answer only within the actor's
// scope.
//
// # Link page and shared limits
//
// LinkHandler is the page for self-service linking (GET a form, POST runs
// Link, then a redirect): CSRF from a CSRFGuard such as vnconnect/web's
// Handler, url-encoded bodies of bounded size only, no-store, 429 with
// Retry-After when limited, one message for an unknown username and a
// wrong password. RedisLimiter is the Limiter for several replicas: one
// Lua script per attempt on a hash with a TTL, the MemoryLimiter's
// semantics; a Redis failure refuses the attempt.
package migrate
