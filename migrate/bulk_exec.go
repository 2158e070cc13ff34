package migrate

import (
	"context"
	"errors"
	"fmt"

	"github.com/rpkit-vn/rpkit/rbac"
)

// DefaultBulkBatch is how many accounts one transaction converts in a
// shared-path bulk run when BulkOptions.Batch is zero. Batching pays one
// commit (on PostgreSQL, one WAL flush) for many accounts; larger batches
// hold rbac's write lock longer and, on a failure, redo more rows one by
// one. BenchmarkConvertBulk measured the choice (see doc.go).
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

// bulkBatch converts batch in one rbac Update, the rows' states with
// them: every row is done or none is. Any row that fails (a precondition
// that changed since the plan, a conversion a journal-mode run began)
// rolls the batch back, and the caller takes the rows one by one. The
// rows in memory change only after the commit, so a retried or failed
// Update leaves them as they were.
func (c *Converter) bulkBatch(ctx context.Context, job string, batch []*bulkRow, opt BulkOptions) error {
	ids := make([]string, len(batch))
	err := c.store.Update(ctx, func(tx rbac.Tx) error {
		q, err := sqlOf(tx)
		if err != nil {
			return err
		}
		for i, r := range batch {
			req := c.bulkRequest(job, r, opt)
			if err := checkRequest(&req); err != nil {
				return err
			}
			cv, err := c.convertIn(ctx, q, tx, req, false)
			if err != nil {
				return err
			}
			if cv.State != StateDone {
				return errBatch
			}
			ids[i] = cv.ID
			done := *r
			settle(&done, RowDone, cv.ID, nil)
			if err := c.writeRow(ctx, q, job, &done); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, r := range batch {
		settle(r, RowDone, ids[i], nil)
	}
	return nil
}
