package rbac_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
)

// Plain rule tests of the read-side questions, beside the adversarial ones.

func TestScopesAndManagedUnits(t *testing.T) {
	c := newCast(t)
	w := c.w
	tests := []struct {
		name  string
		actor string
		sub   rbac.SubsystemID
		want  []string // managed units
	}{
		{"level-2 admin: its district", c.l2, quantri, []string{"na-vinh", "na-c1", "na-c2"}},
		{"level-2 admin, other subsystem: nothing", c.l2, pakn, nil},
		{"super admin: the province on any subsystem", c.na, "", []string{"p-na", "na-soyt", "na-tt", "na-vinh", "na-c1", "na-c2"}},
		{"plain user: nothing", c.user, quantri, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			us, err := w.Svc.ManagedUnits(w.Ctx, tc.actor, tc.sub)
			w.Must(err)
			var got []string
			for _, u := range us {
				got = append(got, string(u.ID))
			}
			if !equalSets(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	// A locked admin has no scope; its grant is still there.
	_, err := w.Svc.Lock(w.Ctx, c.l1, c.l2peer, quantri, "khóa")
	w.Must(err)
	sc, err := w.Svc.Scopes(w.Ctx, c.l2peer)
	w.Must(err)
	if len(sc) != 0 {
		t.Fatalf("locked admin has scopes %v", sc)
	}
	sc, err = w.Svc.Scopes(w.Ctx, c.l1)
	w.Must(err)
	if len(sc) != 1 || sc[0].Unit != "p-na" || sc[0].Subsystem != quantri || sc[0].Level != 1 {
		t.Fatalf("level-1 scopes %v", sc)
	}
}

func TestAdminsOf(t *testing.T) {
	c := newCast(t)
	w := c.w
	as, err := w.Svc.AdminsOf(w.Ctx, c.l2, "na-c1")
	w.Must(err)
	got := map[string]rbac.Level{}
	for _, a := range as {
		got[a.Account+"@"+string(a.Unit)] = a.Level
	}
	want := map[string]rbac.Level{c.l3 + "@na-c1": 3, c.l2 + "@na-vinh": 2, c.l1 + "@p-na": 1, c.paknL1 + "@p-na": 1, c.na + "@p-na": 0}
	for k, lvl := range want {
		if g, ok := got[k]; !ok || g != lvl {
			t.Errorf("%s: got level %d (present %v), want %d", k, g, ok, lvl)
		}
	}
	if as[0].Unit != "na-c1" {
		t.Errorf("nearest first: got %s first", as[0].Unit)
	}
	_, err = w.Svc.AdminsOf(w.Ctx, c.htL1, "na-c1")
	denied(t, "admins of another province", err, rbac.RuleOutsideScope)
	_, err = w.Svc.AdminsOf(w.Ctx, c.l2, "no-such-unit")
	if !errors.Is(err, rbac.ErrNotFound) {
		t.Fatalf("unknown unit: %v", err)
	}
}

func TestMembershipsView(t *testing.T) {
	c := newCast(t)
	w := c.w
	// The user sees its own; an admin over it sees it; another province's
	// admin sees nothing.
	for _, tc := range []struct {
		actor string
		n     int
	}{{c.user, 1}, {c.l3, 1}, {c.htL1, 0}} {
		ms, err := w.Svc.Memberships(w.Ctx, tc.actor, c.user)
		w.Must(err)
		if len(ms) != tc.n {
			t.Errorf("%s sees %d memberships of %s, want %d", tc.actor, len(ms), c.user, tc.n)
		}
	}
}

func TestRejectSuperAdmin(t *testing.T) {
	w := rbactest.NewWorld(t, rbac.NewMemoryStore())
	req, err := w.Svc.RequestSuperAdmin(w.Ctx, rbactest.Credential("000.00.00.H30"), "p-ht", "đăng ký")
	w.Must(err)
	_, err = w.Svc.RejectSuperAdmin(w.Ctx, "u01", req.ID, "không phải người vận hành")
	denied(t, "reject by a non-operator", err, rbac.RuleOperatorOnly)
	r, err := w.Svc.RejectSuperAdmin(w.Ctx, rbactest.Operator, req.ID, "thiếu quyết định")
	w.Must(err)
	if r.State != rbac.RequestRejected || r.DecidedBy != rbactest.Operator {
		t.Fatalf("request after rejection: %+v", r)
	}
	if _, err := w.Svc.ApproveSuperAdmin(w.Ctx, rbactest.Operator, req.ID, "đổi ý"); err == nil {
		t.Fatal("a rejected request was approved")
	}
	w.VerifyChain()
}

// TestVerifyEntriesNamesFirstBroken: tampering with one entry breaks the
// chain at that entry, whichever field was changed.
func TestVerifyEntriesNamesFirstBroken(t *testing.T) {
	c := newCast(t)
	var buf bytes.Buffer
	c.w.Must(c.w.Svc.ExportAudit(c.w.Ctx, &buf, 0))
	n, last, err := rbac.VerifyJSONLines(&buf)
	c.w.Must(err)
	if n < 5 || last == "" {
		t.Fatalf("exported %d entries", n)
	}
	var all []rbac.AuditEntry
	c.w.Must(c.w.Store.View(c.w.Ctx, func(tx rbac.ReadTx) error {
		var err error
		all, err = tx.Audit(0, 0)
		return err
	}))
	c.w.Must(rbac.VerifyEntries(all))
	for _, tamper := range []func(e *rbac.AuditEntry){
		func(e *rbac.AuditEntry) { e.Actor = "kẻ giả mạo" },
		func(e *rbac.AuditEntry) { e.Reason += "." },
		func(e *rbac.AuditEntry) { e.Prev = all[0].Hash },
		func(e *rbac.AuditEntry) { e.Seq++ },
	} {
		cp := append([]rbac.AuditEntry(nil), all...)
		tamper(&cp[3])
		var ce *rbac.ChainError
		if err := rbac.VerifyEntries(cp); !errors.As(err, &ce) || ce.Seq != 4 || !errors.Is(err, rbac.ErrChainBroken) {
			t.Errorf("tampered entry 4: got %v", err)
		}
	}
}
