package migrate_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
	"golang.org/x/crypto/bcrypt"
)

// backend is one database under test: the app's pool and an rbac store
// of the same kind (SQLite: its own file; PostgreSQL: the same schema).
type backend struct {
	name string
	d    migrate.Dialect
	db   *sql.DB
	rbac *sqlstore.Store
	dsn  string // PostgreSQL DSN or SQLite directory, for child processes
	// mode is the converters' Config.Transactions: TxShared where app and
	// rbac share one database (PostgreSQL's schema, SQLite's one file),
	// so that a test there really runs the shared path.
	mode migrate.TxMode
}

func sqliteDSN(path string) string {
	return path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"
}

func newSQLiteBackend(t testing.TB) *backend {
	t.Helper()
	dir := t.TempDir()
	return openSQLiteBackend(t, dir)
}

func openSQLiteBackend(t testing.TB, dir string) *backend {
	t.Helper()
	return openSQLiteFiles(t, dir, "app.db", "rbac.db", migrate.TxAuto)
}

// newSQLiteSharedBackend keeps the app's tables and rbac's in one file.
func newSQLiteSharedBackend(t testing.TB) *backend {
	t.Helper()
	return openSQLiteFiles(t, t.TempDir(), "app.db", "app.db", migrate.TxShared)
}

func openSQLiteFiles(t testing.TB, dir, app, rbacFile string, mode migrate.TxMode) *backend {
	t.Helper()
	db, err := sql.Open("sqlite", sqliteDSN(filepath.Join(dir, app)))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(4)
	st, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(dir, rbacFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(); db.Close() })
	return &backend{name: "sqlite", d: migrate.SQLite, db: db, rbac: st, dsn: dir, mode: mode}
}

// newPostgresBackend makes a schema of the test's own in the shared test
// database and drops it afterwards. App and rbac share it, so the
// converters take the shared path (TxShared).
func newPostgresBackend(t testing.TB) *backend {
	t.Helper()
	return newPostgresBackendMode(t, migrate.TxShared)
}

func newPostgresBackendMode(t testing.TB, mode migrate.TxMode) *backend {
	t.Helper()
	pb := openPostgresBackend(t, newPostgresSchema(t))
	pb.mode = mode
	return pb
}

// newPostgresSchema returns a DSN whose search_path is a schema of the
// test's own in the shared test database, dropped afterwards.
func newPostgresSchema(t testing.TB) string { return testenv.PostgresSchema(t, "migrate_test") }

func openPostgresBackend(t testing.TB, dsn string) *backend {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(8)
	st, err := sqlstore.OpenPostgres(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(); db.Close() })
	return &backend{name: "postgres", d: migrate.Postgres, db: db, rbac: st, dsn: dsn}
}

// eachBackend runs fn on SQLite and on PostgreSQL, each through the
// journal and on the shared path. The journal on SQLite comes from two
// files (TxAuto's probe finds them apart), on PostgreSQL from TxJournal.
func eachBackend(t *testing.T, fn func(t *testing.T, b *backend)) {
	t.Run("sqlite-journal", func(t *testing.T) { t.Parallel(); fn(t, newSQLiteBackend(t)) })
	t.Run("sqlite-shared", func(t *testing.T) { t.Parallel(); fn(t, newSQLiteSharedBackend(t)) })
	t.Run("postgres-journal", func(t *testing.T) { t.Parallel(); fn(t, newPostgresBackendMode(t, migrate.TxJournal)) })
	t.Run("postgres-shared", func(t *testing.T) { t.Parallel(); fn(t, newPostgresBackendMode(t, migrate.TxShared)) })
}

// appSchema is the sample application: PAKN-like petitions (scoped by
// subsystem), replies, and files keyed by text IDs.
func appSchema(b *backend) []string {
	id := "INTEGER PRIMARY KEY"
	if b.d == migrate.Postgres {
		id = "BIGSERIAL PRIMARY KEY"
	}
	return []string{
		`CREATE TABLE documents (id ` + id + `, owner TEXT NOT NULL, subsystem TEXT NOT NULL, title TEXT NOT NULL)`,
		`CREATE INDEX documents_owner ON documents (owner)`,
		`CREATE TABLE replies (id ` + id + `, author TEXT NOT NULL, body TEXT NOT NULL)`,
		`CREATE INDEX replies_author ON replies (author)`,
		`CREATE TABLE files (key TEXT PRIMARY KEY, uploaded_by TEXT NOT NULL)`,
		`CREATE INDEX files_by ON files (uploaded_by)`,
	}
}

var appTables = []migrate.Table{
	{Name: "documents", Owner: "owner", Subsystem: "subsystem"},
	{Name: "replies", Owner: "author"},
	{Name: "files", Owner: "uploaded_by", Key: "key"},
}

// fixture is a world with a converter.
type fixture struct {
	t     testing.TB
	ctx   context.Context
	b     *backend
	w     *rbactest.World
	conv  *migrate.Converter
	admin string // super admin of Nghệ An
	clock *fakeClock
}

func newFixture(t testing.TB, b *backend) *fixture {
	t.Helper()
	ctx := context.Background()
	for _, s := range appSchema(b) {
		mustExec(t, b.db, s)
	}
	if err := migrate.Migrate(ctx, b.db, b.d); err != nil {
		t.Fatal(err)
	}
	if err := migrate.CreateLegacyTable(ctx, b.db, b.d); err != nil {
		t.Fatal(err)
	}
	w := rbactest.NewWorld(t, b.rbac)
	f := &fixture{t: t, ctx: ctx, b: b, w: w, admin: w.Super("p-na"), clock: newFakeClock()}
	f.conv = f.converter(0)
	return f
}

func (f *fixture) converter(window int64) *migrate.Converter {
	f.t.Helper()
	mv, err := migrate.NewSQLMover("app", f.b.d, appTables...)
	if err != nil {
		f.t.Fatal(err)
	}
	leg, err := migrate.NewSQLLegacy(f.b.d, migrate.LegacyTable{})
	if err != nil {
		f.t.Fatal(err)
	}
	c, err := migrate.New(migrate.Config{DB: f.b.db, Dialect: f.b.d, RBAC: f.w.Svc, Directory: f.w.Dir, Legacy: leg,
		Movers: []migrate.Mover{mv}, Clock: f.clock, RevertWindow: durationHours(window), Transactions: f.b.mode})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func mustExec(t testing.TB, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if f.b.d == migrate.Postgres {
		q = pgRebind(q)
	}
	mustExec(f.t, f.b.db, q, args...)
}

func pgRebind(q string) string {
	out, n := []byte{}, 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			out = append(out, fmt.Sprintf("$%d", n)...)
			continue
		}
		out = append(out, q[i])
	}
	return string(out)
}

// seedData gives owner n documents per subsystem in subs, n replies and
// n files.
func (f *fixture) seedData(owner string, n int, subs ...rbac.SubsystemID) {
	f.t.Helper()
	for _, s := range subs {
		for i := range n {
			f.exec(`INSERT INTO documents (owner, subsystem, title) VALUES (?, ?, ?)`, owner, string(s), fmt.Sprintf("đơn %d", i))
		}
	}
	for i := range n {
		f.exec(`INSERT INTO replies (author, body) VALUES (?, ?)`, owner, fmt.Sprintf("trả lời %d", i))
		f.exec(`INSERT INTO files (key, uploaded_by) VALUES (?, ?)`, fmt.Sprintf("%s-f%d", owner, i), owner)
	}
}

// owned counts owner's rows per table.
func (f *fixture) owned(owner string) [3]int {
	f.t.Helper()
	var out [3]int
	for i, q := range []string{`SELECT COUNT(*) FROM documents WHERE owner = ?`, `SELECT COUNT(*) FROM replies WHERE author = ?`,
		`SELECT COUNT(*) FROM files WHERE uploaded_by = ?`} {
		if f.b.d == migrate.Postgres {
			q = pgRebind(q)
		}
		if err := f.b.db.QueryRow(q, owner).Scan(&out[i]); err != nil {
			f.t.Fatal(err)
		}
	}
	return out
}

var legacyHash = func() string {
	h, err := bcrypt.GenerateFromPassword([]byte("matkhau-cu"), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}()

// legacy saves a username/password account on sub in unit/group.
func (f *fixture) legacy(user string, sub rbac.SubsystemID, unit rbac.UnitID, group rbac.GroupID) {
	f.t.Helper()
	f.exec(`INSERT INTO rpkit_legacy_accounts (username, subsystem, unit_id, group_id, password_hash, disabled) VALUES (?, ?, ?, ?, ?, ?)`,
		user, string(sub), string(unit), string(group), legacyHash, false)
}

// member saves person i to sub in unit, activated, in group.
func (f *fixture) member(i int, sub rbac.SubsystemID, unit rbac.UnitID, group rbac.GroupID) string {
	f.t.Helper()
	id := f.w.Member(f.admin, i, sub, unit)
	if group != "" {
		_, err := f.w.Svc.SetGroup(f.ctx, f.admin, id, sub, group, "nhóm")
		f.w.Must(err)
	}
	return id
}

func (f *fixture) membership(id string, sub rbac.SubsystemID) (rbac.Membership, error) {
	var m rbac.Membership
	err := f.b.rbac.View(f.ctx, func(tx rbac.ReadTx) error {
		var err error
		m, err = tx.Membership(id, sub)
		return err
	})
	return m, err
}
