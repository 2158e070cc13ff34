package rbac_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// plainStore hides the memory store's fast paths (FastReader, Ancestry and
// the package's internal rule view), so that the rules run on plain ReadTx
// calls exactly as they do on a SQL store.
type plainStore struct{ inner rbac.Store }

// plainRead and plainTx expose the ReadTx and Tx methods only.
type plainRead struct{ rbac.ReadTx }
type plainTx struct{ rbac.Tx }

func (p plainStore) View(ctx context.Context, fn func(tx rbac.ReadTx) error) error {
	return p.inner.View(ctx, func(tx rbac.ReadTx) error { return fn(plainRead{tx}) })
}

func (p plainStore) Update(ctx context.Context, fn func(tx rbac.Tx) error) error {
	return p.inner.Update(ctx, func(tx rbac.Tx) error { return fn(plainTx{tx}) })
}

// The conformance suite (rules included) through the generic path.
func TestPlainStoreConformance(t *testing.T) {
	rbactest.TestStore(t, func(t *testing.T) rbac.Store { return plainStore{rbac.NewMemoryStore()} })
}

// TestFastPathAgrees asks every question of the adversarial cast twice, on
// the memory store's indexes and through plain ReadTx calls over the same
// data, and wants the same answer (the same rule when refused): the
// memory store's compact indexes must not change a single decision.
func TestFastPathAgrees(t *testing.T) {
	c := newCast(t)
	w := c.w
	plain, err := rbac.New(rbac.Config{Store: plainStore{w.Store}, Operators: []string{rbactest.Operator}})
	w.Must(err)
	// Some variety: a locked admin, a pending member, a group member.
	_, err = w.Svc.Lock(w.Ctx, c.l1, c.l2peer, quantri, "khóa")
	w.Must(err)
	_, err = w.Svc.Add(w.Ctx, c.l3, rbac.AddRequest{Subsystem: quantri, Unit: "na-c1", Query: vnconnect.Query{CCCD: rbactest.Person(20).CCCD.Number}, Reason: "thêm"})
	w.Must(err)

	actors := []string{rbactest.Operator, c.na, c.ht, c.tc, c.l1, c.l2, c.l2peer, c.l3, c.user, c.htL1, c.paknL1, "nobody", ""}
	accounts := append([]string{rbactest.PersonID(20), "nobody"}, actors...)
	units := []rbac.UnitID{"vn", "p-na", "na-vinh", "na-c1", "na-c2", "na-soyt", "p-ht", "ht-c1", "bo-tc", "no-such-unit", ""}
	subs := []rbac.SubsystemID{quantri, pakn, csdl, "no-such-sub"}
	actions := []struct {
		act rbac.Action
		t   rbac.Target
	}{
		{rbac.ActView, rbac.Target{}}, {rbac.ActLock, rbac.Target{}}, {rbac.ActActivate, rbac.Target{}},
		{rbac.ActRemove, rbac.Target{}}, {rbac.ActClearReview, rbac.Target{}},
		{rbac.ActAdd, rbac.Target{Unit: "na-c1"}}, {rbac.ActAdd, rbac.Target{Unit: "p-ht"}},
		{rbac.ActChangeUnit, rbac.Target{Unit: "na-c2"}}, {rbac.ActChangeUnit, rbac.Target{Unit: "p-na"}}, {rbac.ActChangeUnit, rbac.Target{Unit: "ht-c1"}},
		{rbac.ActGrant, rbac.Target{Role: rbac.RoleUnitAdmin, Level: 2}}, {rbac.ActGrant, rbac.Target{Role: rbac.RoleUnitAdmin, Level: 3}},
		{rbac.ActGrant, rbac.Target{Role: rbac.RoleProvinceAdmin, Level: 1}}, {rbac.ActGrant, rbac.Target{Role: rbac.RoleProcessor}},
		{rbac.ActSetGroup, rbac.Target{Group: rbac.GroupUnitAdmins}}, {rbac.ActSetGroup, rbac.Target{Group: rbac.GroupProcessors}},
		{rbac.ActRevoke, rbac.Target{Role: rbac.RoleUnitAdmin}},
	}
	asked, allowed := 0, 0
	for _, actor := range actors {
		for _, acc := range accounts {
			for _, sub := range subs {
				for _, a := range actions {
					tg := a.t
					tg.Account, tg.Subsystem = acc, sub
					fast := w.Svc.Can(w.Ctx, actor, a.act, tg)
					slow := plain.Can(w.Ctx, actor, a.act, tg)
					sameAnswer(t, "Can", fast, slow, actor, a.act, tg)
					asked++
					if fast == nil {
						allowed++
					}
				}
			}
		}
		for _, sub := range subs {
			for _, u := range units {
				for _, perm := range []rbac.Permission{rbac.PermManageUsers, rbac.PermPAKNProcess, rbac.PermConnection} {
					fast := w.Svc.Authorize(w.Ctx, actor, perm, sub, u)
					slow := plain.Authorize(w.Ctx, actor, perm, sub, u)
					sameAnswer(t, "Authorize "+string(perm), fast, slow, actor, "", rbac.Target{Subsystem: sub, Unit: u})
					asked++
					if fast == nil {
						allowed++
					}
				}
			}
		}
	}
	// Agreement means something only if the cast gives both answers.
	if allowed == 0 || allowed == asked {
		t.Fatalf("%d of %d questions allowed: the comparison needs both allows and refusals", allowed, asked)
	}
	t.Logf("%d questions (%d allowed), same answers", asked, allowed)
}

func sameAnswer(t *testing.T, what string, fast, slow error, actor string, act rbac.Action, tg rbac.Target) {
	t.Helper()
	var df, ds *rbac.DeniedError
	errors.As(fast, &df)
	errors.As(slow, &ds)
	switch {
	case (fast == nil) != (slow == nil), (df == nil) != (ds == nil), df != nil && df.Rule != ds.Rule,
		fast != nil && slow != nil && fast.Error() != slow.Error():
		t.Errorf("%s %s %s %+v: fast path says %v, plain path says %v", what, actor, act, tg, fast, slow)
	}
}
