package sqlstore_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

// Raw reaches the driver's connection under an Update's transaction: on
// PostgreSQL a pgx.Batch sent on it runs in that transaction, commits
// with it and is rolled back with it; an error fn returns is the
// Update's. Outside an Update's transaction it is not offered.
func TestRaw(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store) {
		w := rbactest.NewWorld(t, s)
		if _, err := s.DB().ExecContext(w.Ctx, `CREATE TABLE raw_docs (id INTEGER PRIMARY KEY, owner TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		w.Must(s.View(w.Ctx, func(tx rbac.ReadTx) error {
			if rt, isTx := tx.(rbac.Tx); isTx {
				if ok, _ := sqlstore.Raw(rt, func(any) error { t.Error("fn called in a View"); return nil }); ok {
					t.Error("Raw offered in a View")
				}
			}
			return nil
		}))
		boom := errors.New("boom")
		// insert writes ids through the raw connection (a pgx.Batch on
		// PostgreSQL, the Querier elsewhere) and, through the Querier, a
		// row it then reads back: one transaction.
		insert := func(fail error, ids ...int) error {
			return s.Update(w.Ctx, func(tx rbac.Tx) error {
				q, _, _ := sqlstore.SQLTx(tx)
				ok, err := sqlstore.Raw(tx, func(dc any) error {
					pc, isPgx := dc.(interface{ Conn() *pgx.Conn })
					if s.Dialect() == sqlstore.Postgres && !isPgx {
						return fmt.Errorf("driver connection %T", dc)
					}
					if !isPgx {
						return nil
					}
					b := &pgx.Batch{}
					for _, id := range ids {
						b.Queue(`INSERT INTO raw_docs (id, owner) VALUES ($1, $2)`, id, "raw")
					}
					return pc.Conn().SendBatch(w.Ctx, b).Close()
				})
				if !ok {
					return errors.New("Raw not offered in an Update")
				}
				if err != nil {
					return err
				}
				if s.Dialect() != sqlstore.Postgres {
					for _, id := range ids {
						if _, err := q.ExecContext(w.Ctx, `INSERT INTO raw_docs (id, owner) VALUES (?, 'raw')`, id); err != nil {
							return err
						}
					}
				}
				var n int
				if err := q.QueryRowContext(w.Ctx, `SELECT COUNT(*) FROM raw_docs WHERE owner = 'raw'`).Scan(&n); err != nil {
					return err
				}
				if n < len(ids) {
					return fmt.Errorf("the transaction sees %d of its %d rows", n, len(ids))
				}
				return fail
			})
		}
		count := func() int {
			var n int
			if err := s.DB().QueryRowContext(w.Ctx, `SELECT COUNT(*) FROM raw_docs`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		w.Must(insert(nil, 1, 2, 3))
		if n := count(); n != 3 {
			t.Fatalf("%d rows after a commit, want 3", n)
		}
		if err := insert(boom, 4, 5); !errors.Is(err, boom) {
			t.Fatalf("Update: %v, want boom", err)
		}
		if n := count(); n != 3 {
			t.Fatalf("%d rows after a rollback, want 3", n)
		}
		if s.Dialect() == sqlstore.Postgres {
			// A statement failing in the batch (id 3 exists) fails the
			// Update and keeps nothing of it.
			if err := insert(nil, 6, 3, 7); err == nil {
				t.Fatal("a failed batch statement was not reported")
			}
			if n := count(); n != 3 {
				t.Fatalf("%d rows after a failed batch, want 3", n)
			}
			// The connection is usable afterwards.
			w.Must(insert(nil, 8))
		}
	})
}

// The appends that follow LastAudit in one transaction check their chain
// against what it read and what they appended, as if read again: a run of
// appends chains, and a stale or broken entry is still refused.
func TestAuditTailInTx(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store) {
		w := rbactest.NewWorld(t, s)
		before := w.VerifyChain()
		rec := func(i int) []rbac.AuditRecord {
			return []rbac.AuditRecord{{Actor: "op", Action: "app.step", Target: fmt.Sprintf("t%d", i), Reason: "bước"}}
		}
		w.Must(s.Update(w.Ctx, func(tx rbac.Tx) error {
			for i := range 3 {
				if err := w.Svc.AuditBatchTx(tx, rec(i)); err != nil {
					return err
				}
				if err := w.Svc.AuditTx(tx, "op", "app.one", fmt.Sprintf("o%d", i), "bước", nil); err != nil {
					return err
				}
			}
			return nil
		}))
		if n := w.VerifyChain(); n != before+6 {
			t.Fatalf("chain has %d entries, want %d", n, before+6)
		}
		err := s.Update(w.Ctx, func(tx rbac.Tx) error {
			last, err := tx.LastAudit()
			if err != nil {
				return err
			}
			e := rbac.AuditEntry{Seq: last.Seq, Prev: last.Prev, Actor: "op", Action: "app.step", Target: "stale", Reason: "bước"}
			e.Hash = rbac.HashEntry(e)
			return tx.AppendAudit(e)
		})
		if !errors.Is(err, rbac.ErrConflict) {
			t.Errorf("stale entry after LastAudit: %v, want ErrConflict", err)
		}
		if n := w.VerifyChain(); n != before+6 {
			t.Fatalf("chain has %d entries, want %d", n, before+6)
		}
	})
}
