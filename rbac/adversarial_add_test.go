package rbac_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Add aimed at someone who already stands on the subsystem at or above the
// actor. The rights check looks only at the account's super-admin units
// (see canMember), so what keeps the superior safe is Add itself: it
// refuses any existing membership as ErrAlreadyMember, whoever holds it,
// and changes nothing. This test pins that, so that a future Add that
// updates an existing membership cannot do it without a standing check.
func TestAdversarialAddSuperior(t *testing.T) {
	c := newCast(t)
	w, ctx, svc := c.w, c.w.Ctx, c.w.Svc
	// A locked admin keeps its standing.
	_, err := svc.Lock(ctx, c.l1, c.l2peer, quantri, "khóa")
	w.Must(err)

	cases := []struct {
		name   string
		actor  string
		target int // person index
		unit   rbac.UnitID
	}{
		{"level 2 re-adds its level-1 superior", c.l2, 1, "na-vinh"},
		{"level 2 re-adds a locked level-2 peer", c.l2, 3, "na-c1"},
		{"level 3 re-adds its level-2 superior into its unit", c.l3, 2, "na-c1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := rbactest.PersonID(tc.target)
			before := membership(t, w, id)
			_, err := svc.Add(ctx, tc.actor, rbac.AddRequest{Subsystem: quantri, Unit: tc.unit,
				Query: vnconnect.Query{CCCD: rbactest.Person(tc.target).CCCD.Number}, Reason: "thêm lại cấp trên"})
			if !errors.Is(err, rbac.ErrAlreadyMember) && !errors.Is(err, rbac.ErrForbidden) {
				t.Fatalf("Add of a superior: %v, want a refusal", err)
			}
			if after := membership(t, w, id); !reflect.DeepEqual(before, after) {
				t.Errorf("superior's membership changed:\n%+v\n%+v", before, after)
			}
		})
	}
	// A super admin outranks everyone: refused by the rules.
	denied(t, "level 1 adds its super admin", svc.Can(ctx, c.l1, rbac.ActAdd,
		rbac.Target{Account: c.na, Subsystem: quantri, Unit: "na-vinh"}), rbac.RulePeerOrSuperior)
	// Someone the actor manages is simply already there.
	_, err = svc.Add(ctx, c.l2, rbac.AddRequest{Subsystem: quantri, Unit: "na-c1",
		Query: vnconnect.Query{CCCD: rbactest.Person(5).CCCD.Number}, Reason: "thêm trùng"})
	if !errors.Is(err, rbac.ErrAlreadyMember) || !errors.Is(err, rbac.ErrConflict) || rbac.ErrorCode(err) != rbac.CodeConflict {
		t.Errorf("re-adding a managed member: %v, want ErrAlreadyMember (a conflict)", err)
	}
	w.VerifyChain()
}

func membership(t *testing.T, w *rbactest.World, id string) rbac.Membership {
	t.Helper()
	var m rbac.Membership
	w.Must(w.Store.View(w.Ctx, func(tx rbac.ReadTx) error {
		var err error
		m, err = tx.Membership(id, quantri)
		return err
	}))
	return m
}
