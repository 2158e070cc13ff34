package migrate

import (
	"context"
	"errors"

	"github.com/rpkit-vn/rpkit/rbac"
)

// Revert undoes a done conversion within the revert window, restoring the
// exact prior state: the recorded app rows go back to the source (and no
// other rows), the legacy login is enabled again, and both memberships are
// put back as they were before. It refuses (ErrConflict) if the rows or
// rights changed since the conversion, rather than guess; nothing is
// changed then.
func (c *Converter) Revert(ctx context.Context, actor, id, reason string) (*Conversion, error) {
	if actor == "" || reason == "" {
		return nil, invalid("revert needs an actor and a reason")
	}
	if c.window < 0 {
		return nil, precond(CodeRevertWindow, "", "reverting conversions is disabled")
	}
	if shared, err := c.sharedTx(ctx); err != nil {
		return nil, err
	} else if shared {
		return c.revertShared(ctx, actor, id, reason)
	}
	err := c.appTx(ctx, func(q Querier) error {
		j, err := c.loadJournal(ctx, q, id, true)
		if err != nil {
			return err
		}
		if j.State == StateReverting {
			return nil // resume below
		}
		return c.store.View(ctx, func(rv rbac.ReadTx) error { return c.beginRevert(ctx, q, rv, j, actor, reason) })
	})
	if err != nil {
		return nil, err
	}
	return c.Resume(ctx, id)
}

// beginRevert checks that the revert may run and records it: done →
// reverting, locks held.
func (c *Converter) beginRevert(ctx context.Context, q Querier, rv rbac.ReadTx, j *journalRow, actor, reason string) error {
	if j.State != StateDone {
		return conflict("conversion %s is %s, not done", j.ID, j.State)
	}
	now := c.now()
	if now.Sub(j.DoneAt) > c.window {
		return precond(CodeRevertWindow, "", "the conversion was done on %s; it could be reverted for %s", j.DoneAt.Format("2006-01-02 15:04"), c.window)
	}
	for _, rc := range j.Plan.Rights {
		// Asked of rv, the transaction the revert is recorded in (the
		// shared path's only one), so no grant can change in between.
		err := c.svc.CanTx(rv, actor, rbac.ActChangeUnit, rbac.Target{Account: j.To, Subsystem: rc.Subsystem, Unit: rc.TargetBefore.Unit})
		if err == nil && rc.SourceMember != nil {
			err = c.svc.CanTx(rv, actor, rbac.ActAdd, rbac.Target{Account: j.From, Subsystem: rc.Subsystem, Unit: rc.SourceMember.Unit})
		}
		if errors.Is(err, rbac.ErrForbidden) {
			return &PreconditionError{Code: CodeForbidden, Subsystem: string(rc.Subsystem), Err: err, Message: "you may not manage both accounts on this subsystem"}
		} else if err != nil {
			return err
		}
	}
	// Every moved row must still be the target's, or the revert could not
	// restore the exact prior state.
	for _, m := range c.movers {
		mv := j.Moved[m.Name()]
		got, err := m.Check(ctx, q, j.scope(), mv)
		if err != nil {
			return err
		}
		for label, keys := range mv {
			if got[label] != int64(len(keys.Keys)) {
				return conflict("%s: %d of %d moved rows are no longer the target's", label, int64(len(keys.Keys))-got[label], len(keys.Keys))
			}
		}
	}
	if err := c.lock(ctx, q, j.ID, j.lockKeys()); err != nil {
		return err
	}
	mark, err := lastSeq(rv)
	if err != nil {
		return err
	}
	j.AuditMark, j.RevertActor, j.RevertReason = mark, actor, reason
	j.State, j.UpdatedAt = StateReverting, now
	return c.setState(ctx, q, j, StateDone)
}

// revertRights puts both memberships back, idempotently, with the audit
// entry.
func (c *Converter) revertRights(tx rbac.Tx, j *journalRow) error {
	target := auditTarget(j.ID)
	if done, err := audited(tx, j.AuditMark, target, AuditRevert); err != nil || done {
		return err
	}
	for _, rc := range j.Plan.Rights {
		tm, err := tx.Membership(j.To, rc.Subsystem)
		if err != nil || !rightsOf(tm).equal(rc.TargetAfter) {
			return conflict("the target's rights on %s changed since the conversion", rc.Subsystem)
		}
		if rc.SourceMember == nil {
			continue
		}
		if _, err := tx.Membership(j.From, rc.Subsystem); err == nil {
			return conflict("the source is on %s again", rc.Subsystem)
		} else if !errors.Is(err, rbac.ErrNotFound) {
			return err
		}
		if err := tx.PutMembership(rc.TargetMember); err != nil {
			return err
		}
		if err := tx.PutMembership(*rc.SourceMember); err != nil {
			return err
		}
	}
	return c.svc.AuditTx(tx, j.RevertActor, AuditRevert, target, j.RevertReason, j.auditDetails())
}

// endRevert restores the app rows: reverting → reverted, locks released.
func (c *Converter) endRevert(ctx context.Context, q Querier, j *journalRow) error {
	if err := c.restoreApp(ctx, q, j); err != nil {
		return err
	}
	j.State, j.UpdatedAt = StateReverted, c.now()
	if err := c.setState(ctx, q, j, StateReverting); err != nil {
		return err
	}
	return c.unlock(ctx, q, j.ID)
}

// resumeRevert runs the revert's remaining steps. If the rights changed
// since the conversion, the revert is abandoned: the conversion is done
// again and the locks released.
func (c *Converter) resumeRevert(ctx context.Context, id string) error {
	var jr *journalRow
	if err := c.appTx(ctx, func(q Querier) error {
		var err error
		jr, err = c.stateIs(ctx, q, id, StateReverting)
		return err
	}); err != nil {
		return err
	}
	if err := c.store.Update(ctx, func(tx rbac.Tx) error { return c.revertRights(tx, jr) }); err != nil {
		if errors.Is(err, ErrConflict) {
			_ = c.appTx(ctx, func(q Querier) error {
				back, e := c.stateIs(ctx, q, id, StateReverting)
				if e != nil {
					return e
				}
				back.State, back.UpdatedAt, back.Error = StateDone, c.now(), "revert refused: "+err.Error()
				if e := c.setState(ctx, q, back, StateReverting); e != nil {
					return e
				}
				return c.unlock(ctx, q, id)
			})
		}
		return err
	}
	return c.appTx(ctx, func(q Querier) error {
		j, err := c.stateIs(ctx, q, id, StateReverting)
		if err != nil {
			return err
		}
		return c.endRevert(ctx, q, j)
	})
}
