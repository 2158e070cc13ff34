package migrate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
)

// DefaultBulkBatch is how many accounts one transaction converts in a
// shared-path bulk run when BulkOptions.Batch is zero. Batching pays one
// commit (on PostgreSQL, one WAL flush) and one round of bookkeeping
// (convertBatch) for many accounts; larger batches hold rbac's write lock
// longer, meet concurrent rbac writers (the audit chain's tail) more often
// and, on a failure, redo more rows one by one. BenchmarkConvertBulk
// measured the choice (see doc.go).
const DefaultBulkBatch = 20

// bulkExecute converts every planned row of all, reporting progress.
func (c *Converter) bulkExecute(ctx context.Context, job string, all []bulkRow, opt BulkOptions, shared bool) error {
	total, n := 0, 0
	var todo []*bulkRow
	for i := range all {
		switch all[i].State {
		case RowDone:
			total++
			n++
		case RowPlanned, RowResolved: // resolved: the shared path plans as it converts
			total++
			todo = append(todo, &all[i])
		}
	}
	size := 1
	if shared {
		size = opt.Batch
		if size <= 0 {
			size = DefaultBulkBatch
		}
	}
	for len(todo) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		k := min(size, len(todo))
		batch := todo[:k]
		todo = todo[k:]
		if shared && c.bulkBatch(ctx, job, batch, opt) == nil {
			for range batch { // once per row, as on the journal path
				n++
				if opt.Progress != nil {
					opt.Progress(n, total)
				}
			}
			continue
		}
		// The journal path, or a batch that failed: one row at a time,
		// each row's own outcome recorded.
		for _, r := range batch {
			if err := c.bulkOne(ctx, job, r, opt); err != nil {
				return err
			}
			n++
			if opt.Progress != nil {
				opt.Progress(n, total)
			}
		}
	}
	return nil
}

// bulkOne converts one row through Execute and records the outcome.
func (c *Converter) bulkOne(ctx context.Context, job string, r *bulkRow, opt BulkOptions) error {
	cv, err := c.Execute(ctx, c.bulkRequest(job, r, opt))
	id := ""
	if cv != nil {
		id = cv.ID
	}
	if err != nil && !errors.Is(err, ErrPrecondition) {
		return fmt.Errorf("migrate: bulk %s line %d: %w", job, r.Line, err)
	}
	if settle(r, RowDone, id, err) {
		return c.writeRows(ctx, job, []*bulkRow{r})
	}
	return nil
}

// errBatch aborts a batch whose rows must go one by one.
var errBatch = errors.New("migrate: batch needs rows one by one")

// bulkBatch converts batch in one rbac Update (convertBatch), the rows'
// states with them: every row is done or none is. Any row that fails (a
// precondition that changed since the plan, a conversion a journal-mode
// run began, an account in two rows) rolls the batch back, and the caller
// takes the rows one by one. The rows in memory change only after the
// commit, so a retried or failed Update leaves them as they were.
func (c *Converter) bulkBatch(ctx context.Context, job string, batch []*bulkRow, opt BulkOptions) error {
	reqs := make([]Request, len(batch))
	for i, r := range batch {
		reqs[i] = c.bulkRequest(job, r, opt)
		if err := checkRequest(&reqs[i]); err != nil {
			return err
		}
	}
	ids := make([]string, len(batch))
	err := c.store.Update(ctx, func(tx rbac.Tx) error {
		q, err := sqlOf(tx)
		if err != nil {
			return err
		}
		// The row states go with the batch's last statements.
		_, err = c.convertBatch(ctx, q, tx, reqs, func(p *pipe, cvs []*Conversion) error {
			done := make([]*bulkRow, len(batch))
			for i, r := range batch {
				if cvs[i].State != StateDone {
					return errBatch
				}
				ids[i] = cvs[i].ID
				d := *r
				settle(&d, RowDone, cvs[i].ID, nil)
				done[i] = &d
			}
			c.writeRowsQueued(p, job, done)
			return nil
		})
		return err
	})
	if err != nil {
		return err
	}
	for i, r := range batch {
		settle(r, RowDone, ids[i], nil)
	}
	return nil
}

// writeRowsIn is writeRow for many rows of job: UPDATEs of many rows each,
// joined to a VALUES list of the rows' new columns.
func (c *Converter) writeRowsIn(ctx context.Context, q Querier, job string, rows []*bulkRow) error {
	p := newPipe(ctx, q, nil)
	c.writeRowsQueued(p, job, rows)
	return p.flush()
}

// writeRowsQueued queues writeRowsIn's statements on p.
func (c *Converter) writeRowsQueued(p *pipe, job string, rows []*bulkRow) {
	const perRow = 5
	_ = chunks(len(rows), maxParams/perRow-1, func(lo, hi int) error {
		part := rows[lo:hi]
		if len(part) == 1 {
			r := part[0]
			p.exec("bulk row", c.d.rebind(`UPDATE rpkit_bulk_rows SET tech_id = ?, state = ?, conversion_id = ?, error = ? WHERE job = ? AND line = ?`),
				[]any{r.techID, r.State, r.conv, r.Err, job, r.Line}, nil)
			return nil
		}
		args := make([]any, 0, perRow*len(part)+1)
		for _, r := range part {
			args = append(args, r.Line, r.techID, r.State, r.conv, r.Err)
		}
		args = append(args, job)
		// UPDATE … FROM needs SQLite 3.33; the CAST types the VALUES
		// columns on PostgreSQL.
		p.exec("bulk rows", c.d.rebind(`WITH v (line, tech_id, state, conversion_id, error) AS (VALUES
			(CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))`+strings.Repeat(", (?, ?, ?, ?, ?)", len(part)-1)+`)
			UPDATE rpkit_bulk_rows SET tech_id = v.tech_id, state = v.state, conversion_id = v.conversion_id, error = v.error
			FROM v WHERE rpkit_bulk_rows.job = ? AND rpkit_bulk_rows.line = v.line`), args,
			func(n int64) error {
				if n != int64(len(part)) {
					return fmt.Errorf("migrate: bulk rows: %d of %d lines of job %s updated", n, len(part), job)
				}
				return nil
			})
		return nil
	})
}
