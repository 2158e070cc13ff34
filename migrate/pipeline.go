package migrate

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

// A pipe holds statements of one transaction that do not depend on each
// other's answers, and sends them together. On PostgreSQL through pgx
// inside an rbac/sqlstore Update (sqlstore.Raw), that is one pgx.Batch:
// every statement in one round trip, run by the server in order inside
// the same transaction. Anywhere else (SQLite, another driver, another
// store) they run one by one through the Querier, in the same order, with
// the same answers. Either way the first error — a statement's, or one a
// statement's reader returns — ends the flush and is returned; the caller
// returns it from its Update, which rolls the transaction back. (In a
// batch, PostgreSQL skips what follows a failed statement; what ran is
// rolled back with the rest.)
type pipe struct {
	ctx   context.Context
	q     Querier
	tx    rbac.Tx
	items []pipeItem
	// batches counts the flushes sent as one pgx.Batch.
	batches int
}

// pipeItem is one statement, already rebound for the dialect. A query's
// rows go to read; an exec's affected-row count to done (either may be
// nil).
type pipeItem struct {
	what  string // for errors: "migrate: <what>: …"
	query string
	args  []any
	read  func(r pipeRows) error
	done  func(affected int64) error
}

// pipeRows is what *sql.Rows and pgx.Rows have in common.
type pipeRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

func newPipe(ctx context.Context, q Querier, tx rbac.Tx) *pipe {
	return &pipe{ctx: ctx, q: q, tx: tx}
}

// query adds a statement whose rows read takes.
func (p *pipe) query(what, query string, args []any, read func(r pipeRows) error) {
	p.items = append(p.items, pipeItem{what: what, query: query, args: args, read: read})
}

// exec adds a statement whose affected-row count done takes (done may be
// nil).
func (p *pipe) exec(what, query string, args []any, done func(affected int64) error) {
	p.items = append(p.items, pipeItem{what: what, query: query, args: args, done: done})
}

// errNoPgx: the transaction's connection is not pgx's.
var errNoPgx = errors.New("migrate: not a pgx connection")

// flush sends every statement added since the last flush and hands each
// its answer, in order.
func (p *pipe) flush() error {
	items := p.items
	p.items = nil
	switch len(items) {
	case 0:
		return nil
	case 1:
		return p.plain(items)
	}
	if p.tx != nil {
		ok, err := sqlstore.Raw(p.tx, func(dc any) error {
			pc, isPgx := dc.(interface{ Conn() *pgx.Conn })
			if !isPgx {
				return errNoPgx
			}
			return p.batch(pc.Conn(), items)
		})
		if ok && !errors.Is(err, errNoPgx) {
			return err
		}
	}
	return p.plain(items)
}

// batch sends items as one pgx.Batch.
func (p *pipe) batch(conn *pgx.Conn, items []pipeItem) error {
	p.batches++
	b := &pgx.Batch{}
	for _, it := range items {
		b.Queue(it.query, it.args...)
	}
	br := conn.SendBatch(p.ctx, b)
	for _, it := range items {
		if err := p.one(it, br); err != nil {
			_ = br.Close() // reads what is left; the error is it
			return err
		}
	}
	return br.Close()
}

func (p *pipe) one(it pipeItem, br pgx.BatchResults) error {
	if it.read != nil {
		rows, err := br.Query()
		if err != nil {
			if rows != nil {
				rows.Close()
			}
			return fmt.Errorf("migrate: %s: %w", it.what, err)
		}
		err = it.read(rows)
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
		return wrapItem(it, err)
	}
	tag, err := br.Exec()
	if err != nil {
		return fmt.Errorf("migrate: %s: %w", it.what, err)
	}
	if it.done != nil {
		return it.done(tag.RowsAffected())
	}
	return nil
}

// plain runs items one by one through the Querier.
func (p *pipe) plain(items []pipeItem) error {
	for _, it := range items {
		if it.read != nil {
			rows, err := p.q.QueryContext(p.ctx, it.query, it.args...)
			if err != nil {
				return fmt.Errorf("migrate: %s: %w", it.what, err)
			}
			err = it.read(rows)
			if cerr := rows.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				err = rows.Err()
			}
			if err != nil {
				return wrapItem(it, err)
			}
			continue
		}
		res, err := p.q.ExecContext(p.ctx, it.query, it.args...)
		if err != nil {
			return fmt.Errorf("migrate: %s: %w", it.what, err)
		}
		if it.done != nil {
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if err := it.done(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// wrapItem names the statement in a database error; the readers' own
// errors (errBatch, conflicts) pass as they are.
func wrapItem(it pipeItem, err error) error {
	if err == nil || errors.Is(err, errBatch) || errors.Is(err, ErrConflict) {
		return err
	}
	return fmt.Errorf("migrate: %s: %w", it.what, err)
}
