package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rpkit-vn/rpkit/internal/sqldialect"
)

// querier is what *sql.Tx and *sql.Conn have in common: the statements of a
// transaction go through it whichever way the transaction was begun.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn is one transaction's handle: its statements, rebound for the dialect.
type conn struct {
	ctx context.Context
	q   querier
	d   Dialect
	// retryErr is the first serialization failure seen in this
	// transaction (see fail).
	retryErr error
	// raw is the connection a write transaction runs on (Raw); nil for
	// reads.
	raw *sql.Conn
}

// outcome is the error a transaction attempt ends with: err, unless the
// transaction met a serialization failure on the way, in which case that
// failure must stay visible to the retry loop even if the body swallowed
// or replaced it.
func (c *conn) outcome(err error) error {
	if err == nil || c.retryErr == nil || sqldialect.IsRetryable(err) {
		return err
	}
	return fmt.Errorf("%w (transaction aborted: %w)", err, dbErr("serialization failure", c.retryErr))
}

func (c *conn) exec(query string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(c.ctx, c.d.Rebind(query), args...)
}

func (c *conn) query(query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(c.ctx, c.d.Rebind(query), args...)
}

func (c *conn) queryRow(query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(c.ctx, c.d.Rebind(query), args...)
}

// errRollback is returned by a transaction body that wants its work undone
// without reporting an error of its own (used by the migration runner).
var errRollback = errors.New("sqlstore: rollback")

// write runs fn in one read-write transaction and commits it, running it
// again from the start when the database reports that it lost a race with a
// concurrent transaction (see sqldialect.IsRetryable). fn must therefore
// have no effect outside the transaction: it may be called more than once.
func (s *Store) write(ctx context.Context, fn func(c *conn) error) error {
	var err error
	for attempt := 0; ; attempt++ {
		s.stats.attempts.Add(1)
		err = s.writeOnce(ctx, attempt, fn)
		if err == nil || !sqldialect.IsRetryable(err) || attempt+1 >= s.cfg.maxAttempts() {
			break
		}
		s.stats.retries.Add(1)
		t := time.NewTimer(s.backoff(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("sqlstore: giving up after %d attempts: %w (last: %w)", attempt+1, ctx.Err(), err)
		case <-t.C:
		}
	}
	if err != nil && sqldialect.IsRetryable(err) {
		s.stats.exhausted.Add(1)
	}
	return err
}

func (s *Store) writeOnce(ctx context.Context, attempt int, fn func(c *conn) error) (err error) {
	if s.d == SQLite {
		return s.writeSQLite(ctx, fn)
	}
	// SERIALIZABLE: PostgreSQL detects every read/write dependency cycle
	// between concurrent transactions and aborts one with 40001, so the
	// rights an Update checks are still true when it commits — without
	// the store having to know which rows to lock.
	//
	// That is optimistic, and rbac's writes all append to one audit chain,
	// so under contention they conflict with each other every time; a
	// writer could lose again and again. So writers meet on a PostgreSQL
	// advisory lock of the schema, taken before BEGIN (so that the
	// snapshot follows it): optimistic attempts hold it shared and run
	// side by side; after Config.LockAfter failed attempts a writer asks
	// for it exclusive, waits for the running attempts to finish, holds
	// off new ones, and runs alone — it cannot lose again. Progress is
	// guaranteed; the uncontended write pays two short statements.
	//
	// The transaction runs on a *sql.Conn of its own either way, so that
	// Raw can reach the driver's connection under it.
	var sc *sql.Conn
	if s.cfg.LockAfter >= 0 {
		exclusive := attempt >= s.cfg.lockAfter()
		if exclusive {
			s.stats.locked.Add(1)
		}
		lc, unlock, err := s.sessionLock(ctx, writeLockKey, !exclusive)
		if err != nil {
			return err
		}
		defer unlock()
		sc = lc
	} else {
		if sc, err = s.db.Conn(ctx); err != nil {
			return dbErr("connection", err)
		}
		defer sc.Close()
	}
	tx, err := sc.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return dbErr("begin", err)
	}
	committed := false
	defer func() {
		if !committed { // fn failed or panicked: keep nothing
			_ = tx.Rollback()
		}
	}()
	c := &conn{ctx: ctx, q: tx, d: s.d, raw: sc}
	if err := fn(c); err != nil {
		return c.outcome(err)
	}
	if err := tx.Commit(); err != nil {
		return c.outcome(dbErr("commit", err))
	}
	committed = true
	return nil
}

// writeLockKey names the advisory lock of this schema's writers: one per
// schema, so stores in other schemas of the same database do not queue
// behind each other.
const writeLockKey = `hashtext('rpkit/rbac/sqlstore/write:' || current_schema())`

// sessionLock takes the advisory lock key (an SQL expression) on a
// connection of its own — a session lock, taken before BEGIN so that the
// transaction's snapshot follows it — and returns the connection and the
// function that releases both.
func (s *Store) sessionLock(ctx context.Context, key string, shared bool) (*sql.Conn, func(), error) {
	lock, unlock := "pg_advisory_lock", "pg_advisory_unlock"
	if shared {
		lock, unlock = "pg_advisory_lock_shared", "pg_advisory_unlock_shared"
	}
	sc, err := s.db.Conn(ctx)
	if err != nil {
		return nil, nil, dbErr("connection", err)
	}
	if _, err := sc.ExecContext(ctx, `SELECT `+lock+`(`+key+`)`); err != nil {
		sc.Close()
		return nil, nil, dbErr("write lock", err)
	}
	return sc, func() {
		if _, err := sc.ExecContext(context.WithoutCancel(ctx), `SELECT `+unlock+`(`+key+`)`); err != nil {
			// A connection still holding the lock must not go back to
			// the pool: closing it releases the lock.
			_ = sc.Raw(func(any) error { return driver.ErrBadConn })
		}
		sc.Close()
	}, nil
}

// writeSQLite runs fn between BEGIN IMMEDIATE and COMMIT on one pooled
// connection. IMMEDIATE takes the database's write lock up front: a deferred
// transaction that reads first and writes later can fail on the lock upgrade
// with SQLITE_BUSY that busy_timeout does not cover. Issuing BEGIN ourselves
// (rather than relying on the DSN's _txlock) keeps that true for a *sql.DB
// the caller opened. Writers of this Store queue on writeSem first, so they
// wait in Go, honouring ctx, instead of in SQLite's busy loop.
func (s *Store) writeSQLite(ctx context.Context, fn func(c *conn) error) (err error) {
	select {
	case s.writeSem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.writeSem }()

	sc, err := s.db.Conn(ctx)
	if err != nil {
		return dbErr("connection", err)
	}
	defer sc.Close()
	if _, err := sc.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return dbErr("begin", err)
	}
	committed := false
	defer func() {
		if committed {
			return
		}
		// The caller's ctx may be what ended the transaction: roll back
		// regardless. A connection that cannot roll back is discarded
		// rather than handed, mid-transaction, to the next user.
		if _, rbErr := sc.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil && !noTxActive(rbErr) {
			_ = sc.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	c := &conn{ctx: ctx, q: sc, d: s.d, raw: sc}
	if err := fn(c); err != nil {
		return c.outcome(err)
	}
	if _, err := sc.ExecContext(ctx, "COMMIT"); err != nil {
		return c.outcome(dbErr("commit", err))
	}
	committed = true
	return nil
}

// read runs fn in a read-only transaction: one consistent snapshot for all
// its statements (PostgreSQL REPEATABLE READ; SQLite's deferred read
// transaction in WAL mode). Neither can fail with a serialization error, so
// reads are never retried.
func (s *Store) read(ctx context.Context, fn func(c *conn) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.d == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return dbErr("begin read", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	return fn(&conn{ctx: ctx, q: tx, d: s.d})
}

// noTxActive reports SQLite's answer to a ROLLBACK after SQLite already
// rolled the transaction back itself (as it does on some errors).
func noTxActive(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no transaction is active")
}

// stmt is one query of a batch (conn.batch): its rows go to read.
type stmt struct {
	op    string // for errors, as fail's
	query string // as written, rebound by batch
	args  []any
	read  func(rows rowScanner) error
}

// rowScanner is what *sql.Rows and pgx.Rows have in common.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// batch runs ss in order, each read in full before the next answer is.
// In a write transaction on PostgreSQL through pgx, they go as one
// pgx.Batch on the transaction's connection (one round trip); otherwise
// one by one. The first error ends it, through fail.
func (c *conn) batch(ss []stmt) error {
	if len(ss) > 1 && c.raw != nil && c.d == Postgres {
		var op string
		err := c.raw.Raw(func(dc any) error {
			pc, ok := dc.(interface{ Conn() *pgx.Conn })
			if !ok {
				return errNotPgx
			}
			b := &pgx.Batch{}
			for _, s := range ss {
				b.Queue(c.d.Rebind(s.query), s.args...)
			}
			br := pc.Conn().SendBatch(c.ctx, b)
			for _, s := range ss {
				op = s.op
				rows, err := br.Query()
				if err == nil {
					err = s.read(rows)
					rows.Close()
					if err == nil {
						err = rows.Err()
					}
				} else if rows != nil {
					rows.Close()
				}
				if err != nil {
					_ = br.Close()
					return err
				}
			}
			op = "batch"
			return br.Close()
		})
		if !errors.Is(err, errNotPgx) {
			return c.fail(op, err)
		}
	}
	for _, s := range ss {
		rows, err := c.query(s.query, s.args...)
		if err != nil {
			return c.fail(s.op, err)
		}
		err = s.read(rows)
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = rows.Err()
		}
		if err != nil {
			return c.fail(s.op, err)
		}
	}
	return nil
}

// errNotPgx: the connection is not pgx's.
var errNotPgx = errors.New("sqlstore: not a pgx connection")
