package migrate_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
)

const (
	pakn = rbac.SubsystemPAKN
	csdl = rbac.SubsystemCSDL
)

func TestConvertLegacy(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		f := newFixture(t, b)
		f.legacy("nguyenvana", pakn, "na-soyt", rbac.GroupProcessors)
		to := f.member(2, pakn, "na-soyt", rbac.GroupProcessors)
		f.seedData("nguyenvana", 3, pakn, csdl)
		f.seedData(to, 1, pakn)

		req := migrate.Request{Kind: migrate.FromLegacy, From: "nguyenvana", To: to, Subsystems: []rbac.SubsystemID{pakn},
			Actor: f.admin, Reason: "chuyển đổi tài khoản"}
		plan, err := f.conv.Plan(f.ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		want := migrate.Counts{"app:documents.owner": 3, "app:replies.author": 3, "app:files.uploaded_by": 3}
		for k, v := range want {
			if plan.Rows[k] != v {
				t.Errorf("plan %s = %d, want %d (%v)", k, plan.Rows[k], v, plan.Rows)
			}
		}
		if plan.TargetBefore["app:documents.owner"] != 1 {
			t.Errorf("target before = %v", plan.TargetBefore)
		}
		if got := f.owned("nguyenvana"); got != [3]int{6, 3, 3} {
			t.Fatalf("the plan changed data: %v", got)
		}

		cv, err := f.conv.Execute(f.ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if cv.State != migrate.StateDone {
			t.Fatalf("state %s", cv.State)
		}
		if err := f.conv.Verify(f.ctx, cv.ID); err != nil {
			t.Fatal(err)
		}
		// The csdl petitions stay: only pakn was converted.
		if got := f.owned("nguyenvana"); got != [3]int{3, 0, 0} {
			t.Errorf("source owns %v after", got)
		}
		if got := f.owned(to); got != [3]int{4, 4, 4} {
			t.Errorf("target owns %v after", got)
		}
		f.assertLegacy("nguyenvana", pakn, true, to)
		f.assertAudit(migrate.AuditConvert, cv.ID)

		// Converting again is refused and explained.
		if _, err := f.conv.Execute(f.ctx, req); migrate.PreconditionCode(err) != migrate.CodeAlreadyConverted {
			t.Errorf("second conversion: %v", err)
		}

		// Revert restores the exact prior state.
		rv, err := f.conv.Revert(f.ctx, f.admin, cv.ID, "nhầm tài khoản")
		if err != nil {
			t.Fatal(err)
		}
		if rv.State != migrate.StateReverted {
			t.Fatalf("state %s", rv.State)
		}
		if got := f.owned("nguyenvana"); got != [3]int{6, 3, 3} {
			t.Errorf("source owns %v after revert", got)
		}
		if got := f.owned(to); got != [3]int{1, 1, 1} {
			t.Errorf("target owns %v after revert", got)
		}
		f.assertLegacy("nguyenvana", pakn, false, "")
		f.assertAudit(migrate.AuditRevert, cv.ID)
		f.w.VerifyChain()
	})
}

func TestConvertVnconnect(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		f := newFixture(t, b)
		from := f.member(1, pakn, "na-soyt", rbac.GroupProcessors)
		_, err := f.w.Svc.Grant(f.ctx, f.admin, from, pakn, rbac.RoleViewer, rbac.LevelNone, "theo dõi")
		f.w.Must(err)
		f.member(1, csdl, "na-soyt", "") // a second subsystem: converted with "all"
		to := f.member(2, pakn, "na-soyt", rbac.GroupProcessors)
		f.member(2, csdl, "na-soyt", "")
		f.seedData(from, 2, pakn, csdl)
		srcBefore, _ := f.membership(from, pakn)
		tgtBefore, _ := f.membership(to, pakn)

		cv, err := f.conv.Execute(f.ctx, migrate.Request{Kind: migrate.FromVnconnect, From: from, To: to, Actor: f.admin, Reason: "thay đổi cán bộ"})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.conv.Verify(f.ctx, cv.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.owned(from); got != [3]int{} {
			t.Errorf("source owns %v", got)
		}
		if got := f.owned(to); got != [3]int{4, 2, 2} {
			t.Errorf("target owns %v", got)
		}
		for _, sub := range []rbac.SubsystemID{pakn, csdl} {
			if _, err := f.membership(from, sub); !errors.Is(err, rbac.ErrNotFound) {
				t.Errorf("source still on %s: %v", sub, err)
			}
		}
		m, _ := f.membership(to, pakn)
		if roles := roleIDs(m); !slices.Contains(roles, rbac.RoleProcessor) || !slices.Contains(roles, rbac.RoleViewer) || len(roles) != 2 {
			t.Errorf("target roles %v", roles)
		}
		// Rights still decide: the target may now view PAKN.
		if err := f.w.Svc.Authorize(f.ctx, to, rbac.PermPAKNView, pakn, "na-soyt"); err != nil {
			t.Error(err)
		}

		if _, err := f.conv.Revert(f.ctx, f.admin, cv.ID, "hoàn tác"); err != nil {
			t.Fatal(err)
		}
		srcAfter, err := f.membership(from, pakn)
		if err != nil {
			t.Fatal(err)
		}
		tgtAfter, _ := f.membership(to, pakn)
		if !sameRights(srcBefore, srcAfter) || !sameRights(tgtBefore, tgtAfter) {
			t.Errorf("revert: source %v → %v, target %v → %v", roleIDs(srcBefore), roleIDs(srcAfter), roleIDs(tgtBefore), roleIDs(tgtAfter))
		}
		if got := f.owned(from); got != [3]int{4, 2, 2} {
			t.Errorf("source owns %v after revert", got)
		}
		f.w.VerifyChain()
	})
}

func TestRevertRefusedWhenRightsChanged(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		f := newFixture(t, b)
		from := f.member(1, pakn, "na-soyt", rbac.GroupProcessors)
		to := f.member(2, pakn, "na-soyt", rbac.GroupProcessors)
		f.seedData(from, 1, pakn)
		cv, err := f.conv.Execute(f.ctx, migrate.Request{Kind: migrate.FromVnconnect, From: from, To: to, Actor: f.admin, Reason: "x"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.w.Svc.Grant(f.ctx, f.admin, to, pakn, rbac.RoleViewer, rbac.LevelNone, "thêm quyền")
		f.w.Must(err)
		if _, err := f.conv.Revert(f.ctx, f.admin, cv.ID, "hoàn tác"); !errors.Is(err, migrate.ErrConflict) {
			t.Fatalf("revert after a rights change: %v", err)
		}
		got, err := f.conv.Get(f.ctx, cv.ID)
		if err != nil || got.State != migrate.StateDone {
			t.Fatalf("state after refused revert: %v %v", got, err)
		}
		if got := f.owned(to); got != [3]int{1, 1, 1} {
			t.Errorf("a refused revert moved data: %v", got)
		}
		// The locks are free again: a new conversion of the target runs.
		f.legacy("tranb", pakn, "na-soyt", rbac.GroupProcessors)
		if _, err := f.conv.Execute(f.ctx, migrate.Request{Kind: migrate.FromLegacy, From: "tranb", To: to, Actor: f.admin, Reason: "y"}); err != nil {
			t.Fatal(err)
		}
	})
}

func (f *fixture) assertLegacy(user string, sub rbac.SubsystemID, disabled bool, to string) {
	f.t.Helper()
	leg, _ := migrate.NewSQLLegacy(f.b.d, migrate.LegacyTable{})
	accts, err := leg.Accounts(f.ctx, f.b.db, user)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, a := range accts {
		if a.Subsystem == sub && (a.Disabled != disabled || a.ConvertedTo != to) {
			f.t.Errorf("legacy %s on %s: disabled %v converted to %q; want %v %q", user, sub, a.Disabled, a.ConvertedTo, disabled, to)
		}
	}
}

func (f *fixture) assertAudit(action, id string) {
	f.t.Helper()
	var n int
	err := f.b.rbac.View(f.ctx, func(tx rbac.ReadTx) error {
		es, err := tx.Audit(0, 0)
		for _, e := range es {
			if e.Action == action && e.Target == "conversion:"+id {
				n++
			}
		}
		return err
	})
	if err != nil || n != 1 {
		f.t.Errorf("audit %s of %s: %d entries, %v", action, id, n, err)
	}
}

func roleIDs(m rbac.Membership) []rbac.RoleID {
	var out []rbac.RoleID
	for _, g := range m.Roles {
		out = append(out, g.Role)
	}
	return out
}

func sameRights(a, b rbac.Membership) bool {
	if a.Unit != b.Unit || a.Group != b.Group || a.State != b.State || a.Locked != b.Locked || len(a.Roles) != len(b.Roles) {
		return false
	}
	for i := range a.Roles {
		if a.Roles[i].Role != b.Roles[i].Role || a.Roles[i].Level != b.Roles[i].Level || a.Roles[i].ViaGroup != b.Roles[i].ViaGroup {
			return false
		}
	}
	return true
}
