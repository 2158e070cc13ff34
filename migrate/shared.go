package migrate

import (
	"context"
	"errors"

	"github.com/rpkit-vn/rpkit/rbac"
)

// The shared path: rbac's store runs on the application's database
// (sharedTx), so one rbac Update holds the whole conversion — the
// preconditions (rbac's CanTx among them), the app rows, the legacy
// credentials, the memberships, the audit entry and the journal row. It
// commits whole or not at all, so the journal's intermediate states never
// exist on this path: the row is written once, already done.
//
// Update may run its function again (a serialization failure on
// PostgreSQL): every function here starts from what it reads in the
// transaction and keeps nothing from a previous run.

// executeShared runs req in one transaction.
func (c *Converter) executeShared(ctx context.Context, req Request, self bool) (*Conversion, error) {
	var out *Conversion
	err := c.store.Update(ctx, func(tx rbac.Tx) error {
		out = nil
		q, err := sqlOf(tx)
		if err != nil {
			return err
		}
		out, err = c.convertIn(ctx, q, tx, req, self)
		return err
	})
	if err != nil {
		return nil, err
	}
	if out.State != StateDone {
		return c.Resume(ctx, out.ID) // begun by a journal-mode run
	}
	return out, nil
}

// convertIn runs a whole conversion inside the caller's Update. With
// req.ID already in the journal it returns that conversion instead (the
// same request run again), or ErrConflict for another request.
func (c *Converter) convertIn(ctx context.Context, q Querier, tx rbac.Tx, req Request, self bool) (*Conversion, error) {
	if j, err := c.loadJournal(ctx, q, req.ID, true); err == nil {
		if j.Kind != req.Kind || j.From != req.From || j.To != req.To {
			return nil, conflict("conversion %s exists for another request", req.ID)
		}
		return &j.Conversion, nil
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	// The lock rows come first, as on the journal path: a journal-mode
	// conversion of the same account in another process either holds them
	// already (in-flight) or waits on ours and, once we commit, finds the
	// account converted.
	keys := lockKeys(req.Kind, req.From, req.To)
	if err := c.lock(ctx, q, req.ID, keys); err != nil {
		return nil, err
	}
	plan, err := c.prepare(ctx, q, tx, req, self, false)
	if err != nil {
		return nil, err
	}
	now := c.now()
	j := &journalRow{Conversion: Conversion{ID: req.ID, Kind: req.Kind, From: req.From, To: req.To, Subsystems: req.Subsystems,
		Actor: req.Actor, Reason: req.Reason, Plan: plan, CreatedAt: now}}
	if err := c.moveRows(ctx, q, j); err != nil {
		return nil, err
	}
	j.Plan.Rows = Counts{}
	for name, mv := range j.Moved {
		for label, keys := range mv {
			j.Plan.Rows[name+":"+label] = int64(len(keys.Keys))
		}
	}
	if err := c.applyRights(tx, j); err != nil {
		return nil, err
	}
	j.State, j.UpdatedAt, j.DoneAt = StateDone, now, now
	if err := c.insertJournal(ctx, q, j); err != nil {
		return nil, err
	}
	if err := c.unlock(ctx, q, j.ID); err != nil {
		return nil, err
	}
	return &j.Conversion, nil
}

// revertShared is Revert in one transaction. A revert that a journal-mode
// run left half done is carried on by Resume.
func (c *Converter) revertShared(ctx context.Context, actor, id, reason string) (*Conversion, error) {
	var out *Conversion
	resume := false
	err := c.store.Update(ctx, func(tx rbac.Tx) error {
		out, resume = nil, false
		q, err := sqlOf(tx)
		if err != nil {
			return err
		}
		j, err := c.loadJournal(ctx, q, id, true)
		if err != nil {
			return err
		}
		if j.State == StateReverting {
			resume = true
			return nil
		}
		if err := c.beginRevert(ctx, q, tx, j, actor, reason); err != nil {
			return err
		}
		if err := c.revertRights(tx, j); err != nil {
			return err
		}
		if err := c.endRevert(ctx, q, j); err != nil {
			return err
		}
		out = &j.Conversion
		return nil
	})
	if err != nil {
		return nil, err
	}
	if resume {
		return c.Resume(ctx, id)
	}
	return out, nil
}
