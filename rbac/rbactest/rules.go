package rbactest

import (
	"errors"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// wantRule fails unless err is a refusal by the given rule.
func wantRule(t testing.TB, what string, err error, rule string) {
	t.Helper()
	var d *rbac.DeniedError
	if !errors.As(err, &d) || !errors.Is(err, rbac.ErrForbidden) {
		t.Errorf("%s: err = %v, want refusal by %s", what, err, rule)
		return
	}
	if rule != "" && d.Rule != rule {
		t.Errorf("%s: refused by %s (%s), want %s", what, d.Rule, d.Reason, rule)
	}
}

// WantDenied fails unless err is an ErrForbidden refusal (by rule, when
// rule is not "").
func WantDenied(t testing.TB, what string, err error, rule string) {
	t.Helper()
	wantRule(t, what, err, rule)
}

// testRules runs the delegation rules end to end on the store: the same
// Service code, so any difference is the store's.
func testRules(t *testing.T, s rbac.Store) {
	w := NewWorld(t, s)
	ctx, svc := w.Ctx, w.Svc

	// Super admin: the certificate's code must be the unit's.
	_, err := svc.RequestSuperAdmin(ctx, Credential("000.00.00.H30"), "p-na", "sai mã")
	wantRule(t, "request with another province's code", err, rbac.RuleCodeMismatch)
	_, err = svc.RequestSuperAdmin(ctx, Credential("000.00.35.H41"), "p-na", "đơn vị trực thuộc, không có quyết định")
	wantRule(t, "subordinate body without a decision", err, rbac.RuleCodeMismatch)
	na := w.Super("p-na")
	req, err := svc.RequestDelegatedSuperAdmin(ctx, Credential("000.00.35.H41"), "p-na", "QĐ 123/QĐ-UBND", "ủy quyền cho TTPVHCC")
	w.Must(err)
	_, err = svc.ApproveSuperAdmin(ctx, na, req.ID, "not the operator")
	wantRule(t, "approval by a super admin", err, rbac.RuleOperatorOnly)
	tt, err := svc.ApproveSuperAdmin(ctx, Operator, req.ID, "có quyết định ủy quyền")
	w.Must(err)
	if tt.Decision != "QĐ 123/QĐ-UBND" || tt.Account != "ag-na-tt" {
		t.Errorf("delegated super admin = %+v", tt)
	}

	// Super admin → level 1 → level 2, each within its subtree and below its level.
	a1 := w.Admin(na, 1, rbac.SubsystemQuantri, "p-na", 1)
	a2 := w.Admin(a1, 2, rbac.SubsystemQuantri, "na-vinh", 2)
	u3 := w.Member(a2, 3, rbac.SubsystemQuantri, "na-c1")
	_, err = svc.Grant(ctx, a2, u3, rbac.SubsystemQuantri, rbac.RoleUnitAdmin, 2, "same level")
	wantRule(t, "level-2 grants level 2", err, rbac.RuleLevel)
	_, err = svc.Grant(ctx, a2, u3, rbac.SubsystemQuantri, rbac.RoleUnitAdmin, 3, "below")
	w.Must(err)
	_, err = svc.Lock(ctx, a2, a1, rbac.SubsystemQuantri, "superior")
	wantRule(t, "level 2 locks level 1 above its unit", err, rbac.RuleOutsideScope)
	peer := w.Admin(a1, 6, rbac.SubsystemQuantri, "na-c2", 2)
	_, err = svc.Lock(ctx, a2, peer, rbac.SubsystemQuantri, "peer")
	wantRule(t, "level 2 locks a level-2 admin below its unit", err, rbac.RulePeerOrSuperior)
	_, err = svc.Grant(ctx, a2, a2, rbac.SubsystemQuantri, rbac.RoleUnitAdmin, 1, "self")
	wantRule(t, "self grant", err, rbac.RuleSelf)
	_, err = svc.Add(ctx, a2, rbac.AddRequest{Subsystem: rbac.SubsystemQuantri, Unit: "ht-c1", Query: queryFor(4), Reason: "outside"})
	wantRule(t, "add outside subtree", err, rbac.RuleOutsideScope)
	_, err = svc.Add(ctx, a1, rbac.AddRequest{Subsystem: rbac.SubsystemPAKN, Unit: "na-c1", Query: queryFor(4), Reason: "not admin of PAKN"})
	wantRule(t, "add on a subsystem where not admin", err, rbac.RuleOutsideScope)

	// The super admin manages every subsystem of its subtree.
	p5 := w.Admin(na, 5, rbac.SubsystemPAKN, "na-soyt", 1)
	if err := svc.Authorize(ctx, p5, rbac.PermPAKNProcess, rbac.SubsystemPAKN, "na-soyt"); err != nil {
		t.Errorf("Authorize admin in own unit: %v", err)
	}
	wantRule(t, "Authorize outside unit", svc.Authorize(ctx, p5, rbac.PermPAKNProcess, rbac.SubsystemPAKN, "na-vinh"), rbac.RuleNoPermission)

	// The last super admin: only the operator removes it.
	w.Must(svc.RemoveSuperAdmin(ctx, "ag-na-tt", "ag-na-tt", "p-na", "từ nhiệm"))
	wantRule(t, "last super admin resigns", svc.RemoveSuperAdmin(ctx, na, na, "p-na", "từ nhiệm"), rbac.RuleLastSuperAdmin)
	w.Must(svc.RemoveSuperAdmin(ctx, Operator, na, "p-na", "thu hồi"))

	// Listing and name search across the store.
	page, err := svc.ListUsers(ctx, a1, rbac.UserFilter{Name: Person(2).FullName[:3]})
	w.Must(err)
	found := false
	for _, u := range page.Users {
		found = found || u.Account.TechID == a2
	}
	if !found {
		t.Errorf("ListUsers by name: %+v", page.Users)
	}
	if n := w.VerifyChain(); n < 20 {
		t.Errorf("audit has %d entries", n)
	}
}

// queryFor is the Vnconnect look-up of person i by CCCD.
func queryFor(i int) vnconnect.Query { return vnconnect.Query{CCCD: Person(i).CCCD.Number} }
