package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

// eachStore runs f on a fresh SQLite store and a fresh PostgreSQL one.
func eachStore(t *testing.T, f func(t *testing.T, s *sqlstore.Store)) {
	t.Run("sqlite", func(t *testing.T) { f(t, newSQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		requirePostgres(t)
		f(t, newPostgres(t))
	})
}

// ph is the dialect's n-th placeholder.
func ph(s *sqlstore.Store, n int) string {
	if s.Dialect() == sqlstore.Postgres {
		return "$" + string(rune('0'+n))
	}
	return "?"
}

func exists(t *testing.T, db *sql.DB, query string, args ...any) bool {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// The application's rows, rbac's records and the audit entry of one Update
// commit together, or not at all.
func TestSQLTxCommitsTogether(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		svc, err := rbac.New(rbac.Config{Store: s})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, `CREATE TABLE app_docs (id INTEGER PRIMARY KEY, owner TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		write := func(id int, owner string, fail error) error {
			return s.Update(ctx, func(tx rbac.Tx) error {
				q, dialect, ok := sqlstore.SQLTx(tx)
				if !ok || dialect != s.Dialect().String() {
					t.Fatalf("SQLTx = %v, %q; want the %v transaction", ok, dialect, s.Dialect())
				}
				if _, err := q.ExecContext(ctx, `INSERT INTO app_docs (id, owner) VALUES (`+ph(s, 1)+`, `+ph(s, 2)+`)`, id, owner); err != nil {
					return err
				}
				if err := tx.PutAccount(rbac.Account{TechID: owner, FullName: "Chủ " + owner}); err != nil {
					return err
				}
				if err := svc.AuditTx(tx, "op", "app.create-doc", "doc", "tạo tài liệu", map[string]string{"owner": owner}); err != nil {
					return err
				}
				return fail
			})
		}
		if err := write(1, "u01", nil); err != nil {
			t.Fatal(err)
		}
		errStop := errors.New("stop")
		if err := write(2, "u02", errStop); !errors.Is(err, errStop) {
			t.Fatalf("failing Update: %v", err)
		}
		db := s.DB()
		if !exists(t, db, `SELECT count(*) FROM app_docs WHERE id = 1`) || !exists(t, db, `SELECT count(*) FROM accounts WHERE tech_id = 'u01'`) {
			t.Error("the committed Update lost a write")
		}
		if exists(t, db, `SELECT count(*) FROM app_docs WHERE id = 2`) || exists(t, db, `SELECT count(*) FROM accounts WHERE tech_id = 'u02'`) {
			t.Error("the failed Update kept a write")
		}
		if n, err := svc.VerifyChain(ctx); err != nil || n != 1 {
			t.Errorf("chain: %d entries, %v; want 1", n, err)
		}

		// Not handed out: a View's snapshot, another store's transaction.
		_ = s.View(ctx, func(rt rbac.ReadTx) error {
			if tx, isTx := rt.(rbac.Tx); isTx {
				if _, _, ok := sqlstore.SQLTx(tx); ok {
					t.Error("SQLTx handed out a read-only snapshot")
				}
			}
			return nil
		})
		_ = rbac.NewMemoryStore().Update(ctx, func(tx rbac.Tx) error {
			if _, _, ok := sqlstore.SQLTx(tx); ok {
				t.Error("SQLTx accepted a memory transaction")
			}
			return nil
		})
	})
}

// The application's statements are retried with the Update: racing
// read-modify-write of one counter loses no increment, also when the
// function swallows its own serialization failure.
func TestSQLTxRetriesAppWrites(t *testing.T) {
	const writers = 6
	// No write lock: every attempt runs concurrently, as SERIALIZABLE
	// alone would have it, so the app's UPDATEs really collide.
	s := newPostgresWith(t, sqlstore.Config{LockAfter: -1, MaxAttempts: 50, BaseBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	ctx := context.Background()
	svc, err := rbac.New(rbac.Config{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `CREATE TABLE app_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO app_counter VALUES (1, 0)`); err != nil {
		t.Fatal(err)
	}
	var read sync.WaitGroup // every first attempt reads before any writes
	read.Add(writers)
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := true
			errs <- s.Update(ctx, func(tx rbac.Tx) error {
				q, _, _ := sqlstore.SQLTx(tx)
				var n int
				if err := q.QueryRowContext(ctx, `SELECT n FROM app_counter WHERE id = 1`).Scan(&n); err != nil {
					return err
				}
				if first {
					first = false
					read.Done()
					read.Wait()
				}
				if _, err := q.ExecContext(ctx, `UPDATE app_counter SET n = $1 WHERE id = 1`, n+1); err != nil {
					if i%2 == 0 {
						return nil // swallowed: the store must retry anyway
					}
					return err
				}
				return svc.AuditTx(tx, "op", "app.count", "counter", "đếm", nil)
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	var n int
	if err := s.DB().QueryRow(`SELECT n FROM app_counter WHERE id = 1`).Scan(&n); err != nil || n != writers {
		t.Errorf("counter = %d (%v), want %d", n, err, writers)
	}
	if got, err := svc.VerifyChain(ctx); err != nil || got != writers {
		t.Errorf("chain: %d entries, %v; want %d", got, err, writers)
	}
	if st := s.Stats(); st.Retries == 0 {
		t.Errorf("no retries (%+v): the race was not exercised", st)
	}
}

// A driver's failure reaches rbac with the driver error in the chain and
// none of its text in the message.
func TestDBErrorHidesDriverText(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		var got error
		_ = s.Update(ctx, func(tx rbac.Tx) error {
			q, _, _ := sqlstore.SQLTx(tx)
			// Rolled back with the rest: the index exists only here.
			if _, err := q.ExecContext(ctx, `CREATE UNIQUE INDEX secret_idx ON accounts (full_name)`); err != nil {
				t.Fatal(err)
			}
			if err := tx.PutAccount(rbac.Account{TechID: "u01", FullName: "Trùng Tên"}); err != nil {
				t.Fatal(err)
			}
			got = tx.PutAccount(rbac.Account{TechID: "u02", FullName: "Trùng Tên"})
			return got
		})
		var dbe *sqlstore.DBError
		if !errors.Is(got, rbac.ErrConflict) || !errors.As(got, &dbe) {
			t.Fatalf("duplicate: %v, want a *DBError wrapping rbac.ErrConflict", got)
		}
		for _, leak := range []string{"secret_idx", "UNIQUE", "unique", "duplicate", "Trùng"} {
			if strings.Contains(got.Error(), leak) {
				t.Errorf("message %q shows the driver's %q", got.Error(), leak)
			}
		}
		var pe *pgconn.PgError
		var se *sqlite.Error
		if !errors.As(got, &pe) && !errors.As(got, &se) {
			t.Errorf("the driver error left the chain: %#v", got)
		}
		if msg, ok := rbac.PublicMessage(got); ok {
			t.Errorf("PublicMessage of a store failure = %q", msg)
		}
		if rbac.ErrorCode(got) != rbac.CodeConflict {
			t.Errorf("code %s", rbac.ErrorCode(got))
		}
		// The index went with the transaction.
		if err := s.Update(ctx, func(tx rbac.Tx) error {
			if err := tx.PutAccount(rbac.Account{TechID: "u01", FullName: "Trùng Tên"}); err != nil {
				return err
			}
			return tx.PutAccount(rbac.Account{TechID: "u02", FullName: "Trùng Tên"})
		}); err != nil {
			t.Errorf("after rollback: %v", err)
		}
	})
}
