package rbac_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// driverErr stands for a database driver's error: its text must never
// reach PublicMessage.
type driverErr struct{}

func (driverErr) Error() string {
	return `pq: duplicate key value violates unique constraint "secret_idx"`
}

func TestPublicMessage(t *testing.T) {
	c := newCast(t)
	w, ctx, svc := c.w, c.w.Ctx, c.w.Svc
	_, dup := svc.Add(ctx, c.l3, rbac.AddRequest{Subsystem: quantri, Unit: "na-c1",
		Query: vnconnect.Query{CCCD: rbactest.Person(5).CCCD.Number}, Reason: "trùng"})
	_, denial := svc.Grant(ctx, c.l2, c.user, quantri, rbac.RoleUnitAdmin, 2, "own level")
	_, missing := svc.Activate(ctx, c.l1, "nobody", quantri, "x")
	_, bad := svc.Activate(ctx, c.l1, c.user, quantri, "")
	storeConflict := fmt.Errorf("%w: put account: %w", rbac.ErrConflict, driverErr{})

	cases := []struct {
		name string
		err  error
		want string
		ok   bool
	}{
		{"already a member", dup, c.user + " is already on quantri", true},
		{"wrapped by a caller", fmt.Errorf("import line 3: %w", dup), c.user + " is already on quantri", true},
		{"denied", denial, "a level-2 admin grants level 3 and below only", true},
		{"not found", missing, "", true},
		{"invalid", bad, "a reason is required", true},
		{"store error", storeConflict, "", false},
		{"bare sentinel", rbac.ErrNotFound, "", false},
		{"joined", errors.Join(driverErr{}, dup), c.user + " is already on quantri", true},
		{"context", context.Canceled, "", false},
		{"nil", nil, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := rbac.PublicMessage(tc.err)
			if ok != tc.ok || (tc.want != "" && got != tc.want) {
				t.Errorf("PublicMessage(%v) = %q, %v; want %q, %v", tc.err, got, ok, tc.want, tc.ok)
			}
			if ok && bytes.Contains([]byte(got), []byte("duplicate key")) {
				t.Errorf("driver text leaked: %q", got)
			}
		})
	}
	// The error texts themselves are unchanged in form.
	if got, want := bad.Error(), "rbac: invalid request: a reason is required"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(dup, rbac.ErrAlreadyMember) || !errors.Is(dup, rbac.ErrConflict) {
		t.Errorf("Add of a member: %v, want ErrAlreadyMember wrapping ErrConflict", dup)
	}
	w.VerifyChain()
}

func TestCanAddTo(t *testing.T) {
	c := newCast(t)
	w := c.w
	plain, err := rbac.New(rbac.Config{Store: plainStore{w.Store}, Operators: []string{rbactest.Operator}})
	w.Must(err)
	cases := []struct {
		name  string
		actor string
		sub   rbac.SubsystemID
		unit  rbac.UnitID
		want  string // "" allowed, a rule, or "not-found" / "invalid"
	}{
		{"operator", rbactest.Operator, quantri, "ht-c1", ""},
		{"super admin in its subtree", c.na, csdl, "na-c2", ""},
		{"level 3 in its unit", c.l3, quantri, "na-c1", ""},
		{"level 3 beside its unit", c.l3, quantri, "na-c2", rbac.RuleOutsideScope},
		{"admin of another subsystem", c.paknL1, quantri, "p-na", rbac.RuleOutsideScope},
		{"other province", c.htL1, quantri, "na-c1", rbac.RuleOutsideScope},
		{"plain user", c.user, quantri, "na-c1", rbac.RuleOutsideScope},
		{"no actor", "", quantri, "na-c1", rbac.RuleNoActor},
		{"unknown subsystem", c.l1, "no-such", "na-c1", "not-found"},
		{"unknown unit", c.l1, quantri, "no-such", "not-found"},
		{"no unit", c.l1, quantri, "", "invalid"},
	}
	for _, tc := range cases {
		for _, s := range []struct {
			name string
			svc  *rbac.Service
		}{{"indexes", w.Svc}, {"plain", plain}} {
			t.Run(tc.name+"/"+s.name, func(t *testing.T) {
				err := s.svc.CanAddTo(w.Ctx, tc.actor, tc.sub, tc.unit)
				switch tc.want {
				case "":
					if err != nil {
						t.Errorf("refused: %v", err)
					}
				case "not-found":
					if !errors.Is(err, rbac.ErrNotFound) {
						t.Errorf("err = %v, want ErrNotFound", err)
					}
				case "invalid":
					if !errors.Is(err, rbac.ErrInvalid) {
						t.Errorf("err = %v, want ErrInvalid", err)
					}
				default:
					denied(t, tc.name, err, tc.want)
				}
			})
		}
	}
}

func TestOperatorOnlyReads(t *testing.T) {
	c := newCast(t)
	w, ctx, svc := c.w, c.w.Ctx, c.w.Svc
	_, err := svc.RequestSuperAdmin(ctx, rbactest.Credential("000.00.00.H41"), "p-na", "thêm một tài khoản")
	w.Must(err)

	for _, actor := range []string{c.na, c.l1, c.user, ""} {
		var buf bytes.Buffer
		err := svc.ExportAuditAs(ctx, actor, &buf, 0)
		rbactest.WantDenied(t, "export by "+actor, err, ruleFor(actor))
		if buf.Len() != 0 {
			t.Errorf("export by %q wrote %d bytes before refusing", actor, buf.Len())
		}
		_, err = svc.SuperAdminRequests(ctx, actor, "")
		rbactest.WantDenied(t, "list requests by "+actor, err, ruleFor(actor))
	}

	var buf bytes.Buffer
	w.Must(svc.ExportAuditAs(ctx, rbactest.Operator, &buf, 0))
	n, _, err := rbac.VerifyJSONLines(&buf)
	w.Must(err)
	if n != w.VerifyChain() {
		t.Errorf("export has %d entries, the log %d", n, w.VerifyChain())
	}
	pending, err := svc.SuperAdminRequests(ctx, rbactest.Operator, rbac.RequestPending)
	w.Must(err)
	all, err := svc.SuperAdminRequests(ctx, rbactest.Operator, "")
	w.Must(err)
	if len(pending) != 1 || len(all) != 4 { // three approved by the cast, one pending
		t.Errorf("requests: %d pending, %d in all; want 1 and 4", len(pending), len(all))
	}
	if _, err := svc.SuperAdminRequests(ctx, rbactest.Operator, "bogus"); !errors.Is(err, rbac.ErrInvalid) {
		t.Errorf("unknown state: %v, want ErrInvalid", err)
	}
}

func ruleFor(actor string) string {
	if actor == "" {
		return rbac.RuleNoActor
	}
	return rbac.RuleOperatorOnly
}
