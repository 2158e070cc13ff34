package migrate

import (
	"context"
	"errors"
	"strconv"

	"github.com/rpkit-vn/rpkit/rbac"
)

// The steps below each take the handles they need, so that the journal
// path runs each in its own transaction and the shared path runs them all
// in one.

// scope is the movers' scope of j.
func (j *journalRow) scope() Scope {
	return Scope{From: j.From, To: j.To, Subsystems: j.Subsystems}
}

// begin checks the preconditions, takes the locks and records the
// conversion as planned.
func (c *Converter) begin(ctx context.Context, q Querier, rv rbac.ReadTx, req Request, self bool) (*journalRow, error) {
	plan, err := c.prepare(ctx, q, rv, req, self, true)
	if err != nil {
		return nil, err
	}
	mark, err := lastSeq(rv)
	if err != nil {
		return nil, err
	}
	now := c.now()
	j := &journalRow{Conversion: Conversion{ID: req.ID, Kind: req.Kind, From: req.From, To: req.To, Subsystems: req.Subsystems,
		Actor: req.Actor, Reason: req.Reason, State: StatePlanned, Plan: plan, CreatedAt: now, UpdatedAt: now}, AuditMark: mark}
	if err := c.lock(ctx, q, j.ID, j.lockKeys()); err != nil {
		return nil, err
	}
	if err := c.insertJournal(ctx, q, j); err != nil {
		return nil, err
	}
	return j, nil
}

// moveApp moves the app's rows and disables the legacy credentials:
// planned → moved-app.
func (c *Converter) moveApp(ctx context.Context, q Querier, j *journalRow) error {
	if err := c.moveRows(ctx, q, j); err != nil {
		return err
	}
	j.State, j.UpdatedAt = StateMovedApp, c.now()
	return c.setState(ctx, q, j, StatePlanned)
}

// moveRows runs the movers and disables the legacy credentials, recording
// the moved keys in j.
func (c *Converter) moveRows(ctx context.Context, q Querier, j *journalRow) error {
	j.Moved = map[string]Moved{}
	for _, m := range c.movers {
		mv, err := m.Move(ctx, q, j.scope())
		if err != nil {
			return err
		}
		j.Moved[m.Name()] = mv
	}
	if j.Kind == FromLegacy && len(j.Plan.Legacy) > 0 {
		if err := c.legacy.Disable(ctx, q, j.From, j.Plan.Legacy, j.To); err != nil {
			return err
		}
	}
	return nil
}

// moveRights moves the rbac memberships and writes the audit entry, in
// one rbac transaction. It is idempotent: if the entry is already there
// after the journal's mark, a previous run committed and it does nothing.
// Otherwise every membership must still be as planned.
func (c *Converter) moveRights(tx rbac.Tx, j *journalRow) error {
	target := auditTarget(j.ID)
	if done, err := audited(tx, j.AuditMark, target, AuditConvert); err != nil || done {
		return err
	}
	return c.applyRights(tx, j)
}

// applyRights moves the memberships as planned and writes the audit
// entry; every membership must still be as the plan saw it.
func (c *Converter) applyRights(tx rbac.Tx, j *journalRow) error {
	if err := c.moveMemberships(tx, j); err != nil {
		return err
	}
	return c.svc.AuditTx(tx, j.Actor, AuditConvert, auditTarget(j.ID), j.Reason, j.auditDetails())
}

// moveMemberships moves the memberships as planned; every membership must
// still be as the plan saw it.
func (c *Converter) moveMemberships(tx rbac.Tx, j *journalRow) error {
	now := c.now()
	for _, rc := range j.Plan.Rights {
		tm, err := membershipOf(tx, j.To, rc.Subsystem)
		if err != nil {
			return conflict("the target's membership of %s changed since the plan: %v", rc.Subsystem, err)
		}
		if !rightsOf(tm).equal(rc.TargetBefore) {
			return conflict("the target's rights on %s changed since the plan", rc.Subsystem)
		}
		if tm.State != rbac.Active || tm.Locked {
			return precond(CodeTargetInactive, string(rc.Subsystem), "the Vnconnect account %s was deactivated or locked", j.To)
		}
		if rc.SourceBefore == nil {
			continue
		}
		sm, err := membershipOf(tx, j.From, rc.Subsystem)
		if err != nil || !rightsOf(sm).equal(*rc.SourceBefore) {
			return conflict("the source's rights on %s changed since the plan", rc.Subsystem)
		}
		if err := tx.PutMembership(rc.TargetAfter.apply(tm, now)); err != nil {
			return err
		}
		if err := tx.DeleteMembership(j.From, rc.Subsystem); err != nil {
			return err
		}
	}
	return nil
}

func (j *journalRow) auditDetails() map[string]string {
	d := map[string]string{"kind": string(j.Kind), "from": j.From, "to": j.To, "subsystems": joinSubs(j.Subsystems),
		"rows": strconv.FormatInt(j.Plan.Rows.Total(), 10)}
	if len(j.Subsystems) == 0 {
		d["subsystems"] = "*"
	}
	var moved int
	for _, mv := range j.Moved {
		for _, k := range mv {
			moved += len(k.Keys)
		}
	}
	d["moved"] = strconv.Itoa(moved)
	for _, rc := range j.Plan.Rights {
		d["roles."+string(rc.Subsystem)] = strconv.Itoa(len(rc.TargetAfter.Roles) - len(rc.TargetBefore.Roles))
	}
	return d
}

// markRights: moved-app → moved-rights.
func (c *Converter) markRights(ctx context.Context, q Querier, j *journalRow) error {
	j.State, j.UpdatedAt = StateMovedRights, c.now()
	return c.setState(ctx, q, j, StateMovedApp)
}

// finish: moved-rights → done, locks released.
func (c *Converter) finish(ctx context.Context, q Querier, j *journalRow) error {
	j.State, j.UpdatedAt = StateDone, c.now()
	j.DoneAt = j.UpdatedAt
	if err := c.setState(ctx, q, j, StateMovedRights); err != nil {
		return err
	}
	return c.unlock(ctx, q, j.ID)
}

// errStale: another process moved the conversion on; reload and go on.
var errStale = errors.New("migrate: journal moved on")

// stateIs loads id for update and checks its state.
func (c *Converter) stateIs(ctx context.Context, q Querier, id string, want State) (*journalRow, error) {
	j, err := c.loadJournal(ctx, q, id, true)
	if err != nil {
		return nil, err
	}
	if j.State != want {
		return nil, errStale
	}
	return j, nil
}
