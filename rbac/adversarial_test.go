package rbac_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// The adversarial suite: every way we found for an admin to act outside
// its subtree or at or above its level. Each attack must be refused, and
// the audit chain must verify afterwards.

const (
	quantri = rbac.SubsystemQuantri
	pakn    = rbac.SubsystemPAKN
	csdl    = rbac.SubsystemCSDL
)

// cast is the usual set of actors on a fresh World.
type cast struct {
	w                  *rbactest.World
	na, ht, tc         string // super admins of Nghệ An, Hà Tĩnh, Bộ Tài chính
	l1, l2, l2peer, l3 string // quantri admins in Nghệ An: p-na (1), na-vinh (2), na-c2 (2), na-c1 (3)
	user               string // a plain quantri user in na-c1
	htL1               string // quantri level-1 admin of Hà Tĩnh
	paknL1             string // PAKN level-1 admin of Nghệ An
}

func newCast(t *testing.T) *cast {
	w := rbactest.NewWorld(t, rbac.NewMemoryStore())
	c := &cast{w: w}
	c.na, c.ht, c.tc = w.Super("p-na"), w.Super("p-ht"), w.Super("bo-tc")
	c.l1 = w.Admin(c.na, 1, quantri, "p-na", 1)
	c.l2 = w.Admin(c.l1, 2, quantri, "na-vinh", 2)
	c.l2peer = w.Admin(c.l1, 3, quantri, "na-c2", 2)
	c.l3 = w.Admin(c.l2, 4, quantri, "na-c1", 3)
	c.user = w.Member(c.l3, 5, quantri, "na-c1")
	c.htL1 = w.Admin(c.ht, 6, quantri, "p-ht", 1)
	c.paknL1 = w.Admin(c.na, 7, pakn, "p-na", 1)
	// The super admin's agency account also works on quantri as a user.
	_, err := w.Svc.Add(w.Ctx, rbactest.Operator, rbac.AddRequest{Subsystem: quantri, Unit: "p-na",
		Query: vnconnect.Query{AgencyCode: "000.00.00.H41"}, Reason: "tài khoản cơ quan"})
	w.Must(err)
	_, err = w.Svc.Activate(w.Ctx, rbactest.Operator, c.na, quantri, "kích hoạt")
	w.Must(err)
	return c
}

func denied(t *testing.T, what string, err error, rule string) {
	t.Helper()
	rbactest.WantDenied(t, what, err, rule)
}

func TestAdversarial(t *testing.T) {
	c := newCast(t)
	w, ctx, svc := c.w, c.w.Ctx, c.w.Svc
	outsider := w.Member(c.ht, 10, quantri, "ht-c1")

	t.Run("DirectGrant", func(t *testing.T) {
		_, err := svc.Grant(ctx, c.l2, c.user, quantri, rbac.RoleUnitAdmin, 2, "own level")
		denied(t, "level 2 grants level 2", err, rbac.RuleLevel)
		_, err = svc.Grant(ctx, c.l2, c.user, quantri, rbac.RoleProvinceAdmin, 1, "above")
		denied(t, "level 2 grants level 1", err, rbac.RuleLevel)
		_, err = svc.Grant(ctx, c.l1, c.user, quantri, rbac.RoleMinistryAdmin, 1, "own level, wrong kind")
		if err == nil {
			t.Error("level 1 granted level 1")
		}
		_, err = svc.Grant(ctx, c.l2, outsider, quantri, rbac.RoleUnitAdmin, 3, "other province")
		denied(t, "grant outside subtree", err, rbac.RuleOutsideScope)
		_, err = svc.Grant(ctx, c.ht, c.user, quantri, rbac.RoleUnitAdmin, 2, "other province's super admin")
		denied(t, "super admin of another province", err, rbac.RuleOutsideScope)
		_, err = svc.Grant(ctx, c.tc, c.user, quantri, rbac.RoleUnitAdmin, 2, "ministry into province")
		denied(t, "ministry super admin in a province", err, rbac.RuleOutsideScope)
		_, err = svc.Grant(ctx, c.paknL1, c.user, quantri, rbac.RoleUnitAdmin, 2, "PAKN admin on quantri")
		denied(t, "admin of another subsystem", err, rbac.RuleOutsideScope)
		_, err = svc.Grant(ctx, c.l3, c.l3, quantri, rbac.RoleUnitAdmin, 1, "self")
		denied(t, "self grant", err, rbac.RuleSelf)
		_, err = svc.Grant(ctx, c.user, c.user, quantri, rbac.RoleUnitAdmin, 9, "self, no power")
		denied(t, "plain user grants itself", err, rbac.RuleSelf)
		_, err = svc.Grant(ctx, c.user, c.l3, quantri, rbac.RoleProcessor, 0, "plain user grants")
		denied(t, "plain user grants", err, rbac.RuleOutsideScope)
		_, err = svc.Grant(ctx, "", c.user, quantri, rbac.RoleProcessor, 0, "anonymous")
		denied(t, "no actor", err, rbac.RuleNoActor)
	})

	t.Run("PeerAndSuperior", func(t *testing.T) {
		for _, act := range []struct {
			name string
			do   func(actor, target string) error
		}{
			{"lock", func(a, tg string) error { _, err := svc.Lock(ctx, a, tg, quantri, "x"); return err }},
			{"revoke", func(a, tg string) error {
				_, err := svc.Revoke(ctx, a, tg, quantri, rbac.RoleUnitAdmin, "x")
				return err
			}},
			{"remove", func(a, tg string) error { return svc.Remove(ctx, a, tg, quantri, "x") }},
			{"change unit", func(a, tg string) error { _, err := svc.ChangeUnit(ctx, a, tg, quantri, "na-c1", "x"); return err }},
			{"set group", func(a, tg string) error { _, err := svc.SetGroup(ctx, a, tg, quantri, "", "x"); return err }},
		} {
			denied(t, act.name+" of a peer", act.do(c.l2, c.l2peer), rbac.RulePeerOrSuperior)
			denied(t, act.name+" of a superior in scope", act.do(c.l3, c.l2), rbac.RuleOutsideScope)
			denied(t, act.name+" of own superior", act.do(c.l2, c.l1), rbac.RuleOutsideScope)
			denied(t, act.name+" of a super admin", act.do(c.l1, c.na), rbac.RulePeerOrSuperior)
			denied(t, act.name+" of self", act.do(c.l2, c.l2), rbac.RuleSelf)
		}
		// A locked superior keeps its standing.
		_, err := svc.Lock(ctx, c.l1, c.l2peer, quantri, "khóa")
		w.Must(err)
		_, err = svc.Open(ctx, c.l2, c.l2peer, quantri, "open a locked peer")
		denied(t, "open a locked peer", err, rbac.RulePeerOrSuperior)
		_, err = svc.Open(ctx, c.l1, c.l2peer, quantri, "mở")
		w.Must(err)
	})

	t.Run("ViaGroup", func(t *testing.T) {
		// PAKN: the admin group carries the unit-admin role. A level-1 PAKN
		// admin putting someone in it grants level 2, never level 1.
		p := w.Member(c.paknL1, 11, pakn, "na-vinh")
		m, err := svc.SetGroup(ctx, c.paknL1, p, pakn, rbac.GroupUnitAdmins, "nhóm admin")
		w.Must(err)
		if len(m.Roles) != 1 || m.Roles[0].Level != 2 {
			t.Fatalf("group grant = %+v, want level 2", m.Roles)
		}
		q := w.Member(p, 12, pakn, "na-c1")
		// p (level 2 via group) puts q in the same group: q gets level 3.
		m, err = svc.SetGroup(ctx, p, q, pakn, rbac.GroupUnitAdmins, "nhóm admin")
		w.Must(err)
		if m.Roles[0].Level != 3 {
			t.Fatalf("second-hand group grant level %d, want 3", m.Roles[0].Level)
		}
		// q cannot touch p, nor put itself anywhere.
		_, err = svc.SetGroup(ctx, q, p, pakn, "", "kick my superior out of the group")
		denied(t, "group change of a superior", err, rbac.RuleOutsideScope)
		_, err = svc.SetGroup(ctx, q, q, pakn, rbac.GroupProcessors, "self")
		denied(t, "own group", err, rbac.RuleSelf)
		// A quantri admin has no say in PAKN groups.
		_, err = svc.SetGroup(ctx, c.l1, q, pakn, "", "other subsystem")
		denied(t, "group on another subsystem", err, rbac.RuleOutsideScope)
		// An admin at the deepest level cannot hand out the group at all.
		deep := w.Member(c.paknL1, 13, pakn, "na-c2")
		_, err = svc.Grant(ctx, c.paknL1, deep, pakn, rbac.RoleUnitAdmin, rbac.MaxLevel, "deepest")
		w.Must(err)
		r := w.Member(deep, 14, pakn, "na-c2")
		_, err = svc.SetGroup(ctx, deep, r, pakn, rbac.GroupUnitAdmins, "below the deepest level")
		if !errors.Is(err, rbac.ErrInvalid) {
			t.Errorf("group grant below MaxLevel: %v", err)
		}
	})

	t.Run("ChangeUnitOutOfScope", func(t *testing.T) {
		_, err := svc.ChangeUnit(ctx, c.l2, c.user, quantri, "ht-c1", "send to another province")
		denied(t, "change unit to outside", err, rbac.RuleOutsideScope)
		_, err = svc.ChangeUnit(ctx, c.l1, c.l3, quantri, "p-na", "lift a level-3 admin to the province")
		w.Must(err) // allowed: still below level 1 at p-na
		_, err = svc.ChangeUnit(ctx, c.l2, c.l3, quantri, "na-c1", "the level-2 admin no longer covers it")
		denied(t, "act on an admin moved above", err, rbac.RuleOutsideScope)
		_, err = svc.ChangeUnit(ctx, c.l1, c.l3, quantri, "na-c1", "back")
		w.Must(err)
	})

	t.Run("MoveUnit", func(t *testing.T) {
		_, err := svc.MoveUnit(ctx, c.l1, "na-c1", "na-c2", "admins do not move units")
		denied(t, "level-1 admin moves a unit", err, rbac.RuleSuperAdminOnly)
		_, err = svc.MoveUnit(ctx, c.na, "ht-d1", "p-na", "take a district of another province")
		denied(t, "move a foreign unit into own subtree", err, rbac.RuleOutsideScope)
		_, err = svc.MoveUnit(ctx, c.na, "na-vinh", "p-ht", "give away into foreign land")
		denied(t, "move into a foreign unit", err, rbac.RuleOutsideScope)
		_, err = svc.MoveUnit(ctx, c.na, "p-na", "ht-c1", "own unit under another")
		denied(t, "move own unit", err, rbac.RuleOutsideScope)
		_, err = svc.MoveUnit(ctx, c.na, "na-vinh", "na-c1", "under itself")
		if !errors.Is(err, rbac.ErrInvalid) {
			t.Errorf("move under own subtree: %v", err)
		}
		_, err = svc.MoveUnit(ctx, c.na, "na-vinh", "na-vinh", "under itself")
		if !errors.Is(err, rbac.ErrInvalid) {
			t.Errorf("move under itself: %v", err)
		}
		// The operator cannot make a cycle either.
		_, err = svc.MoveUnit(ctx, rbactest.Operator, "vn", "na-c1", "cycle")
		if err == nil {
			t.Error("operator moved the root under a leaf")
		}
		_, err = svc.CreateUnit(ctx, c.l1, rbac.Unit{ID: "x", Parent: "p-na", Name: "X"}, "admins do not create units")
		denied(t, "admin creates a unit", err, rbac.RuleSuperAdminOnly)
		_, err = svc.CreateUnit(ctx, c.na, rbac.Unit{ID: "x", Parent: "p-ht", Name: "X"}, "create in a foreign unit")
		denied(t, "create in a foreign unit", err, rbac.RuleOutsideScope)
		_, err = svc.RenameUnit(ctx, c.na, "p-na", "Tỉnh Nghệ An mới", "own unit")
		denied(t, "rename own unit", err, rbac.RuleOutsideScope)
	})

	t.Run("Merge", func(t *testing.T) {
		merge := func(actor string, into rbac.UnitID, src ...rbac.UnitID) error {
			req := rbac.MergeRequest{Into: into, Reason: "sáp nhập"}
			for _, s := range src {
				req.Sources = append(req.Sources, rbac.MergeSource{Unit: s})
			}
			_, err := svc.MergeUnits(ctx, actor, req)
			return err
		}
		denied(t, "merge a foreign province in", merge(c.na, "p-na", "p-ht"), rbac.RuleOutsideScope)
		denied(t, "merge own unit into own child", merge(c.na, "na-vinh", "p-na"), rbac.RuleOutsideScope)
		denied(t, "merge into a foreign unit", merge(c.na, "ht-c1", "na-c1"), rbac.RuleOutsideScope)
		denied(t, "admin merges", merge(c.l1, "na-c2", "na-c1"), rbac.RuleSuperAdminOnly)
		// A foreign source among good ones: all or nothing.
		denied(t, "mixed merge", merge(c.na, "na-c2", "na-c1", "ht-c1"), rbac.RuleOutsideScope)
		w.Must(w.Store.View(ctx, func(tx rbac.ReadTx) error {
			u, _ := tx.Unit("na-c1")
			if !u.Live() {
				t.Error("na-c1 merged by a refused merge")
			}
			return nil
		}))
		if err := merge(c.na, "na-c1", "na-vinh"); !errors.Is(err, rbac.ErrInvalid) {
			t.Errorf("merge into own subtree: %v", err)
		}
		// A unit with its own (delegated) super admin: only the operator.
		req, err := svc.RequestDelegatedSuperAdmin(ctx, rbactest.Credential("000.00.35.H41"), "na-tt", "QĐ 9/QĐ-UBND", "x")
		if err == nil {
			t.Errorf("delegation to a unit with no agency code above it: %+v", req)
		}
		_, err = svc.AppointSuperAdmin(ctx, rbactest.Operator, "ag-na-tt", "na-tt", "QĐ 10/QĐ-UBND", "bổ nhiệm")
		w.Must(err)
		denied(t, "merge a unit holding a super admin", merge(c.na, "p-na", "na-tt"), rbac.RuleOperatorOnly)
	})

	t.Run("ReactivateRemovedAdmin", func(t *testing.T) {
		victim := w.Admin(c.l1, 20, quantri, "na-c2", 2)
		sub := w.Admin(victim, 21, quantri, "na-c2", 3)
		w.Must(svc.Remove(ctx, c.l1, victim, quantri, "thôi việc"))
		// The former subordinate re-adds its old boss: it comes back pending,
		// with no roles, and the subordinate still cannot lift it.
		_, err := svc.Add(ctx, sub, rbac.AddRequest{Subsystem: quantri, Unit: "na-c2",
			Query: vnconnect.Query{CCCD: rbactest.Person(20).CCCD.Number}, Reason: "thêm lại"})
		w.Must(err)
		_, err = svc.Activate(ctx, victim, victim, quantri, "self")
		denied(t, "removed admin activates itself", err, rbac.RuleSelf)
		m, err := svc.Activate(ctx, sub, victim, quantri, "kích hoạt lại")
		w.Must(err)
		if len(m.Roles) != 0 {
			t.Errorf("re-added admin got roles back: %+v", m.Roles)
		}
		_, err = svc.Grant(ctx, sub, victim, quantri, rbac.RoleUnitAdmin, 2, "restore")
		denied(t, "restore the old level", err, rbac.RuleLevel)
		denied(t, "old power", svc.Can(ctx, victim, rbac.ActLock, rbac.Target{Account: sub, Subsystem: quantri}), rbac.RuleOutsideScope)
		// A locked admin has no power either.
		_, err = svc.Lock(ctx, c.l1, c.l2, quantri, "khóa")
		w.Must(err)
		_, err = svc.Lock(ctx, c.l2, c.user, quantri, "locked admin acts")
		denied(t, "locked admin acts", err, rbac.RuleOutsideScope)
		_, err = svc.Open(ctx, c.l2, c.l2, quantri, "unlock self")
		denied(t, "locked admin opens itself", err, rbac.RuleSelf)
		_, err = svc.Open(ctx, c.l1, c.l2, quantri, "mở")
		w.Must(err)
	})

	t.Run("SuperAdminRegistration", func(t *testing.T) {
		_, err := svc.RequestSuperAdmin(ctx, rbactest.Credential("000.00.00.H30"), "p-na", "another province's certificate")
		denied(t, "mismatched certificate", err, rbac.RuleCodeMismatch)
		_, err = svc.RequestDelegatedSuperAdmin(ctx, rbactest.Credential("000.00.01.G12"), "p-na", "QĐ 1", "body of another tree")
		denied(t, "delegation to a body outside the unit", err, rbac.RuleCodeMismatch)
		req, err := svc.RequestSuperAdmin(ctx, rbactest.Credential("000.00.00.H41"), "p-na", "again")
		w.Must(err)
		_, err = svc.ApproveSuperAdmin(ctx, c.na, req.ID, "approve my own")
		denied(t, "super admin approves", err, rbac.RuleOperatorOnly)
		_, err = svc.ApproveSuperAdmin(ctx, rbactest.Operator, req.ID, "duplicate")
		if !errors.Is(err, rbac.ErrConflict) {
			t.Errorf("approve a duplicate: %v", err)
		}
		_, err = svc.AppointSuperAdmin(ctx, c.na, c.l1, "p-na", "QĐ", "appoint a friend")
		denied(t, "super admin appoints", err, rbac.RuleOperatorOnly)
		denied(t, "remove another super admin", svc.RemoveSuperAdmin(ctx, c.na, c.ht, "p-ht", "x"), rbac.RuleOperatorOnly)
		denied(t, "last super admin resigns", svc.RemoveSuperAdmin(ctx, c.ht, c.ht, "p-ht", "x"), rbac.RuleLastSuperAdmin)
	})

	if n := w.VerifyChain(); n == 0 {
		t.Error("empty audit chain")
	}
}

// TestAdversarialRaces runs conflicting requests from goroutines; the
// store's serialised transactions must leave a state some serial order
// explains, and the chain must verify.
func TestAdversarialRaces(t *testing.T) {
	t.Run("LastSuperAdminResignsTwice", func(t *testing.T) {
		for round := range 20 {
			w := rbactest.NewWorld(t, rbac.NewMemoryStore())
			a := w.Super("p-na")
			_, err := w.Svc.AppointSuperAdmin(w.Ctx, rbactest.Operator, "ag-na-tt", "p-na", "QĐ 5/QĐ-UBND", "ủy quyền")
			w.Must(err)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, who := range []string{a, "ag-na-tt"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = w.Svc.RemoveSuperAdmin(w.Ctx, who, who, "p-na", "từ nhiệm")
				}()
			}
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("round %d: both or neither resigned: %v / %v", round, errs[0], errs[1])
			}
			w.VerifyChain()
		}
	})

	t.Run("GrantWhileBeingRevoked", func(t *testing.T) {
		c := newCast(t)
		w, svc := c.w, c.w.Svc
		users := make([]string, 10)
		for i := range users {
			users[i] = w.Member(c.l2, 21+i, quantri, "na-c1")
		}
		var wg sync.WaitGroup
		var revokeErr error
		grantErrs := make([]error, len(users))
		start := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, revokeErr = svc.Revoke(w.Ctx, c.l1, c.l2, quantri, rbac.RoleUnitAdmin, "thu hồi quyền")
		}()
		for i, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, grantErrs[i] = svc.Grant(w.Ctx, c.l2, u, quantri, rbac.RoleUnitAdmin, 3, "race")
			}()
		}
		close(start)
		wg.Wait()
		w.Must(revokeErr)
		// Every grant that went through is before the revocation in the log.
		var buf entries
		w.Must(svc.ExportAudit(w.Ctx, &buf, 0))
		revokeSeq, grantSeqs := buf.seqs(t, c.l1, c.l2)
		for i, err := range grantErrs {
			if err != nil {
				denied(t, "grant after revocation", err, rbac.RuleOutsideScope)
			}
			_ = i
		}
		for _, s := range grantSeqs {
			if s > revokeSeq {
				t.Errorf("grant at seq %d after the revocation at %d", s, revokeSeq)
			}
		}
		w.VerifyChain()
	})

	t.Run("ConcurrentEscalationAttempts", func(t *testing.T) {
		c := newCast(t)
		w, svc := c.w, c.w.Svc
		var wg sync.WaitGroup
		var mu sync.Mutex
		var allowed []string
		attempt := func(name string, f func() error) {
			defer wg.Done()
			if err := f(); err == nil || !errors.Is(err, rbac.ErrForbidden) {
				mu.Lock()
				allowed = append(allowed, fmt.Sprintf("%s: %v", name, err))
				mu.Unlock()
			}
		}
		for range 25 {
			wg.Add(5)
			go attempt("self grant", func() error {
				_, err := svc.Grant(w.Ctx, c.l3, c.l3, quantri, rbac.RoleUnitAdmin, 1, "x")
				return err
			})
			go attempt("peer lock", func() error { _, err := svc.Lock(w.Ctx, c.l2, c.l2peer, quantri, "x"); return err })
			go attempt("steal unit", func() error { _, err := svc.MoveUnit(w.Ctx, c.na, "ht-d1", "p-na", "x"); return err })
			go attempt("merge foreign", func() error {
				_, err := svc.MergeUnits(w.Ctx, c.na, rbac.MergeRequest{Into: "p-na", Sources: []rbac.MergeSource{{Unit: "p-ht"}}, Reason: "x"})
				return err
			})
			go attempt("grant level 1", func() error {
				_, err := svc.Grant(w.Ctx, c.l2, c.user, quantri, rbac.RoleProvinceAdmin, 1, "x")
				return err
			})
		}
		wg.Wait()
		for _, a := range allowed {
			t.Errorf("not refused: %s", a)
		}
		w.VerifyChain()
	})
}
