package migrate

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Row states of a bulk job, kept in rpkit_bulk_rows.
const (
	RowPending  = "pending"  // loaded, not looked up
	RowResolved = "resolved" // TechID known
	RowPlanned  = "planned"  // preconditions hold
	RowDone     = "done"     // converted
	RowRefused  = "refused"  // malformed, not on Vnconnect, or a precondition failed
)

// BulkOptions tunes a bulk run.
type BulkOptions struct {
	Actor, Reason string
	// DryRun stops after planning every row.
	DryRun bool
	// Progress, if set, is called after each row is executed (on the
	// shared path, for each row of a batch once the batch commits).
	Progress func(done, total int)
	// Batch is how many accounts one transaction converts on the shared
	// path (see Config.Transactions); zero means DefaultBulkBatch, 1 one
	// transaction per account. The journal path converts one at a time.
	Batch int
}

// BulkResult is one row's outcome.
type BulkResult struct {
	Line       int
	Username   string
	TechID     string
	State      string
	Conversion string
	Error      string
}

// BulkReport is a run's outcome, row by row, in line order.
type BulkReport struct {
	Job     string
	Rows    []BulkResult
	Done    int
	Refused int
	Planned int
}

// Bulk converts a list of legacy accounts (from ParseCSV or ParseXLSX) to
// Vnconnect accounts under job, row by row: look each person up on
// Vnconnect, plan every row, then execute. Every row's state is committed
// as it changes, and each conversion's ID is derived from the job and the
// line, so running Bulk again with the same job and list — after a crash,
// a kill, or to pick up refused rows once fixed elsewhere — continues where
// it stopped and never converts anything twice.
func (c *Converter) Bulk(ctx context.Context, job string, rows []BulkRow, opt BulkOptions) (BulkReport, error) {
	if !idRE.MatchString(job) || len(job) > 60 {
		return BulkReport{}, invalid("job id %q: use 1–60 of [A-Za-z0-9._:-]", job)
	}
	if opt.Actor == "" || opt.Reason == "" {
		return BulkReport{}, invalid("a bulk run needs an actor and a reason")
	}
	if c.dir == nil {
		return BulkReport{}, invalid("a bulk run needs Config.Directory")
	}
	if err := c.loadBulk(ctx, job, rows); err != nil {
		return BulkReport{}, err
	}
	all, err := c.bulkRows(ctx, job)
	if err != nil {
		return BulkReport{}, err
	}
	// Look up, then plan, every row before executing any: the dry run
	// covers the whole list. Row states are written in batches: a crash
	// before a batch is written only means those rows are looked up or
	// planned again.
	var changed []*bulkRow
	for i := range all {
		r := &all[i]
		if r.State == RowPending && c.resolve(ctx, r) {
			changed = append(changed, r)
		}
	}
	if err := c.writeRows(ctx, job, changed); err != nil {
		return BulkReport{}, err
	}
	changed = changed[:0]
	// On the shared path a real run plans each row inside the transaction
	// that converts it (convertIn checks every precondition there), so a
	// separate planning pass would only do the same reads twice; the dry
	// run still plans the whole list.
	shared, err := c.sharedTx(ctx)
	if err != nil {
		return BulkReport{}, err
	}
	for i := range all {
		r := &all[i]
		if r.State == RowResolved && (opt.DryRun || !shared) {
			_, err := c.Plan(ctx, c.bulkRequest(job, r, opt))
			if settle(r, RowPlanned, "", err) {
				changed = append(changed, r)
			}
		}
	}
	if err := c.writeRows(ctx, job, changed); err != nil {
		return BulkReport{}, err
	}
	if !opt.DryRun {
		if err := c.bulkExecute(ctx, job, all, opt, shared); err != nil {
			return BulkReport{}, err
		}
	}
	rep := BulkReport{Job: job}
	for _, r := range all {
		rep.Rows = append(rep.Rows, BulkResult{Line: r.Line, Username: r.Username, TechID: r.techID, State: r.State, Conversion: r.conv, Error: r.Err})
		switch r.State {
		case RowDone:
			rep.Done++
		case RowRefused:
			rep.Refused++
		case RowPlanned:
			rep.Planned++
		}
	}
	return rep, nil
}

// bulkRow is a stored row.
type bulkRow struct {
	BulkRow
	techID, State, conv string
}

func (c *Converter) bulkRequest(job string, r *bulkRow, opt BulkOptions) Request {
	req := Request{Kind: FromLegacy, From: r.Username, To: r.techID, Actor: opt.Actor, Reason: opt.Reason,
		ID: "bulk:" + job + ":" + strconv.Itoa(r.Line)}
	if r.Subsystem != "" {
		req.Subsystems = []rbac.SubsystemID{r.Subsystem}
	}
	return req
}

// loadBulk stores rows not stored yet; a stored row must be the same.
func (c *Converter) loadBulk(ctx context.Context, job string, rows []BulkRow) error {
	return c.appTx(ctx, func(q Querier) error {
		type stored struct{ user, ident string }
		have := map[int]stored{}
		rs, err := q.QueryContext(ctx, c.d.rebind(`SELECT line, username, ident FROM rpkit_bulk_rows WHERE job = ?`), job)
		if err != nil {
			return fmt.Errorf("migrate: bulk load: %w", err)
		}
		for rs.Next() {
			var line int
			var s stored
			if err := rs.Scan(&line, &s.user, &s.ident); err != nil {
				rs.Close()
				return fmt.Errorf("migrate: bulk load: %w", err)
			}
			have[line] = s
		}
		if err := rs.Close(); err != nil {
			return err
		}
		if err := rs.Err(); err != nil {
			return fmt.Errorf("migrate: bulk load: %w", err)
		}
		var fresh []BulkRow
		for _, r := range rows {
			if s, ok := have[r.Line]; ok {
				if s.user != r.Username || s.ident != r.Ident {
					return conflict("job %s line %d holds %s/%s, not %s/%s: a job's list cannot change", job, r.Line, s.user, s.ident, r.Username, r.Ident)
				}
				continue
			}
			have[r.Line] = stored{r.Username, r.Ident} // a line listed twice must be the same row, too
			fresh = append(fresh, r)
		}
		const cols = 9
		return chunks(len(fresh), maxParams/cols, func(lo, hi int) error {
			args := make([]any, 0, cols*(hi-lo))
			for _, r := range fresh[lo:hi] {
				state, errText := RowPending, ""
				if r.Err != "" {
					state, errText = RowRefused, r.Err
				}
				args = append(args, job, r.Line, r.Username, r.Ident, string(r.Subsystem), "", state, "", errText)
			}
			if _, err := q.ExecContext(ctx, c.d.rebind(`INSERT INTO rpkit_bulk_rows (job, line, username, ident, subsystem, tech_id, state, conversion_id, error)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`+strings.Repeat(", (?, ?, ?, ?, ?, ?, ?, ?, ?)", hi-lo-1)), args...); err != nil {
				return fmt.Errorf("migrate: bulk load: %w", err)
			}
			return nil
		})
	})
}

func (c *Converter) bulkRows(ctx context.Context, job string) ([]bulkRow, error) {
	rows, err := c.db.QueryContext(ctx, c.d.rebind(`SELECT line, username, ident, subsystem, tech_id, state, conversion_id, error
		FROM rpkit_bulk_rows WHERE job = ? ORDER BY line`), job)
	if err != nil {
		return nil, fmt.Errorf("migrate: bulk rows: %w", err)
	}
	defer rows.Close()
	var out []bulkRow
	for rows.Next() {
		var r bulkRow
		var sub string
		if err := rows.Scan(&r.Line, &r.Username, &r.Ident, &sub, &r.techID, &r.State, &r.conv, &r.Err); err != nil {
			return nil, err
		}
		r.Subsystem = rbac.SubsystemID(sub)
		r.Kind, _, _ = classifyIdent(r.Ident)
		out = append(out, r)
	}
	return out, rows.Err()
}

// resolve looks the row's person up on Vnconnect; it reports whether the
// row's state changed.
func (c *Converter) resolve(ctx context.Context, r *bulkRow) bool {
	var q vnconnect.TechIDQuery
	switch r.Kind {
	case IdentTechID:
		r.techID = r.Ident
	case IdentCCCD:
		q.CCCD = r.Ident
	case IdentCMND:
		q.CMND = r.Ident
	}
	var err error
	if r.techID == "" {
		r.techID, err = c.dir.LookupTechID(ctx, q)
		if errors.Is(err, vnconnect.ErrNotFound) || errors.Is(err, vnconnect.ErrInvalidQuery) {
			err = precond(CodeTargetNotOnVN, string(r.Subsystem), "no Vnconnect account holds %s", r.Ident)
		}
	}
	return settle(r, RowResolved, "", err)
}

// settle gives a row its new state: next on success, refused on a
// precondition failure. Other errors (the database, Vnconnect down) leave
// the row as it was, for the next run. It reports whether the row must be
// written.
func settle(r *bulkRow, next, conv string, err error) bool {
	switch {
	case err == nil:
		r.State, r.Err = next, ""
	case errors.Is(err, ErrPrecondition):
		r.State, r.Err = RowRefused, err.Error()
	default:
		r.Err = err.Error()
		return false
	}
	if conv != "" {
		r.conv = conv
	}
	return true
}

// writeRows records rows' states, in transactions of up to 500 rows.
func (c *Converter) writeRows(ctx context.Context, job string, rows []*bulkRow) error {
	for len(rows) > 0 {
		n := min(len(rows), 500)
		if err := c.appTx(ctx, func(q Querier) error {
			return c.writeRowsIn(ctx, q, job, rows[:n])
		}); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func (c *Converter) writeRow(ctx context.Context, q Querier, job string, r *bulkRow) error {
	_, err := q.ExecContext(ctx, c.d.rebind(`UPDATE rpkit_bulk_rows SET tech_id = ?, state = ?, conversion_id = ?, error = ? WHERE job = ? AND line = ?`),
		r.techID, r.State, r.conv, r.Err, job, r.Line)
	if err != nil {
		return fmt.Errorf("migrate: bulk row: %w", err)
	}
	return nil
}
