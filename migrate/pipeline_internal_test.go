package migrate

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

// pipeStores are an rbac store on SQLite and one on PostgreSQL (a schema
// of the test's own).
func pipeStores(t *testing.T) map[string]*sqlstore.Store {
	ctx := context.Background()
	lite, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "rbac.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	pg, err := sqlstore.OpenPostgres(ctx, testenv.PostgresSchema(t, "migrate_pipe"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	return map[string]*sqlstore.Store{"sqlite": lite, "postgres": pg}
}

// A pipe answers each statement in order, on PostgreSQL in one batch
// inside the Update's transaction; the first error — a statement's or a
// reader's — ends the flush, is returned, and the Update keeps nothing.
func TestPipe(t *testing.T) {
	for name, st := range pipeStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			d := SQLite
			if st.Dialect() == sqlstore.Postgres {
				d = Postgres
			}
			if _, err := st.DB().ExecContext(ctx, `CREATE TABLE pipe_t (id INTEGER PRIMARY KEY, owner TEXT NOT NULL)`); err != nil {
				t.Fatal(err)
			}
			count := func() int {
				var n int
				if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM pipe_t`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			// run queues three inserts of ids, then a read of the
			// owner's ids, through one pipe in one Update.
			run := func(ids []int, read func(pipeRows) error) (*pipe, []int, error) {
				var p *pipe
				var got []int
				err := st.Update(ctx, func(tx rbac.Tx) error {
					q, _, _ := sqlstore.SQLTx(tx)
					p, got = newPipe(ctx, q, tx), nil
					var affected int64
					for _, id := range ids {
						p.exec("insert", d.rebind(`INSERT INTO pipe_t (id, owner) VALUES (?, ?)`), []any{id, "a"},
							func(n int64) error { affected += n; return nil })
					}
					p.query("read", d.rebind(`UPDATE pipe_t SET owner = ? WHERE owner = ? RETURNING id`), []any{"b", "a"}, func(r pipeRows) error {
						for r.Next() {
							var id int
							if err := r.Scan(&id); err != nil {
								return err
							}
							got = append(got, id)
						}
						if read != nil {
							return read(r)
						}
						return nil
					})
					if err := p.flush(); err != nil {
						return err
					}
					if affected != int64(len(ids)) {
						return errors.New("affected rows not handed over")
					}
					return nil
				})
				return p, got, err
			}
			p, got, err := run([]int{1, 2, 3}, nil)
			if err != nil || len(got) != 3 {
				t.Fatalf("flush: %v, read %v", err, got)
			}
			if want := map[bool]int{true: 1, false: 0}[name == "postgres"]; p.batches != want {
				t.Errorf("%d batches sent, want %d", p.batches, want)
			}
			// A reader's error ends the flush and the Update.
			if _, _, err := run([]int{4, 5}, func(pipeRows) error { return errBatch }); !errors.Is(err, errBatch) {
				t.Fatalf("reader's error: %v, want errBatch", err)
			}
			if n := count(); n != 3 {
				t.Fatalf("%d rows after a reader's error, want 3", n)
			}
			// A statement's error (id 2 exists) too, after rows were
			// inserted in the same flush.
			_, got, err = run([]int{6, 2, 7}, nil)
			if err == nil {
				t.Fatal("a failed statement was not reported")
			}
			var pe *pgconn.PgError
			if name == "postgres" && (!errors.As(err, &pe) || pe.Code != "23505") {
				t.Errorf("error %v, want PostgreSQL's unique violation", err)
			}
			if len(got) != 0 {
				t.Errorf("statements after the failed one answered: %v", got)
			}
			if n := count(); n != 3 {
				t.Fatalf("%d rows after a failed statement, want 3", n)
			}
			// Everything still works afterwards.
			if _, got, err := run([]int{8}, nil); err != nil || len(got) != 1 {
				t.Fatalf("after failures: %v, %v", err, got)
			}
		})
	}
}
