package rbac_test

import (
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// listAll pages through ListUsers with page size n and returns the keys.
func listAll(t *testing.T, c *cast, actor string, f rbac.UserFilter, n int) []rbac.MembershipKey {
	t.Helper()
	var out []rbac.MembershipKey
	f.Limit = n
	for range 100 {
		page, err := c.w.Svc.ListUsers(c.w.Ctx, actor, f)
		c.w.Must(err)
		for _, u := range page.Users {
			out = append(out, u.Key())
		}
		if page.Next == (rbac.MembershipKey{}) {
			return out
		}
		f.After = page.Next
	}
	t.Fatal("paging does not end")
	return nil
}

func TestListUsersFilters(t *testing.T) {
	c := newCast(t)
	w := c.w
	pending := rbactest.PersonID(21)
	_, err := w.Svc.Add(w.Ctx, c.l2, rbac.AddRequest{Subsystem: quantri, Unit: "na-c2", Query: vnconnect.Query{CCCD: rbactest.Person(21).CCCD.Number}, Reason: "thêm"})
	w.Must(err)
	grouped := w.Member(c.paknL1, 22, pakn, "na-c2")
	_, err = w.Svc.SetGroup(w.Ctx, c.paknL1, grouped, pakn, rbac.GroupProcessors, "nhóm")
	w.Must(err)
	name := rbactest.Person(5).FullName // c.user's name, with diacritics

	tests := []struct {
		name  string
		actor string
		f     rbac.UserFilter
		want  []string
	}{
		{"level-3 sees its commune (itself included)", c.l3, rbac.UserFilter{}, []string{c.l3, c.user}},
		{"pending only", c.l2, rbac.UserFilter{State: rbac.Pending}, []string{pending}},
		{"unit subtree", c.l1, rbac.UserFilter{Unit: "na-c1"}, []string{c.l3, c.user}},
		{"group", c.paknL1, rbac.UserFilter{Group: rbac.GroupProcessors}, []string{grouped}},
		{"role", c.l1, rbac.UserFilter{Role: rbac.RoleUnitAdmin, Unit: "na-vinh"}, []string{c.l2, c.l2peer, c.l3}},
		{"name without diacritics", c.l1, rbac.UserFilter{Name: vnid.FoldName(name)}, []string{c.user}},
		{"super admin, other subsystem", c.na, rbac.UserFilter{Subsystem: pakn}, []string{c.paknL1, grouped}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := listAll(t, c, tc.actor, tc.f, 2)
			var accs []string
			for _, k := range got {
				accs = append(accs, k.Account)
			}
			if !equalSets(accs, tc.want) {
				t.Fatalf("got %v, want %v", accs, tc.want)
			}
		})
	}
	// Outside the actor's scope: refused, not empty.
	_, err = w.Svc.ListUsers(w.Ctx, c.l3, rbac.UserFilter{Unit: "p-ht"})
	denied(t, "list outside scope", err, rbac.RuleOutsideScope)
	if _, err := w.Svc.ListUsers(w.Ctx, c.l3, rbac.UserFilter{Limit: -1}); err == nil {
		t.Fatal("negative limit accepted")
	}
}

// TestListUsersPagingStable: pages of every size give the same rows in key
// order, and rows inserted behind the cursor neither repeat nor shift what
// is still to come (keyset paging).
func TestListUsersPagingStable(t *testing.T) {
	c := newCast(t)
	w := c.w
	for i := 10; i < 20; i++ {
		w.Member(c.l2, i, quantri, "na-c2")
	}
	all := listAll(t, c, c.l1, rbac.UserFilter{}, rbac.MaxPageSize)
	for _, n := range []int{1, 2, 3, 7} {
		got := listAll(t, c, c.l1, rbac.UserFilter{}, n)
		if len(got) != len(all) {
			t.Fatalf("page size %d: %d rows, want %d", n, len(got), len(all))
		}
		for i := range got {
			if got[i] != all[i] || (i > 0 && !less(got[i-1], got[i])) {
				t.Fatalf("page size %d: row %d is %v, want %v in key order", n, i, got[i], all[i])
			}
		}
	}
	// Read two pages (up to "u13"), then insert one row before the cursor
	// and one after.
	f := rbac.UserFilter{Limit: 5}
	p1, err := w.Svc.ListUsers(w.Ctx, c.l1, f)
	w.Must(err)
	f.After = p1.Next
	p2, err := w.Svc.ListUsers(w.Ctx, c.l1, f)
	w.Must(err)
	w.Member(c.l2, 25, quantri, "na-c2") // "u25": after the cursor
	w.Member(c.l2, 8, quantri, "na-c2")  // "u08": before it
	f.After = p2.Next
	var rest []rbac.MembershipKey
	for {
		p, err := w.Svc.ListUsers(w.Ctx, c.l1, f)
		w.Must(err)
		for _, u := range p.Users {
			rest = append(rest, u.Key())
		}
		if p.Next == (rbac.MembershipKey{}) {
			break
		}
		f.After = p.Next
	}
	seen := map[rbac.MembershipKey]bool{}
	for _, u := range append(p1.Users, p2.Users...) {
		seen[u.Key()] = true
	}
	sawNew := false
	for _, k := range rest {
		if seen[k] {
			t.Fatalf("%v repeated after inserts", k)
		}
		if k.Account == rbactest.PersonID(8) {
			t.Fatal("a row inserted before the cursor showed up after it")
		}
		sawNew = sawNew || k.Account == rbactest.PersonID(25)
	}
	if !sawNew || len(seen)+len(rest) != len(all)+1 {
		t.Fatalf("after inserts: %d + %d rows, want %d and the new u25", len(seen), len(rest), len(all)+1)
	}
}

func less(a, b rbac.MembershipKey) bool {
	return a.Account < b.Account || (a.Account == b.Account && a.Subsystem < b.Subsystem)
}

func equalSets(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		if m[s]--; m[s] < 0 {
			return false
		}
	}
	return true
}
