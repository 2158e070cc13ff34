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
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	var j *journalRow
	err := c.appTx(ctx, func(q Querier) error {
		problems = nil
		var err error
		if j, err = c.loadJournal(ctx, q, id, false); err != nil {
			return err
		}
		if j.State != StateDone {
			return conflict("conversion %s is %s, not done", id, j.State)
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
					bad("%s: the source still owns %d rows", label, n)
				}
				if got := int64(len(mv[label].Keys)); got != planned {
					bad("%s: planned %d rows, moved %d", label, planned, got)
				}
				if owned[label] != int64(len(mv[label].Keys)) {
					bad("%s: %d moved rows are not the target's", label, int64(len(mv[label].Keys))-owned[label])
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
						bad("legacy account %s on %s is not disabled and converted to %s", a.Username, s, j.To)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = c.store.View(ctx, func(rv rbac.ReadTx) error {
		for _, rc := range j.Plan.Rights {
			tm, err := rv.Membership(j.To, rc.Subsystem)
			if err != nil {
				bad("%s: the target has no membership: %v", rc.Subsystem, err)
				continue
			}
			got := rightsOf(tm)
			if !got.equal(rc.TargetAfter) {
				bad("%s: the target's rights are %s, planned %s", rc.Subsystem, roleList(got), roleList(rc.TargetAfter))
			}
			if rc.SourceBefore == nil {
				continue
			}
			for _, g := range rc.SourceBefore.Roles {
				if !hasRole(got, g.Role) {
					bad("%s: the target lacks the source's role %s", rc.Subsystem, g.Role)
				}
			}
			if _, err := rv.Membership(j.From, rc.Subsystem); err == nil {
				bad("%s: the source still has a membership", rc.Subsystem)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return &VerifyError{Conversion: id, Problems: problems}
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
