package migrate_test

import (
	"context"
	"database/sql"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

// wireCount counts a pool's round trips to PostgreSQL — every turn from
// writing to the server to reading its answer, on any connection — and
// the statements pgx sends.
type wireCount struct {
	trips atomic.Int64
	mu    sync.Mutex
	stmts []string
}

func (w *wireCount) reset() (int64, []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.stmts
	w.stmts = nil

	return w.trips.Swap(0), s
}

func (w *wireCount) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	w.mu.Lock()
	w.stmts = append(w.stmts, d.SQL)
	w.mu.Unlock()
	return ctx
}

func (w *wireCount) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// tripConn is a net.Conn that counts write→read turns.
type tripConn struct {
	net.Conn
	w       *wireCount
	written bool
}

func (c *tripConn) Write(p []byte) (int, error) {
	c.written = true
	return c.Conn.Write(p)
}

func (c *tripConn) Read(p []byte) (int, error) {
	if c.written {
		c.written = false
		c.w.trips.Add(1)
	}
	return c.Conn.Read(p)
}

// openCounted opens a pgx pool on dsn whose round trips w counts.
func openCounted(t testing.TB, dsn string, w *wireCount) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	var d net.Dialer
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &tripConn{Conn: c, w: w}, nil
	}
	cfg.Tracer = w
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { db.Close() })
	return db
}

// TestBulkRoundTrips counts, on PostgreSQL's shared path, the round trips
// a batch of Bulk costs, and keeps them from growing back. (Statements
// sent in a pgx.Batch are not listed: the tracer sees only the others.)
func TestBulkRoundTrips(t *testing.T) {
	const batch = 20
	accounts := 8 * batch
	dsn := newPostgresSchema(t)
	var w wireCount
	db := openCounted(t, dsn, &w)
	db.SetMaxOpenConns(8)
	st, err := sqlstore.New(db, sqlstore.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	f := seedBenchOn(t, &backend{name: "postgres", d: migrate.Postgres, db: db, rbac: st, dsn: dsn, mode: migrate.TxShared}, accounts, true)
	rows := benchList(accounts)
	run := func(job string, rows []migrate.BulkRow) (int64, []string) {
		t.Helper()
		w.reset()
		rep, err := f.conv.Bulk(f.ctx, job, rows, migrate.BulkOptions{Actor: f.admin, Reason: job, Batch: batch})
		trips, stmts := w.reset()
		if err != nil || rep.Done != len(rows) {
			t.Fatalf("bulk %s: %v, done %d of %d, %+v", job, err, rep.Done, len(rows), firstRefused(rep))
		}
		return trips, stmts
	}
	// The first runs warm pgx's statement caches (whose statements' text
	// depends on a job's size), as the benchmark's thousands of batches
	// do; a job of one batch and one of three tell a batch's round trips
	// from the job's own.
	run("warm1", rows[:batch])
	run("warm3", rows[batch:4*batch])
	one, _ := run("one", rows[4*batch:5*batch])
	three, stmts := run("three", rows[5*batch:8*batch])
	perBatch := (three - one) / 2
	data := int64(4 * batch) // the bare benchmark's UPDATEs: three tables and the legacy account
	t.Logf("per batch of %d: %d round trips, where the bare benchmark makes %d (BEGIN, %d UPDATEs, COMMIT); a job of one batch: %d, of three: %d",
		batch, perBatch, data+2, data, one, three)
	if testing.Verbose() {
		for _, s := range stmts {
			s = strings.Join(strings.Fields(s), " ")
			t.Log("  ", s[:min(len(s), 110)])
		}
	}
	if perBatch > maxBatchTrips {
		t.Errorf("%d round trips per batch of %d, want at most %d", perBatch, batch, maxBatchTrips)
	}
}

// maxBatchTrips bounds a batch's round trips (TestBulkRoundTrips; 9
// measured): the write lock and its release, BEGIN, the journal check
// with the lock rows and the reads ahead of migrate, those of rbac with
// the audit tail, the data statements, the audit INSERT, the journal and
// row-state writes, COMMIT.
const maxBatchTrips = 12
