package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
)

// Verify proves a done conversion's result, as the seeds ask the new
// holder to check "the converted data is complete": the source owns no
// rows any more (within the converted subsystems), every planned row was
// moved and is the target's now, the legacy login is disabled, the source
// has no membership left and the target's rights are exactly the planned
// ones (its own plus the source's). It returns a *VerifyError listing
// every difference.
func (c *Converter) Verify(ctx context.Context, id string) error {
	shared, err := c.sharedTx(ctx)
	if err != nil {
		return err
	}
	var v verifier
	if shared {
		// One transaction: the rows and the rights are read at the same
		// instant, so a change made meanwhile cannot pass for (or hide) a
		// difference. It writes nothing.
		err = c.store.Update(ctx, func(tx rbac.Tx) error {
			v = verifier{}
			q, err := sqlOf(tx)
			if err != nil {
				return err
			}
			j, err := c.loadJournal(ctx, q, id, false)
			if err != nil {
				return err
			}
			if err := c.verifyApp(ctx, q, j, &v); err != nil {
				return err
			}
			return c.verifyRights(tx, j, &v)
		})
	} else {
		var j *journalRow
		err = c.appTx(ctx, func(q Querier) error {
			v = verifier{}
			var err error
			if j, err = c.loadJournal(ctx, q, id, false); err != nil {
				return err
			}
			return c.verifyApp(ctx, q, j, &v)
		})
		if err == nil {
			err = c.store.View(ctx, func(rv rbac.ReadTx) error { return c.verifyRights(rv, j, &v) })
		}
	}
	if err != nil {
		return err
	}
	if len(v.problems) > 0 {
		return &VerifyError{Conversion: id, Problems: v.problems}
	}
	return nil
}

// verifier collects the differences Verify finds.
type verifier struct{ problems []string }

func (v *verifier) bad(format string, a ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, a...))
}

// verifyApp checks the app rows and the legacy credentials of j.
func (c *Converter) verifyApp(ctx context.Context, q Querier, j *journalRow, v *verifier) error {
	if j.State != StateDone {
		return conflict("conversion %s is %s, not done", j.ID, j.State)
	}
	for _, m := range c.movers {
		left, err := m.Plan(ctx, q, Scope{From: j.From, To: j.To, Subsystems: j.Subsystems})
		if err != nil {
			return err
		}
		mv := j.Moved[m.Name()]
		owned, err := m.Check(ctx, q, j.scope(), mv)
		if err != nil {
			return err
		}
		for label, n := range left {
			planned := j.Plan.Rows[m.Name()+":"+label]
			if n != 0 {
				v.bad("%s: the source still owns %d rows", label, n)
			}
			if got := int64(len(mv[label].Keys)); got != planned {
				v.bad("%s: planned %d rows, moved %d", label, planned, got)
			}
			if owned[label] != int64(len(mv[label].Keys)) {
				v.bad("%s: %d moved rows are not the target's", label, int64(len(mv[label].Keys))-owned[label])
			}
		}
	}
	if j.Kind == FromLegacy && len(j.Plan.Legacy) > 0 {
		accts, err := c.legacy.Accounts(ctx, q, j.From)
		if err != nil {
			return err
		}
		for _, a := range accts {
			for _, s := range j.Plan.Legacy {
				if a.Subsystem == s && (!a.Disabled || a.ConvertedTo != j.To) {
					v.bad("legacy account %s on %s is not disabled and converted to %s", a.Username, s, j.To)
				}
			}
		}
	}
	return nil
}

// verifyRights checks both memberships of j against the plan.
func (c *Converter) verifyRights(rv rbac.ReadTx, j *journalRow, v *verifier) error {
	for _, rc := range j.Plan.Rights {
		tm, err := rv.Membership(j.To, rc.Subsystem)
		if err != nil {
			v.bad("%s: the target has no membership: %v", rc.Subsystem, err)
			continue
		}
		got := rightsOf(tm)
		if !got.equal(rc.TargetAfter) {
			v.bad("%s: the target's rights are %s, planned %s", rc.Subsystem, roleList(got), roleList(rc.TargetAfter))
		}
		if rc.SourceBefore == nil {
			continue
		}
		for _, g := range rc.SourceBefore.Roles {
			if !hasRole(got, g.Role) {
				v.bad("%s: the target lacks the source's role %s", rc.Subsystem, g.Role)
			}
		}
		if _, err := rv.Membership(j.From, rc.Subsystem); err == nil {
			v.bad("%s: the source still has a membership", rc.Subsystem)
		}
	}
	return nil
}

func hasRole(r Rights, role rbac.RoleID) bool {
	for _, g := range r.Roles {
		if g.Role == role {
			return true
		}
	}
	return false
}

func roleList(r Rights) string {
	parts := make([]string, 0, len(r.Roles))
	for _, g := range r.Roles {
		parts = append(parts, fmt.Sprintf("%s@%d", g.Role, g.Level))
	}
	return "[" + strings.Join(parts, " ") + "]"
}
