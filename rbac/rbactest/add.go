package rbactest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
)

// testAddSettings runs Add with initial settings (activate, group, lock)
// on the store: one transaction that writes them all, or, when a step is
// refused, nothing at all.
func testAddSettings(t *testing.T, s rbac.Store) {
	w := NewWorld(t, s)
	ctx, svc := w.Ctx, w.Svc
	na := w.Super("p-na")
	p1 := w.Admin(na, 1, rbac.SubsystemPAKN, "p-na", 1)

	// All three, as the PAKN screen saves them.
	before := w.VerifyChain()
	m, err := svc.Add(ctx, p1, rbac.AddRequest{Subsystem: rbac.SubsystemPAKN, Unit: "na-vinh", Query: queryFor(20),
		Reason: "thêm mới, nhóm admin, khóa", Activate: true, Group: rbac.GroupUnitAdmins, Lock: true})
	w.Must(err)
	want := []rbac.RoleGrant{{Role: rbac.RoleUnitAdmin, Level: 2, ViaGroup: rbac.GroupUnitAdmins, GrantedBy: p1}}
	if m.State != rbac.Active || !m.Locked || m.Group != rbac.GroupUnitAdmins || len(m.Roles) != 1 {
		t.Fatalf("Add with settings = %+v", m)
	}
	m.Roles[0].GrantedAt = want[0].GrantedAt
	if !reflect.DeepEqual(m.Roles, want) {
		t.Errorf("roles = %+v, want %+v", m.Roles, want)
	}
	if stored := storedMembership(t, w, PersonID(20), rbac.SubsystemPAKN); stored == nil || stored.State != rbac.Active ||
		!stored.Locked || stored.Group != rbac.GroupUnitAdmins || len(stored.Roles) != 1 {
		t.Errorf("stored = %+v", stored)
	}
	after := w.VerifyChain()
	var got []string
	w.Must(s.View(ctx, func(tx rbac.ReadTx) error {
		es, err := tx.Audit(before, 10)
		for _, e := range es {
			got = append(got, e.Action)
			if e.Actor != p1 || e.Target != "membership:"+PersonID(20)+"/pakn" || e.Reason != "thêm mới, nhóm admin, khóa" {
				t.Errorf("entry %+v", e)
			}
		}
		return err
	}))
	if wantActs := []string{"add", "activate", "set-group", "lock"}; after != before+4 || !reflect.DeepEqual(got, wantActs) {
		t.Errorf("audit after Add: %d entries %v, want %v", after-before, got, wantActs)
	}

	// A refused step leaves nothing: not the membership, not the account
	// (new or updated), not an audit entry.
	existing := w.Member(na, 21, rbac.SubsystemQuantri, "p-na") // an account already stored
	cases := []struct {
		name  string
		actor string
		req   rbac.AddRequest
		want  error
	}{
		{"group with a role, not activated", p1, rbac.AddRequest{Subsystem: rbac.SubsystemPAKN, Unit: "na-vinh",
			Query: queryFor(22), Group: rbac.GroupUnitAdmins}, rbac.ErrConflict},
		{"unknown group", p1, rbac.AddRequest{Subsystem: rbac.SubsystemPAKN, Unit: "na-vinh",
			Query: queryFor(22), Activate: true, Group: "nhom-khong-co", Lock: true}, rbac.ErrInvalid},
		{"unknown group, stored account", na, rbac.AddRequest{Subsystem: rbac.SubsystemPAKN, Unit: "na-vinh",
			Query: queryFor(21), Activate: true, Group: "nhom-khong-co"}, rbac.ErrInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := PersonID(22)
			if tc.req.Query == queryFor(21) {
				id = existing
			}
			acc, accErr := storedAccount(t, w, id)
			n := w.VerifyChain()
			tc.req.Reason = "thêm mới"
			m, err := svc.Add(ctx, tc.actor, tc.req)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Add = %+v, %v; want %v", m, err, tc.want)
			}
			if m.Account != "" {
				t.Errorf("refused Add returned %+v", m)
			}
			if got := storedMembership(t, w, id, rbac.SubsystemPAKN); got != nil {
				t.Errorf("refused Add left a membership: %+v", *got)
			}
			acc2, accErr2 := storedAccount(t, w, id)
			if !reflect.DeepEqual(acc, acc2) || (accErr == nil) != (accErr2 == nil) {
				t.Errorf("refused Add changed the account: %+v (%v) → %+v (%v)", acc, accErr, acc2, accErr2)
			}
			if n2 := w.VerifyChain(); n2 != n {
				t.Errorf("refused Add wrote %d audit entries", n2-n)
			}
		})
	}
}

func storedMembership(t *testing.T, w *World, account string, sub rbac.SubsystemID) *rbac.Membership {
	t.Helper()
	var out *rbac.Membership
	w.Must(w.Store.View(w.Ctx, func(tx rbac.ReadTx) error {
		m, err := tx.Membership(account, sub)
		switch {
		case err == nil:
			out = &m
		case !errors.Is(err, rbac.ErrNotFound):
			return err
		}
		return nil
	}))
	return out
}

func storedAccount(t *testing.T, w *World, id string) (rbac.Account, error) {
	t.Helper()
	var a rbac.Account
	var aErr error
	w.Must(w.Store.View(w.Ctx, func(tx rbac.ReadTx) error {
		a, aErr = tx.Account(id)
		if aErr != nil && !errors.Is(aErr, rbac.ErrNotFound) {
			return aErr
		}
		return nil
	}))
	return a, aErr
}
