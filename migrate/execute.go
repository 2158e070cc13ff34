package migrate

import (
	"context"
	"errors"

	"github.com/rpkit-vn/rpkit/rbac"
)

// Plan checks every precondition and returns what the conversion would
// move, per table and per subsystem, changing nothing (a dry run).
func (c *Converter) Plan(ctx context.Context, req Request) (Plan, error) {
	if err := checkRequest(&req); err != nil {
		return Plan{}, err
	}
	var plan Plan
	err := c.appTx(ctx, func(q Querier) error {
		return c.store.View(ctx, func(rv rbac.ReadTx) error {
			var err error
			plan, err = c.prepare(ctx, q, rv, req, false, true)
			return err
		})
	})
	return plan, err
}

// Execute runs the conversion req to the end and returns its journal
// record. With req.ID set it is idempotent: a conversion already begun
// under that ID is resumed (or returned, when done) instead.
//
// When rbac's store shares the application's database (Config.Transactions,
// TxShared) everything happens in one rbac Update: all or nothing. Otherwise the
// journal carries the conversion through planned → moved-app →
// moved-rights → done, each a committed step, and a crash anywhere leaves
// it resumable (Resume, Unfinished) or, before the rights moved,
// reversible (Rollback).
func (c *Converter) Execute(ctx context.Context, req Request) (*Conversion, error) {
	return c.execute(ctx, req, false)
}

func (c *Converter) execute(ctx context.Context, req Request, self bool) (*Conversion, error) {
	if err := checkRequest(&req); err != nil {
		return nil, err
	}
	if req.ID == "" {
		id, err := c.newID()
		if err != nil {
			return nil, err
		}
		req.ID = id
	}
	if shared, err := c.sharedTx(ctx); err != nil {
		return nil, err
	} else if shared {
		return c.executeShared(ctx, req, self)
	}
	var existing *journalRow
	err := c.appTx(ctx, func(q Querier) error {
		existing = nil
		j, err := c.loadJournal(ctx, q, req.ID, false)
		if err == nil {
			existing = j
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		// Locks first, then the preconditions: once this transaction holds
		// the accounts, what it reads is what a racing conversion left
		// (PostgreSQL blocks the second insert until the first commits).
		if err := c.lock(ctx, q, req.ID, lockKeys(req.Kind, req.From, req.To)); err != nil {
			return err
		}
		return c.store.View(ctx, func(rv rbac.ReadTx) error {
			_, err := c.begin(ctx, q, rv, req, self)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	if existing != nil && (existing.Kind != req.Kind || existing.From != req.From || existing.To != req.To) {
		return nil, conflict("conversion %s exists for another request", req.ID)
	}
	return c.Resume(ctx, req.ID)
}

// Resume carries conversion id forward from wherever it stopped to done
// (or, for a revert in progress, to reverted). Running it on a finished
// conversion returns it unchanged; two processes resuming the same
// conversion take turns on the journal row.
func (c *Converter) Resume(ctx context.Context, id string) (*Conversion, error) {
	for range 16 {
		j, err := c.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		switch j.State {
		case StateDone, StateFailed, StateReverted:
			return j, nil
		case StatePlanned:
			err = c.appTx(ctx, func(q Querier) error {
				j, err := c.stateIs(ctx, q, id, StatePlanned)
				if err != nil {
					return err
				}
				return c.moveApp(ctx, q, j)
			})
		case StateMovedApp:
			err = c.rightsStep(ctx, id)
		case StateMovedRights:
			err = c.appTx(ctx, func(q Querier) error {
				j, err := c.stateIs(ctx, q, id, StateMovedRights)
				if err != nil {
					return err
				}
				return c.finish(ctx, q, j)
			})
		case StateReverting:
			err = c.resumeRevert(ctx, id)
		default:
			return nil, conflict("conversion %s is in unknown state %q", id, j.State)
		}
		if err != nil && !errors.Is(err, errStale) {
			c.noteError(ctx, id, err)
			return nil, err
		}
	}
	return nil, conflict("conversion %s does not settle", id)
}

// rightsStep moves the rights (idempotently) and then records it.
func (c *Converter) rightsStep(ctx context.Context, id string) error {
	var j *journalRow
	if err := c.appTx(ctx, func(q Querier) error {
		var err error
		j, err = c.stateIs(ctx, q, id, StateMovedApp)
		return err
	}); err != nil {
		return err
	}
	if err := c.store.Update(ctx, func(tx rbac.Tx) error { return c.moveRights(tx, j) }); err != nil {
		return err
	}
	return c.appTx(ctx, func(q Querier) error {
		j, err := c.stateIs(ctx, q, id, StateMovedApp)
		if err != nil {
			return err
		}
		return c.markRights(ctx, q, j)
	})
}

// noteError records the last error on the journal row, for operators; it
// changes no state.
func (c *Converter) noteError(ctx context.Context, id string, cause error) {
	_, _ = c.db.ExecContext(context.WithoutCancel(ctx), c.d.rebind(`UPDATE rpkit_conversions SET error = ? WHERE id = ?`), cause.Error(), id)
}

// Rollback undoes a conversion that stopped before its rights moved
// (planned or moved-app): the app rows go back, the legacy credentials
// are enabled again, the locks are released, and the conversion ends
// failed. A conversion past that point is finished with Resume and, if
// unwanted, reverted with Revert.
func (c *Converter) Rollback(ctx context.Context, actor, id, reason string) (*Conversion, error) {
	if actor == "" || reason == "" {
		return nil, invalid("rollback needs an actor and a reason")
	}
	j, err := c.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if j.State != StatePlanned && j.State != StateMovedApp {
		return nil, conflict("conversion %s is %s: only planned or moved-app conversions roll back", id, j.State)
	}
	err = c.store.Update(ctx, func(tx rbac.Tx) error {
		return c.svc.AuditTx(tx, actor, AuditRollback, auditTarget(id), reason, map[string]string{"state": string(j.State)})
	})
	if err != nil {
		return nil, err
	}
	err = c.appTx(ctx, func(q Querier) error {
		jr, err := c.loadJournal(ctx, q, id, true)
		if err != nil {
			return err
		}
		from := jr.State
		switch from {
		case StateMovedApp:
			if err := c.restoreApp(ctx, q, jr); err != nil {
				return err
			}
		case StatePlanned:
		default:
			return conflict("conversion %s moved on to %s", id, from)
		}
		jr.State, jr.UpdatedAt, jr.Error = StateFailed, c.now(), "rolled back: "+reason
		if err := c.setState(ctx, q, jr, from); err != nil {
			return err
		}
		return c.unlock(ctx, q, id)
	})
	if err != nil {
		return nil, err
	}
	return c.Get(ctx, id)
}

// restoreApp puts the app rows back and re-enables the legacy login.
func (c *Converter) restoreApp(ctx context.Context, q Querier, j *journalRow) error {
	for _, m := range c.movers {
		if mv, ok := j.Moved[m.Name()]; ok {
			if err := m.Restore(ctx, q, j.scope(), mv); err != nil {
				return err
			}
		}
	}
	if j.Kind == FromLegacy && len(j.Plan.Legacy) > 0 {
		return c.legacy.Enable(ctx, q, j.From, j.Plan.Legacy)
	}
	return nil
}
