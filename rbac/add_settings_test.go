package rbac_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Add's initial settings (Activate, Group, Lock) must be the separate
// calls, run in Add's transaction: the same checks, the same errors, the
// same audit entries — and nothing at all when one of them fails.

// kv is a subsystem whose group carries a role limited to provinces.
const kv rbac.SubsystemID = "kv"

func kvSubsystem() rbac.Subsystem {
	return rbac.Subsystem{ID: kv, Name: "Thử nghiệm",
		Roles: []rbac.Role{
			{ID: rbac.RoleUnitAdmin, Name: "Quản trị", Admin: true, MinLevel: 1, Permissions: []rbac.Permission{rbac.PermManageUsers}},
			{ID: "admin-tinh", Name: "Quản trị tỉnh", Admin: true, MinLevel: 1, MaxLevel: 1, UnitKinds: []rbac.UnitKind{rbac.KindProvince}},
		},
		Groups: []rbac.Group{{ID: "nhom-tinh", Name: "Nhóm quản trị tỉnh", Role: "admin-tinh"}},
	}
}

// addCast is a World with admins of PAKN at every depth and of kv.
type addCast struct {
	w                             *rbactest.World
	na, ht, p1, p2, deep, l1, kv1 string
}

func newAddCast(t *testing.T, store rbac.Store) *addCast {
	t.Helper()
	w := rbactest.NewWorld(t, store)
	w.Must(w.Svc.RegisterSubsystem(w.Ctx, kvSubsystem()))
	c := &addCast{w: w, na: w.Super("p-na"), ht: w.Super("p-ht")}
	c.p1 = w.Admin(c.na, 1, pakn, "p-na", 1)
	c.p2 = w.Member(c.p1, 2, pakn, "na-vinh")
	_, err := w.Svc.SetGroup(w.Ctx, c.p1, c.p2, pakn, rbac.GroupUnitAdmins, "nhóm admin") // level 2
	w.Must(err)
	c.deep = w.Admin(c.p1, 3, pakn, "na-c2", rbac.MaxLevel)
	c.l1 = w.Admin(c.na, 4, quantri, "p-na", 1)
	c.kv1 = w.Admin(c.na, 5, kv, "p-na", 1)
	return c
}

func (c *addCast) count(t *testing.T) uint64 { t.Helper(); return c.w.VerifyChain() }

// separately is what the screens did before: Add, then one call per
// setting, stopping at the first error.
func separately(w *rbactest.World, actor string, req rbac.AddRequest) (rbac.Membership, error) {
	ctx, svc := w.Ctx, w.Svc
	base := req
	base.Activate, base.Group, base.Lock = false, "", false
	m, err := svc.Add(ctx, actor, base)
	if err == nil && req.Activate {
		m, err = svc.Activate(ctx, actor, m.Account, req.Subsystem, req.Reason)
	}
	if err == nil && req.Group != "" {
		m, err = svc.SetGroup(ctx, actor, m.Account, req.Subsystem, req.Group, req.Reason)
	}
	if err == nil && req.Lock {
		m, err = svc.Lock(ctx, actor, m.Account, req.Subsystem, req.Reason)
	}
	return m, err
}

// sameError fails unless a and b are the same error as a caller sees it:
// code, public message, and for refusals the action, rule and target.
func sameError(t *testing.T, a, b error) {
	t.Helper()
	if (a == nil) != (b == nil) || rbac.ErrorCode(a) != rbac.ErrorCode(b) {
		t.Fatalf("one call: %v; separate calls: %v", a, b)
	}
	ma, _ := rbac.PublicMessage(a)
	mb, _ := rbac.PublicMessage(b)
	if ma != mb {
		t.Errorf("public message %q, separately %q", ma, mb)
	}
	var da, db *rbac.DeniedError
	if errors.As(a, &da) != errors.As(b, &db) || (da != nil && *da != *db) {
		t.Errorf("refusal %+v, separately %+v", da, db)
	}
}

// tail is the audit log after seq, without the hash links (setup's
// super-admin request IDs are random, so the two worlds' chains differ).
func tail(t *testing.T, w *rbactest.World, after uint64) []rbac.AuditEntry {
	t.Helper()
	var es []rbac.AuditEntry
	w.Must(w.Store.View(w.Ctx, func(tx rbac.ReadTx) error {
		var err error
		es, err = tx.Audit(after, 100)
		return err
	}))
	for i := range es {
		es[i].Prev, es[i].Hash = "", ""
	}
	return es
}

func TestAddSettingsMatchSeparateCalls(t *testing.T) {
	type actorAt struct {
		name string
		who  func(c *addCast) string
		sub  rbac.SubsystemID
		unit rbac.UnitID
	}
	actors := []actorAt{
		{"operator", func(*addCast) string { return rbactest.Operator }, pakn, "na-c1"},
		{"super admin", func(c *addCast) string { return c.na }, pakn, "na-vinh"},
		{"level 1", func(c *addCast) string { return c.p1 }, pakn, "na-vinh"},
		{"level 2 via group", func(c *addCast) string { return c.p2 }, pakn, "na-c1"},
		{"deepest level", func(c *addCast) string { return c.deep }, pakn, "na-c2"},
		{"quantri admin on pakn", func(c *addCast) string { return c.l1 }, pakn, "na-vinh"},
		{"other province's super admin", func(c *addCast) string { return c.ht }, pakn, "na-c1"},
		{"kv super admin at the province", func(c *addCast) string { return c.na }, kv, "p-na"},
		{"kv super admin at a commune", func(c *addCast) string { return c.na }, kv, "na-c1"},
		{"kv level 1", func(c *addCast) string { return c.kv1 }, kv, "p-na"},
	}
	groups := map[rbac.SubsystemID][]rbac.GroupID{
		pakn: {"", rbac.GroupUnitAdmins, rbac.GroupProcessors, "nhom-khong-co"},
		kv:   {"", "nhom-tinh"},
	}
	type settings struct{ activate, lock bool }
	for _, a := range actors {
		for _, g := range groups[a.sub] {
			for _, st := range []settings{{true, false}, {true, true}, {false, false}, {false, true}} {
				name := fmt.Sprintf("%s/group=%q/activate=%v/lock=%v", a.name, g, st.activate, st.lock)
				t.Run(name, func(t *testing.T) {
					one, two := newAddCast(t, rbac.NewMemoryStore()), newAddCast(t, rbac.NewMemoryStore())
					req := rbac.AddRequest{Subsystem: a.sub, Unit: a.unit, Query: vnconnect.Query{CCCD: rbactest.Person(30).CCCD.Number},
						Reason: "thêm mới", Activate: st.activate, Group: g, Lock: st.lock}
					n1, n2 := one.count(t), two.count(t)
					m1, err1 := one.w.Svc.Add(one.w.Ctx, a.who(one), req)
					m2, err2 := separately(two.w, a.who(two), req)
					sameError(t, err1, err2)
					if err1 != nil {
						if got := one.count(t); got != n1 {
							t.Errorf("refused Add wrote %d audit entries", got-n1)
						}
						var err error
						w := one.w
						w.Must(w.Store.View(w.Ctx, func(tx rbac.ReadTx) error {
							_, err = tx.Membership(rbactest.PersonID(30), a.sub)
							if err == nil {
								return nil
							}
							_, err = tx.Account(rbactest.PersonID(30))
							return nil
						}))
						if !errors.Is(err, rbac.ErrNotFound) {
							t.Errorf("refused Add left the membership or the account (%v)", err)
						}
						return
					}
					if !reflect.DeepEqual(m1, m2) {
						t.Errorf("one call: %+v\nseparately: %+v", m1, m2)
					}
					if e1, e2 := tail(t, one.w, n1), tail(t, two.w, n2); !reflect.DeepEqual(e1, e2) {
						t.Errorf("audit, one call: %+v\nseparately: %+v", e1, e2)
					}
				})
			}
		}
	}
}

// The refusals the brief worries about, spelled out.
func TestAddSettingsNoEscalation(t *testing.T) {
	c := newAddCast(t, rbac.NewMemoryStore())
	w, ctx, svc := c.w, c.w.Ctx, c.w.Svc
	add := func(actor string, sub rbac.SubsystemID, unit rbac.UnitID, i int, g rbac.GroupID) (rbac.Membership, error) {
		return svc.Add(ctx, actor, rbac.AddRequest{Subsystem: sub, Unit: unit, Query: vnconnect.Query{CCCD: rbactest.Person(i).CCCD.Number},
			Reason: "thêm mới", Activate: true, Group: g})
	}
	gone := func(t *testing.T, i int, sub rbac.SubsystemID, n uint64) {
		t.Helper()
		w.Must(w.Store.View(ctx, func(tx rbac.ReadTx) error {
			if m, err := tx.Membership(rbactest.PersonID(i), sub); !errors.Is(err, rbac.ErrNotFound) {
				t.Errorf("membership left behind: %+v, %v", m, err)
			}
			if a, err := tx.Account(rbactest.PersonID(i)); !errors.Is(err, rbac.ErrNotFound) {
				t.Errorf("account left behind: %+v, %v", a, err)
			}
			return nil
		}))
		if got := c.count(t); got != n {
			t.Errorf("%d audit entries left behind", got-n)
		}
	}

	t.Run("level 2 grants level 3 through the group, never its own", func(t *testing.T) {
		m, err := add(c.p2, pakn, "na-c1", 20, rbac.GroupUnitAdmins)
		w.Must(err)
		if len(m.Roles) != 1 || m.Roles[0].Level != 3 || m.Roles[0].ViaGroup != rbac.GroupUnitAdmins {
			t.Fatalf("roles = %+v, want unit admin at level 3 via the group", m.Roles)
		}
	})
	t.Run("the deepest admin cannot hand out the admin group", func(t *testing.T) {
		n := c.count(t)
		_, err := add(c.deep, pakn, "na-c2", 21, rbac.GroupUnitAdmins)
		if !errors.Is(err, rbac.ErrInvalid) {
			t.Fatalf("Add = %v, want ErrInvalid as SetGroup gives", err)
		}
		gone(t, 21, pakn, n)
	})
	t.Run("a role limited to provinces is not granted at a commune", func(t *testing.T) {
		n := c.count(t)
		_, err := add(c.na, kv, "na-c1", 22, "nhom-tinh")
		denied(t, "group role at a commune", err, rbac.RuleRoleNotGrantable)
		var d *rbac.DeniedError
		if errors.As(err, &d) && d.Action != rbac.ActSetGroup {
			t.Errorf("refusal names %s, want %s", d.Action, rbac.ActSetGroup)
		}
		gone(t, 22, kv, n)
	})
	t.Run("a level-1 admin cannot grant level 1 through the group", func(t *testing.T) {
		n := c.count(t)
		_, err := add(c.kv1, kv, "p-na", 23, "nhom-tinh")
		if !errors.Is(err, rbac.ErrInvalid) {
			t.Fatalf("Add = %v, want ErrInvalid (level 2 of a 1–1 role)", err)
		}
		gone(t, 23, kv, n)
	})
	t.Run("an admin of another subsystem gets nothing", func(t *testing.T) {
		n := c.count(t)
		_, err := add(c.l1, pakn, "na-vinh", 24, rbac.GroupUnitAdmins)
		denied(t, "quantri admin adds to pakn", err, rbac.RuleOutsideScope)
		gone(t, 24, pakn, n)
	})
	w.VerifyChain()
}

// failStore fails the failAt-th audit append of an armed Update: a step
// that breaks after Add's own writes, at each point of the transaction.
type failStore struct {
	rbac.Store
	armed   bool
	failAt  int
	appends int
}

var errInjected = errors.New("injected failure")

func (s *failStore) Update(ctx context.Context, fn func(tx rbac.Tx) error) error {
	s.appends = 0
	return s.Store.Update(ctx, func(tx rbac.Tx) error { return fn(&failTx{Tx: tx, s: s}) })
}

type failTx struct {
	rbac.Tx
	s *failStore
}

func (t *failTx) AppendAudit(e rbac.AuditEntry) error {
	if t.s.armed {
		t.s.appends++
		if t.s.appends == t.s.failAt {
			return errInjected
		}
	}
	return t.Tx.AppendAudit(e)
}

func TestAddSettingsFailingStepLeavesNothing(t *testing.T) {
	steps := []string{"add", "activate", "set-group", "lock"}
	for i, step := range steps {
		t.Run(step, func(t *testing.T) {
			fs := &failStore{Store: rbac.NewMemoryStore()}
			c := newAddCast(t, fs)
			w := c.w
			existing := w.Member(c.na, 25, quantri, "p-na") // stored: Add rewrites its account
			var before rbac.Account
			w.Must(w.Store.View(w.Ctx, func(tx rbac.ReadTx) error { var err error; before, err = tx.Account(existing); return err }))
			n := c.count(t)
			fs.armed, fs.failAt = true, i+1
			_, err := w.Svc.Add(w.Ctx, c.p1, rbac.AddRequest{Subsystem: pakn, Unit: "na-vinh",
				Query: vnconnect.Query{CCCD: rbactest.Person(25).CCCD.Number}, Reason: "thêm mới",
				Activate: true, Group: rbac.GroupUnitAdmins, Lock: true})
			fs.armed = false
			if !errors.Is(err, errInjected) {
				t.Fatalf("Add = %v, want the injected failure", err)
			}
			w.Must(w.Store.View(w.Ctx, func(tx rbac.ReadTx) error {
				if m, err := tx.Membership(existing, pakn); !errors.Is(err, rbac.ErrNotFound) {
					t.Errorf("membership left behind: %+v, %v", m, err)
				}
				after, err := tx.Account(existing)
				if err != nil || !reflect.DeepEqual(after, before) {
					t.Errorf("account changed: %+v → %+v (%v)", before, after, err)
				}
				return nil
			}))
			if got := c.count(t); got != n {
				t.Errorf("%d audit entries left behind", got-n)
			}
		})
	}
}
