package rbac_test

import (
	"errors"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// ActConvert through CanTx, inside the Update a converter would write in:
// every way to hand over rights one could not grant is refused, on the
// memory store's indexes and through plain ReadTx calls alike.
func TestCanTxConvert(t *testing.T) {
	c := newCast(t)
	w, ctx, svc := c.w, c.w.Ctx, c.w.Svc
	plain, err := rbac.New(rbac.Config{Store: plainStore{w.Store}, Operators: []string{rbactest.Operator}})
	w.Must(err)

	from := w.Member(c.l3, 11, quantri, "na-c1")
	_, err = svc.Grant(ctx, c.l3, from, quantri, rbac.RoleProcessor, 0, "cán bộ chứng thực")
	w.Must(err)
	to := w.Member(c.l3, 12, quantri, "na-c1")
	admin3 := w.Admin(c.l2, 13, quantri, "na-c1", 3)   // l3's peer
	admin4 := w.Admin(c.l3, 14, quantri, "na-c1", 4)   // below l3
	beside := w.Member(c.l2peer, 15, quantri, "na-c2") // outside l3's unit
	prov := w.Admin(c.na, 16, quantri, "p-na", 1)      // Admin của Tỉnh
	atProv := w.Member(c.na, 17, quantri, "p-na")
	pending := "u18"
	_, err = svc.Add(ctx, c.l3, rbac.AddRequest{Subsystem: quantri, Unit: "na-c1",
		Query: vnconnect.Query{CCCD: rbactest.Person(18).CCCD.Number}, Reason: "thêm"})
	w.Must(err)

	cases := []struct {
		name     string
		actor    string
		from, to string
		sub      rbac.SubsystemID
		want     string // "" allowed, a rule, "not-found", "invalid"
	}{
		{"level 3 converts its users", c.l3, from, to, quantri, ""},
		{"level 2 from above", c.l2, from, to, quantri, ""},
		{"operator", rbactest.Operator, admin3, to, quantri, ""},
		{"legacy account without rights", c.l3, "legacy:nguyenvana", to, quantri, ""},
		{"into a pending member", c.l3, from, pending, quantri, ""},
		{"hands over a lower admin's rights", c.l3, admin4, to, quantri, ""},
		{"takes a peer's rights", c.l3, admin3, to, quantri, rbac.RulePeerOrSuperior},
		{"gives to a peer", c.l3, from, admin3, quantri, rbac.RulePeerOrSuperior},
		{"takes a super admin's account", c.l3, c.ht, to, quantri, rbac.RulePeerOrSuperior},
		{"receiver outside the subtree", c.l3, from, beside, quantri, rbac.RuleOutsideScope},
		{"giver outside the subtree", c.l3, beside, to, quantri, rbac.RuleOutsideScope},
		{"other province", c.htL1, from, to, quantri, rbac.RuleOutsideScope},
		{"admin of another subsystem", c.paknL1, from, to, quantri, rbac.RuleOutsideScope},
		{"converts itself away", c.l3, c.l3, to, quantri, rbac.RuleSelf},
		{"converts to itself", c.l3, from, c.l3, quantri, rbac.RuleSelf},
		{"province admin role into a commune", c.na, prov, to, quantri, rbac.RuleRoleNotGrantable},
		{"province admin role in the province", c.na, prov, atProv, quantri, ""},
		{"receiver not on the subsystem", c.l3, from, "nobody", quantri, "not-found"},
		{"unknown subsystem", c.l3, from, to, "no-such", "not-found"},
		{"same account", c.l3, from, from, quantri, "invalid"},
		{"no receiver", c.l3, from, "", quantri, "invalid"},
	}
	for _, s := range []struct {
		name string
		svc  *rbac.Service
	}{{"indexes", svc}, {"plain", plain}} {
		for _, tc := range cases {
			t.Run(s.name+"/"+tc.name, func(t *testing.T) {
				target := rbac.Target{Account: tc.from, ToAccount: tc.to, Subsystem: tc.sub}
				var got error
				errStop := errors.New("stop")
				err := s.svc.Store().Update(ctx, func(tx rbac.Tx) error {
					got = s.svc.CanTx(tx, tc.actor, rbac.ActConvert, target)
					return errStop
				})
				if !errors.Is(err, errStop) {
					t.Fatal(err)
				}
				if can := s.svc.Can(ctx, tc.actor, rbac.ActConvert, target); rbac.ErrorCode(can) != rbac.ErrorCode(got) {
					t.Errorf("Can and CanTx disagree: %v vs %v", can, got)
				}
				switch tc.want {
				case "":
					if got != nil {
						t.Errorf("refused: %v", got)
					}
				case "not-found":
					if !errors.Is(got, rbac.ErrNotFound) {
						t.Errorf("err = %v, want ErrNotFound", got)
					}
				case "invalid":
					if !errors.Is(got, rbac.ErrInvalid) {
						t.Errorf("err = %v, want ErrInvalid", got)
					}
				default:
					denied(t, tc.name, got, tc.want)
				}
			})
		}
	}
}

// CanTx reads the transaction's own writes: a right granted earlier in the
// same Update counts, and one revoked does not.
func TestCanTxSeesItsTransaction(t *testing.T) {
	c := newCast(t)
	w, ctx, svc := c.w, c.w.Ctx, c.w.Svc
	target := rbac.Target{Account: c.user, Subsystem: quantri}
	errStop := errors.New("stop")
	err := svc.Store().Update(ctx, func(tx rbac.Tx) error {
		if err := svc.CanTx(tx, c.l3, rbac.ActLock, target); err != nil {
			t.Errorf("before: %v", err)
		}
		m, err := tx.Membership(c.l3, quantri)
		w.Must(err)
		m.Roles = nil
		w.Must(tx.PutMembership(m))
		denied(t, "after the revoke in the same transaction", svc.CanTx(tx, c.l3, rbac.ActLock, target), rbac.RuleOutsideScope)
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatal(err)
	}
	w.Must(svc.Can(ctx, c.l3, rbac.ActLock, target)) // rolled back
}

func TestAuditTx(t *testing.T) {
	c := newCast(t)
	w, ctx, svc := c.w, c.w.Ctx, c.w.Svc
	before := w.VerifyChain()

	w.Must(svc.Store().Update(ctx, func(tx rbac.Tx) error {
		if err := svc.AuditTx(tx, c.l3, "migrate.convert", "conversion:c1", "chuyển đổi", map[string]string{"from": "a"}); err != nil {
			return err
		}
		return svc.AuditTx(tx, c.l3, "migrate.verify", "conversion:c1", "kiểm tra", nil)
	}))
	// A failed Update keeps no entry.
	errStop := errors.New("stop")
	if err := svc.Store().Update(ctx, func(tx rbac.Tx) error {
		w.Must(svc.AuditTx(tx, c.l3, "migrate.convert", "conversion:c2", "chuyển đổi", nil))
		return errStop
	}); !errors.Is(err, errStop) {
		t.Fatal(err)
	}
	if n := w.VerifyChain(); n != before+2 {
		t.Errorf("chain has %d entries, want %d", n, before+2)
	}
	var last []rbac.AuditEntry
	w.Must(svc.Store().View(ctx, func(tx rbac.ReadTx) error {
		var err error
		last, err = tx.Audit(before, 0)
		return err
	}))
	if len(last) != 2 || last[0].Action != "migrate.convert" || last[0].Details["from"] != "a" || last[1].Target != "conversion:c1" {
		t.Errorf("appended entries: %+v", last)
	}

	bad := []struct{ name, actor, action, reason string }{
		{"rbac's own action", c.l3, string(rbac.ActGrant), "giả mạo"},
		{"rbac's convert", c.l3, string(rbac.ActConvert), "giả mạo"},
		{"no actor", "", "migrate.convert", "x"},
		{"no action", c.l3, "", "x"},
		{"no reason", c.l3, "migrate.convert", ""},
	}
	for _, b := range bad {
		err := svc.Store().Update(ctx, func(tx rbac.Tx) error {
			return svc.AuditTx(tx, b.actor, b.action, "t", b.reason, nil)
		})
		if !errors.Is(err, rbac.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", b.name, err)
		}
	}
	if n := w.VerifyChain(); n != before+2 {
		t.Errorf("refused entries reached the chain: %d entries", n)
	}
}
