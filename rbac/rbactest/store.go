package rbactest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/rbac"
)

// TestStore runs the conformance suite. newStore must return a new, empty
// store for each call (each subtest gets its own) and register its own
// cleanup with t.
func TestStore(t *testing.T, newStore func(t *testing.T) rbac.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s rbac.Store)
	}{
		{"Units", testUnits},
		{"Subsystems", testSubsystems},
		{"Accounts", testAccounts},
		{"Memberships", testMemberships},
		{"ListMemberships", testListMemberships},
		{"SuperAdmins", testSuperAdmins},
		{"Requests", testRequests},
		{"Audit", testAudit},
		{"ReadYourWrites", testReadYourWrites},
		{"FailedUpdateLeavesNoTrace", testRollback},
		{"PanickingUpdateLeavesNoTrace", testPanicRollback},
		{"ConcurrentUpdatesSerialise", testConcurrentUpdates},
		{"CancelledContext", testCancelled},
		{"Rules", testRules},
		{"AddWithSettings", testAddSettings},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

// T0 is the suite's fixed time, with microsecond precision as rbac writes.
var T0 = time.Date(2025, 7, 1, 8, 30, 0, 123456000, time.UTC)

func update(t *testing.T, s rbac.Store, fn func(tx rbac.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t *testing.T, s rbac.Store, fn func(tx rbac.ReadTx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func unit(id, parent string) rbac.Unit {
	return rbac.Unit{ID: rbac.UnitID(id), Parent: rbac.UnitID(parent), Name: "Unit " + id, Kind: rbac.KindOther,
		State: rbac.UnitLive, CreatedAt: T0, UpdatedAt: T0}
}

func ids(us []rbac.Unit) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = string(u.ID)
	}
	return out
}

func keys(ms []rbac.Membership) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Account + "/" + string(m.Subsystem)
	}
	return out
}

func wantIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if got == nil {
		got = []string{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, rbac.ErrNotFound) {
		t.Errorf("%s: err = %v, want ErrNotFound", what, err)
	}
}

func testUnits(t *testing.T, s rbac.Store) {
	update(t, s, func(tx rbac.Tx) error {
		for _, u := range []rbac.Unit{unit("root", ""), unit("b", "root"), unit("a", "root"), unit("a1", "a"), unit("other", "")} {
			must(tx.PutUnit(u))
		}
		u := unit("coded", "root")
		u.Code, u.CodeKind, u.Kind = "000.00.00.H41", rbac.CodeAgency, rbac.KindProvince
		u.State, u.MergedInto = rbac.UnitMerged, "a"
		return tx.PutUnit(u)
	})
	view(t, s, func(tx rbac.ReadTx) error {
		u, err := tx.Unit("coded")
		if err != nil {
			t.Fatal(err)
		}
		want := unit("coded", "root")
		want.Code, want.CodeKind, want.Kind = "000.00.00.H41", rbac.CodeAgency, rbac.KindProvince
		want.State, want.MergedInto = rbac.UnitMerged, "a"
		if !u.CreatedAt.Equal(T0) || !u.UpdatedAt.Equal(T0) {
			t.Errorf("times = %v %v, want %v", u.CreatedAt, u.UpdatedAt, T0)
		}
		u.CreatedAt, u.UpdatedAt = want.CreatedAt, want.UpdatedAt
		if fmt.Sprint(u) != fmt.Sprint(want) {
			t.Errorf("Unit = %+v, want %+v", u, want)
		}
		roots, _ := tx.Children("")
		wantIDs(t, "roots", ids(roots), []string{"other", "root"})
		kids, _ := tx.Children("root")
		wantIDs(t, "children(root)", ids(kids), []string{"a", "b", "coded"})
		none, err := tx.Children("a1")
		if err != nil || len(none) != 0 {
			t.Errorf("children(leaf) = %v, %v", none, err)
		}
		_, err = tx.Unit("nope")
		wantNotFound(t, "Unit(nope)", err)
		return nil
	})
	// Re-parenting keeps the children index in step.
	update(t, s, func(tx rbac.Tx) error {
		u, err := tx.Unit("a1")
		must(err)
		u.Parent, u.Name = "b", "renamed"
		return tx.PutUnit(u)
	})
	view(t, s, func(tx rbac.ReadTx) error {
		a, _ := tx.Children("a")
		b, _ := tx.Children("b")
		wantIDs(t, "children(a) after move", ids(a), nil)
		wantIDs(t, "children(b) after move", ids(b), []string{"a1"})
		u, _ := tx.Unit("a1")
		if u.Name != "renamed" {
			t.Errorf("name = %q", u.Name)
		}
		return nil
	})
}

func testSubsystems(t *testing.T, s rbac.Store) {
	sub := rbac.PAKN()
	update(t, s, func(tx rbac.Tx) error {
		must(tx.PutSubsystem(rbac.Quantri()))
		return tx.PutSubsystem(sub)
	})
	sub.Roles[0].Name = "changed after Put" // the store must have its own copy
	view(t, s, func(tx rbac.ReadTx) error {
		got, err := tx.Subsystem(rbac.SubsystemPAKN)
		must(err)
		want := rbac.PAKN()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Subsystem = %+v\nwant %+v", got, want)
		}
		all, _ := tx.Subsystems()
		var names []string
		for _, s := range all {
			names = append(names, string(s.ID))
		}
		wantIDs(t, "Subsystems", names, []string{string(rbac.SubsystemPAKN), string(rbac.SubsystemQuantri)})
		_, err = tx.Subsystem("nope")
		wantNotFound(t, "Subsystem(nope)", err)
		return nil
	})
}

func testAccounts(t *testing.T, s rbac.Store) {
	a := rbac.Account{TechID: "t1", Type: 1, FullName: "Nguyễn Văn An", CCCD: "001090000001", CMND: "123456789",
		Phone: "+84912345678", Email: "an@example.vn", AgencyCode: "000.00.00.H41", TaxCode: "0100109106",
		CreatedAt: T0, UpdatedAt: T0}
	update(t, s, func(tx rbac.Tx) error { return tx.PutAccount(a) })
	view(t, s, func(tx rbac.ReadTx) error {
		got, err := tx.Account("t1")
		must(err)
		if !got.CreatedAt.Equal(T0) {
			t.Errorf("CreatedAt = %v", got.CreatedAt)
		}
		got.CreatedAt, got.UpdatedAt = a.CreatedAt, a.UpdatedAt
		if got != a {
			t.Errorf("Account = %+v, want %+v", got, a)
		}
		_, err = tx.Account("t2")
		wantNotFound(t, "Account(t2)", err)
		return nil
	})
}

func member(acc string, sub rbac.SubsystemID, u string, grants ...rbac.RoleGrant) rbac.Membership {
	return rbac.Membership{Account: acc, Subsystem: sub, Unit: rbac.UnitID(u), State: rbac.Active,
		Roles: grants, AddedBy: "op", CreatedAt: T0, UpdatedAt: T0}
}

func admin(level rbac.Level) rbac.RoleGrant {
	return rbac.RoleGrant{Role: "admin", Level: level, GrantedBy: "op", GrantedAt: T0}
}

func staff() rbac.RoleGrant {
	return rbac.RoleGrant{Role: "staff", Level: rbac.LevelNone, GrantedBy: "op", GrantedAt: T0}
}

func seedTree(t *testing.T, s rbac.Store) {
	t.Helper()
	update(t, s, func(tx rbac.Tx) error {
		for _, u := range []rbac.Unit{unit("root", ""), unit("p1", "root"), unit("p2", "root"), unit("d1", "p1"), unit("c1", "d1")} {
			must(tx.PutUnit(u))
		}
		return nil
	})
}

func testMemberships(t *testing.T, s rbac.Store) {
	seedTree(t, s)
	update(t, s, func(tx rbac.Tx) error {
		must(tx.PutMembership(member("u1", "pakn", "p1", admin(1))))
		m := member("u1", "csdl", "c1", staff())
		m.Group, m.Locked, m.State, m.Review = "g1", true, rbac.Pending, "partial merge"
		must(tx.PutMembership(m))
		return tx.PutMembership(member("u2", "pakn", "p1"))
	})
	view(t, s, func(tx rbac.ReadTx) error {
		m, err := tx.Membership("u1", "csdl")
		must(err)
		if m.Group != "g1" || !m.Locked || m.State != rbac.Pending || m.Review != "partial merge" || m.Unit != "c1" ||
			len(m.Roles) != 1 || m.Roles[0].Level != rbac.LevelNone || !m.Roles[0].GrantedAt.Equal(T0) || m.AddedBy != "op" {
			t.Errorf("Membership = %+v", m)
		}
		of, _ := tx.MembershipsOf("u1")
		wantIDs(t, "MembershipsOf(u1)", keys(of), []string{"u1/csdl", "u1/pakn"})
		in, _ := tx.MembershipsIn("p1")
		wantIDs(t, "MembershipsIn(p1)", keys(in), []string{"u1/pakn", "u2/pakn"})
		ad, _ := tx.AdminsIn("p1")
		wantIDs(t, "AdminsIn(p1)", keys(ad), []string{"u1/pakn"})
		ad, _ = tx.AdminsIn("c1") // a staff grant is not an admin grant
		wantIDs(t, "AdminsIn(c1)", keys(ad), nil)
		_, err = tx.Membership("u2", "csdl")
		wantNotFound(t, "Membership(u2, csdl)", err)
		return nil
	})
	// Moving the admin and dropping its admin grant updates both indexes.
	update(t, s, func(tx rbac.Tx) error {
		m, err := tx.Membership("u1", "pakn")
		must(err)
		m.Unit, m.Roles = "d1", nil
		must(tx.PutMembership(m))
		m2, _ := tx.Membership("u2", "pakn")
		m2.Roles = []rbac.RoleGrant{admin(2)}
		return tx.PutMembership(m2)
	})
	view(t, s, func(tx rbac.ReadTx) error {
		in, _ := tx.MembershipsIn("p1")
		wantIDs(t, "MembershipsIn(p1) after move", keys(in), []string{"u2/pakn"})
		in, _ = tx.MembershipsIn("d1")
		wantIDs(t, "MembershipsIn(d1) after move", keys(in), []string{"u1/pakn"})
		ad, _ := tx.AdminsIn("p1")
		wantIDs(t, "AdminsIn(p1) after grant", keys(ad), []string{"u2/pakn"})
		ad, _ = tx.AdminsIn("d1")
		wantIDs(t, "AdminsIn(d1) after revoke", keys(ad), nil)
		return nil
	})
	update(t, s, func(tx rbac.Tx) error {
		must(tx.DeleteMembership("u2", "pakn"))
		wantNotFound(t, "DeleteMembership twice", tx.DeleteMembership("u2", "pakn"))
		return nil
	})
	view(t, s, func(tx rbac.ReadTx) error {
		_, err := tx.Membership("u2", "pakn")
		wantNotFound(t, "deleted membership", err)
		in, _ := tx.MembershipsIn("p1")
		wantIDs(t, "MembershipsIn(p1) after delete", keys(in), nil)
		ad, _ := tx.AdminsIn("p1")
		wantIDs(t, "AdminsIn(p1) after delete", keys(ad), nil)
		of, _ := tx.MembershipsOf("u2")
		wantIDs(t, "MembershipsOf(u2) after delete", keys(of), nil)
		return nil
	})
}

func testListMemberships(t *testing.T, s rbac.Store) {
	seedTree(t, s)
	yes, no := true, false
	update(t, s, func(tx rbac.Tx) error {
		names := map[string]string{"a": "Nguyễn Văn An", "b": "Trần Thị Bình", "c": "Lê Văn Cường", "d": "Phạm Đức Dũng", "e": "Nguyễn Thị Én"}
		for id, n := range names {
			must(tx.PutAccount(rbac.Account{TechID: id, FullName: n, CreatedAt: T0, UpdatedAt: T0}))
		}
		must(tx.PutMembership(member("a", "pakn", "p1", admin(1))))
		must(tx.PutMembership(member("a", "csdl", "c1")))
		m := member("b", "pakn", "d1", staff())
		m.Group = "g"
		must(tx.PutMembership(m))
		m = member("c", "pakn", "c1")
		m.State, m.Locked = rbac.Pending, true
		must(tx.PutMembership(m))
		m = member("d", "pakn", "p2")
		m.Review = "check"
		must(tx.PutMembership(m))
		return tx.PutMembership(member("e", "csdl", "root"))
	})
	cases := []struct {
		name string
		q    rbac.MembershipQuery
		want []string
	}{
		{"no scopes", rbac.MembershipQuery{}, nil},
		{"subtree p1 all subsystems", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "p1"}}},
			[]string{"a/csdl", "a/pakn", "b/pakn", "c/pakn"}},
		{"subtree p1 pakn", rbac.MembershipQuery{Scopes: []rbac.Scope{{Subsystem: "pakn", Unit: "p1"}}},
			[]string{"a/pakn", "b/pakn", "c/pakn"}},
		{"root", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "root"}}},
			[]string{"a/csdl", "a/pakn", "b/pakn", "c/pakn", "d/pakn", "e/csdl"}},
		{"overlapping scopes deduplicated", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "p1"}, {Unit: "d1"}, {Subsystem: "csdl", Unit: "c1"}}},
			[]string{"a/csdl", "a/pakn", "b/pakn", "c/pakn"}},
		{"two scopes", rbac.MembershipQuery{Scopes: []rbac.Scope{{Subsystem: "csdl", Unit: "p1"}, {Subsystem: "pakn", Unit: "p2"}}},
			[]string{"a/csdl", "d/pakn"}},
		{"unknown unit", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "nope"}}}, nil},
		{"state", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "root"}}, State: rbac.Pending}, []string{"c/pakn"}},
		{"locked", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "root"}}, Locked: &yes}, []string{"c/pakn"}},
		{"open", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "p1"}}, Locked: &no}, []string{"a/csdl", "a/pakn", "b/pakn"}},
		{"role", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "root"}}, Role: "staff"}, []string{"b/pakn"}},
		{"group", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "root"}}, Group: "g"}, []string{"b/pakn"}},
		{"review", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "root"}}, Review: true}, []string{"d/pakn"}},
		{"name without diacritics", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "root"}}, Name: "nguyen"},
			[]string{"a/csdl", "a/pakn", "e/csdl"}},
		{"name words in order", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "root"}}, Name: "NGUYEN THI"}, []string{"e/csdl"}},
		{"name with diacritics and đ", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "root"}}, Name: "đức"}, []string{"d/pakn"}},
		{"limit", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "root"}}, Limit: 2}, []string{"a/csdl", "a/pakn"}},
		{"after", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "root"}}, After: rbac.MembershipKey{Account: "a", Subsystem: "pakn"}, Limit: 2},
			[]string{"b/pakn", "c/pakn"}},
		{"after with filter", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "root"}}, State: rbac.Active, After: rbac.MembershipKey{Account: "b", Subsystem: "pakn"}},
			[]string{"d/pakn", "e/csdl"}},
	}
	view(t, s, func(tx rbac.ReadTx) error {
		for _, tc := range cases {
			got, err := tx.ListMemberships(tc.q)
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			wantIDs(t, tc.name, keys(got), tc.want)
		}
		return nil
	})
	// Paging through everything, two at a time, yields each once in order.
	var all []string
	after := rbac.MembershipKey{}
	view(t, s, func(tx rbac.ReadTx) error {
		for range 10 {
			page, err := tx.ListMemberships(rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "root"}}, After: after, Limit: 2})
			must(err)
			if len(page) == 0 {
				break
			}
			all = append(all, keys(page)...)
			after = page[len(page)-1].Key()
		}
		return nil
	})
	wantIDs(t, "paged", all, []string{"a/csdl", "a/pakn", "b/pakn", "c/pakn", "d/pakn", "e/csdl"})
}

func testSuperAdmins(t *testing.T, s rbac.Store) {
	seedTree(t, s)
	cred := rbac.AgencyCredential{AgencyCode: "000.00.00.H41", MST: "0100109106", Name: "UBND tỉnh", CertSerial: "0a1b", CertIssuer: "CN=CA"}
	update(t, s, func(tx rbac.Tx) error {
		must(tx.PutSuperAdmin(rbac.SuperAdmin{Account: "s2", Unit: "p1", Credential: cred, Decision: "QĐ 1/2025", RequestID: "r1", GrantedBy: "op", GrantedAt: T0}))
		must(tx.PutSuperAdmin(rbac.SuperAdmin{Account: "s1", Unit: "p1", GrantedBy: "op", GrantedAt: T0}))
		return tx.PutSuperAdmin(rbac.SuperAdmin{Account: "s1", Unit: "p2", GrantedBy: "op", GrantedAt: T0})
	})
	view(t, s, func(tx rbac.ReadTx) error {
		in, _ := tx.SuperAdmins("p1")
		if len(in) != 2 || in[0].Account != "s1" || in[1].Account != "s2" {
			t.Fatalf("SuperAdmins(p1) = %+v", in)
		}
		if in[1].Credential != cred || in[1].Decision != "QĐ 1/2025" || in[1].RequestID != "r1" || !in[1].GrantedAt.Equal(T0) {
			t.Errorf("record = %+v", in[1])
		}
		of, _ := tx.SuperAdminsOf("s1")
		if len(of) != 2 || of[0].Unit != "p1" || of[1].Unit != "p2" {
			t.Errorf("SuperAdminsOf(s1) = %+v", of)
		}
		return nil
	})
	update(t, s, func(tx rbac.Tx) error {
		sa := rbac.SuperAdmin{Account: "s1", Unit: "p1", Review: "flag", GrantedBy: "op", GrantedAt: T0}
		must(tx.PutSuperAdmin(sa)) // replace
		must(tx.DeleteSuperAdmin("s1", "p2"))
		wantNotFound(t, "DeleteSuperAdmin twice", tx.DeleteSuperAdmin("s1", "p2"))
		return nil
	})
	view(t, s, func(tx rbac.ReadTx) error {
		of, _ := tx.SuperAdminsOf("s1")
		if len(of) != 1 || of[0].Review != "flag" {
			t.Errorf("SuperAdminsOf(s1) after = %+v", of)
		}
		in, _ := tx.SuperAdmins("p2")
		if len(in) != 0 {
			t.Errorf("SuperAdmins(p2) after delete = %+v", in)
		}
		return nil
	})
}

func testRequests(t *testing.T, s rbac.Store) {
	cred := rbac.AgencyCredential{AgencyCode: "000.00.00.H41", Name: "UBND"}
	update(t, s, func(tx rbac.Tx) error {
		must(tx.PutSuperAdminRequest(rbac.SuperAdminRequest{ID: "r2", Account: "a", Unit: "p1", Credential: cred, State: rbac.RequestPending, CreatedAt: T0.Add(time.Second), Reason: "x"}))
		must(tx.PutSuperAdminRequest(rbac.SuperAdminRequest{ID: "r1", Account: "a", Unit: "p1", Credential: cred, State: rbac.RequestPending, CreatedAt: T0.Add(time.Second)}))
		return tx.PutSuperAdminRequest(rbac.SuperAdminRequest{ID: "r0", Account: "b", Unit: "p2", State: rbac.RequestRejected, CreatedAt: T0,
			DecidedBy: "op", DecidedAt: T0.Add(time.Minute), Note: "no", Decision: "QĐ 2"})
	})
	view(t, s, func(tx rbac.ReadTx) error {
		r, err := tx.SuperAdminRequest("r0")
		must(err)
		if r.DecidedBy != "op" || !r.DecidedAt.Equal(T0.Add(time.Minute)) || r.Note != "no" || r.Decision != "QĐ 2" || r.State != rbac.RequestRejected {
			t.Errorf("request = %+v", r)
		}
		all, _ := tx.SuperAdminRequests("")
		var got []string
		for _, r := range all {
			got = append(got, r.ID)
		}
		wantIDs(t, "all requests", got, []string{"r0", "r1", "r2"})
		pend, _ := tx.SuperAdminRequests(rbac.RequestPending)
		got = nil
		for _, r := range pend {
			got = append(got, r.ID)
		}
		wantIDs(t, "pending requests", got, []string{"r1", "r2"})
		_, err = tx.SuperAdminRequest("nope")
		wantNotFound(t, "SuperAdminRequest(nope)", err)
		return nil
	})
}

func testAudit(t *testing.T, s rbac.Store) {
	view(t, s, func(tx rbac.ReadTx) error {
		_, err := tx.LastAudit()
		wantNotFound(t, "LastAudit on empty log", err)
		return nil
	})
	e1 := rbac.AuditEntry{Seq: 1, Time: T0, Actor: "op", Action: "a", Target: "t", Reason: "r",
		Details: map[string]string{"k": "v", "ý": "Đơn vị"}, Prev: "", Hash: "h1"}
	e2 := rbac.AuditEntry{Seq: 2, Time: T0.Add(time.Microsecond), Actor: "op", Action: "b", Prev: "h1", Hash: "h2"}
	update(t, s, func(tx rbac.Tx) error {
		must(tx.AppendAudit(e1))
		return tx.AppendAudit(e2)
	})
	for _, bad := range []rbac.AuditEntry{
		{Seq: 2, Prev: "h1", Hash: "x"}, // duplicate seq
		{Seq: 4, Prev: "h2", Hash: "x"}, // gap
		{Seq: 3, Prev: "h1", Hash: "x"}, // wrong prev
		{Seq: 3, Prev: "", Hash: "x"},
	} {
		err := s.Update(context.Background(), func(tx rbac.Tx) error { return tx.AppendAudit(bad) })
		if !errors.Is(err, rbac.ErrConflict) {
			t.Errorf("AppendAudit(seq %d, prev %q) = %v, want ErrConflict", bad.Seq, bad.Prev, err)
		}
	}
	view(t, s, func(tx rbac.ReadTx) error {
		last, err := tx.LastAudit()
		must(err)
		if last.Seq != 2 || last.Hash != "h2" {
			t.Errorf("LastAudit = %+v", last)
		}
		all, _ := tx.Audit(0, 0)
		if len(all) != 2 {
			t.Fatalf("Audit(0,0) = %d entries", len(all))
		}
		got := all[0]
		if !got.Time.Equal(T0) || got.Actor != "op" || got.Action != "a" || got.Target != "t" || got.Reason != "r" ||
			got.Hash != "h1" || got.Prev != "" || len(got.Details) != 2 || got.Details["ý"] != "Đơn vị" {
			t.Errorf("entry 1 = %+v", got)
		}
		if all[1].Details != nil && len(all[1].Details) != 0 {
			t.Errorf("entry 2 details = %v", all[1].Details)
		}
		if !all[1].Time.Equal(T0.Add(time.Microsecond)) {
			t.Errorf("entry 2 time = %v (microseconds must round-trip)", all[1].Time)
		}
		page, _ := tx.Audit(1, 5)
		if len(page) != 1 || page[0].Seq != 2 {
			t.Errorf("Audit(1,5) = %+v", page)
		}
		page, _ = tx.Audit(0, 1)
		if len(page) != 1 || page[0].Seq != 1 {
			t.Errorf("Audit(0,1) = %+v", page)
		}
		page, _ = tx.Audit(2, 0)
		if len(page) != 0 {
			t.Errorf("Audit(2,0) = %+v", page)
		}
		return nil
	})
}

func testReadYourWrites(t *testing.T, s rbac.Store) {
	seedTree(t, s)
	update(t, s, func(tx rbac.Tx) error {
		must(tx.PutUnit(unit("new", "p2")))
		kids, _ := tx.Children("p2")
		wantIDs(t, "children inside tx", ids(kids), []string{"new"})
		must(tx.PutAccount(rbac.Account{TechID: "x", FullName: "Đặng Thị Xuân", CreatedAt: T0, UpdatedAt: T0}))
		must(tx.PutMembership(member("x", "pakn", "new", admin(2))))
		ad, _ := tx.AdminsIn("new")
		wantIDs(t, "AdminsIn inside tx", keys(ad), []string{"x/pakn"})
		l, err := tx.ListMemberships(rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "p2"}}, Name: "dang xuan"})
		must(err)
		wantIDs(t, "ListMemberships inside tx", keys(l), []string{"x/pakn"})
		must(tx.AppendAudit(rbac.AuditEntry{Seq: 1, Time: T0, Hash: "h"}))
		last, err := tx.LastAudit()
		must(err)
		if last.Hash != "h" {
			t.Errorf("LastAudit inside tx = %+v", last)
		}
		return nil
	})
}

// errBoom is what the failing Updates return.
var errBoom = errors.New("boom")

// writeEverything writes one record of every kind.
func writeEverything(tx rbac.Tx) {
	must(tx.PutUnit(unit("p1", "root"))) // a change to an existing unit
	must(tx.PutUnit(unit("ghost", "root")))
	must(tx.PutSubsystem(rbac.CSDL()))
	must(tx.PutAccount(rbac.Account{TechID: "ghost", FullName: "Ma", CreatedAt: T0}))
	must(tx.PutMembership(member("ghost", "pakn", "ghost", admin(1))))
	m, err := tx.Membership("keep", "pakn")
	must(err)
	m.Unit, m.Roles = "d1", nil
	must(tx.PutMembership(m))
	must(tx.DeleteMembership("gone", "pakn"))
	must(tx.PutSuperAdmin(rbac.SuperAdmin{Account: "ghost", Unit: "p1", GrantedAt: T0}))
	must(tx.DeleteSuperAdmin("sa", "p1"))
	must(tx.PutSuperAdminRequest(rbac.SuperAdminRequest{ID: "ghost", State: rbac.RequestPending, CreatedAt: T0}))
	must(tx.AppendAudit(rbac.AuditEntry{Seq: 2, Time: T0, Prev: "h1", Hash: "h2"}))
}

func seedForRollback(t *testing.T, s rbac.Store) {
	seedTree(t, s)
	update(t, s, func(tx rbac.Tx) error {
		must(tx.PutMembership(member("keep", "pakn", "p1", admin(1))))
		must(tx.PutMembership(member("gone", "pakn", "p1")))
		must(tx.PutSuperAdmin(rbac.SuperAdmin{Account: "sa", Unit: "p1", GrantedAt: T0}))
		return tx.AppendAudit(rbac.AuditEntry{Seq: 1, Time: T0, Hash: "h1"})
	})
}

func checkUntouched(t *testing.T, s rbac.Store) {
	t.Helper()
	view(t, s, func(tx rbac.ReadTx) error {
		u, _ := tx.Unit("p1")
		if u.Parent != "root" || u.Name != "Unit p1" {
			t.Errorf("p1 = %+v", u)
		}
		kids, _ := tx.Children("root")
		wantIDs(t, "children(root)", ids(kids), []string{"p1", "p2"})
		_, err := tx.Unit("ghost")
		wantNotFound(t, "rolled-back unit", err)
		_, err = tx.Subsystem(rbac.SubsystemCSDL)
		wantNotFound(t, "rolled-back subsystem", err)
		_, err = tx.Account("ghost")
		wantNotFound(t, "rolled-back account", err)
		_, err = tx.Membership("ghost", "pakn")
		wantNotFound(t, "rolled-back membership", err)
		m, err := tx.Membership("keep", "pakn")
		if err != nil || m.Unit != "p1" || len(m.Roles) != 1 {
			t.Errorf("keep = %+v, %v", m, err)
		}
		if _, err := tx.Membership("gone", "pakn"); err != nil {
			t.Errorf("deleted-then-rolled-back membership: %v", err)
		}
		in, _ := tx.MembershipsIn("p1")
		wantIDs(t, "MembershipsIn(p1)", keys(in), []string{"gone/pakn", "keep/pakn"})
		ad, _ := tx.AdminsIn("p1")
		wantIDs(t, "AdminsIn(p1)", keys(ad), []string{"keep/pakn"})
		ad, _ = tx.AdminsIn("ghost")
		wantIDs(t, "AdminsIn(ghost)", keys(ad), nil)
		sas, _ := tx.SuperAdmins("p1")
		if len(sas) != 1 || sas[0].Account != "sa" {
			t.Errorf("SuperAdmins(p1) = %+v", sas)
		}
		of, _ := tx.SuperAdminsOf("ghost")
		if len(of) != 0 {
			t.Errorf("SuperAdminsOf(ghost) = %+v", of)
		}
		_, err = tx.SuperAdminRequest("ghost")
		wantNotFound(t, "rolled-back request", err)
		last, _ := tx.LastAudit()
		if last.Seq != 1 {
			t.Errorf("LastAudit = %+v", last)
		}
		return nil
	})
}

func testRollback(t *testing.T, s rbac.Store) {
	seedForRollback(t, s)
	err := s.Update(context.Background(), func(tx rbac.Tx) error {
		writeEverything(tx)
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Update = %v, want the fn's error", err)
	}
	checkUntouched(t, s)
	// The store still works, and the next entry follows entry 1.
	update(t, s, func(tx rbac.Tx) error {
		return tx.AppendAudit(rbac.AuditEntry{Seq: 2, Time: T0, Prev: "h1", Hash: "h2"})
	})
}

func testPanicRollback(t *testing.T, s rbac.Store) {
	seedForRollback(t, s)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the fn's panic", r)
			}
		}()
		_ = s.Update(context.Background(), func(tx rbac.Tx) error {
			writeEverything(tx)
			panic("boom")
		})
	}()
	checkUntouched(t, s)
	update(t, s, func(tx rbac.Tx) error {
		return tx.AppendAudit(rbac.AuditEntry{Seq: 2, Time: T0, Prev: "h1", Hash: "h2"})
	})
}

// testConcurrentUpdates runs read-modify-write transactions from many
// goroutines: each reads the last audit entry and appends the next one.
// Serialisable execution loses none; a store that lets two read the same
// last entry would fail one with ErrConflict (or, worse, fork the chain).
func testConcurrentUpdates(t *testing.T, s rbac.Store) {
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				errs <- s.Update(context.Background(), func(tx rbac.Tx) error {
					var seq uint64
					prev := ""
					if last, err := tx.LastAudit(); err == nil {
						seq, prev = last.Seq, last.Hash
					} else if !errors.Is(err, rbac.ErrNotFound) {
						return err
					}
					// Also a counter in a record, the classic lost update.
					a, err := tx.Account("counter")
					if err != nil && !errors.Is(err, rbac.ErrNotFound) {
						return err
					}
					a.TechID, a.Type = "counter", a.Type+1
					if err := tx.PutAccount(a); err != nil {
						return err
					}
					return tx.AppendAudit(rbac.AuditEntry{Seq: seq + 1, Time: T0, Actor: fmt.Sprint(w), Action: fmt.Sprint(i),
						Prev: prev, Hash: fmt.Sprintf("h%d", seq+1)})
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent Update: %v", err)
		}
	}
	view(t, s, func(tx rbac.ReadTx) error {
		all, _ := tx.Audit(0, 0)
		if len(all) != workers*each {
			t.Errorf("%d entries, want %d", len(all), workers*each)
		}
		for i, e := range all {
			if e.Seq != uint64(i+1) {
				t.Errorf("entry %d has seq %d", i+1, e.Seq)
			}
		}
		a, _ := tx.Account("counter")
		if a.Type != workers*each {
			t.Errorf("counter = %d, want %d (lost updates)", a.Type, workers*each)
		}
		return nil
	})
}

func testCancelled(t *testing.T, s rbac.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := s.Update(ctx, func(tx rbac.Tx) error {
		ran = true
		return tx.PutUnit(unit("x", ""))
	})
	if err == nil {
		t.Fatal("Update with a cancelled context succeeded")
	}
	_ = ran // a store may or may not call fn; either way nothing is kept
	view(t, s, func(tx rbac.ReadTx) error {
		_, err := tx.Unit("x")
		wantNotFound(t, "unit written under a cancelled context", err)
		return nil
	})
	if err := s.View(ctx, func(rbac.ReadTx) error { return nil }); err == nil {
		t.Error("View with a cancelled context succeeded")
	}
}
