package adminapi_test

import (
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/adminapi"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
)

// POST /users with initial settings: one transaction, all or nothing.
func TestAddWithSettings(t *testing.T) {
	e := newEnv(t)
	su := e.login(e.super)
	lower := e.login(e.lower) // level 2 on pakn at na-soyt

	p := rbactest.Person(1)
	r := e.do(su, "POST", "/users", adminapi.AddBody{Subsystem: "pakn", Unit: "na-soyt", Query: adminapi.QueryJSON{CCCD: p.CCCD.Number},
		Reason: "thêm mới, nhóm admin, khóa", Activate: true, Group: string(rbac.GroupUnitAdmins), Lock: true})
	var m adminapi.MembershipJSON
	r.json(t, &m)
	if r.status != 201 || m.State != "active" || !m.Locked || m.Group != string(rbac.GroupUnitAdmins) ||
		len(m.Roles) != 1 || m.Roles[0].Level != 1 || m.Roles[0].ViaGroup != string(rbac.GroupUnitAdmins) {
		t.Fatalf("add with settings: %d %s", r.status, r.body)
	}

	n := e.w.VerifyChain()
	cases := []struct {
		name       string
		u          user
		body       any
		status     int
		code, rule string
	}{
		{"group with a role, pending", su, adminapi.AddBody{Subsystem: "pakn", Unit: "na-soyt",
			Query: adminapi.QueryJSON{CCCD: rbactest.Person(2).CCCD.Number}, Reason: "x", Group: string(rbac.GroupUnitAdmins)},
			409, rbac.CodeConflict, ""},
		{"unknown group", lower, adminapi.AddBody{Subsystem: "pakn", Unit: "na-soyt",
			Query: adminapi.QueryJSON{CCCD: rbactest.Person(2).CCCD.Number}, Reason: "x", Activate: true, Group: "nhom-khong-co"},
			422, rbac.CodeInvalid, ""},
		{"misspelt setting", su, `{"subsystem":"pakn","unit":"na-soyt","query":{"cccd":"` + rbactest.Person(2).CCCD.Number +
			`"},"reason":"x","activated":true}`, 400, adminapi.CodeBadJSON, ""},
		{"setting of the wrong type", su, `{"subsystem":"pakn","unit":"na-soyt","query":{"cccd":"` + rbactest.Person(2).CCCD.Number +
			`"},"reason":"x","lock":"yes"}`, 400, adminapi.CodeBadJSON, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.u, "POST", "/users", tc.body)
			pr := r.problem(t)
			if r.status != tc.status || pr.Code != tc.code || pr.Rule != tc.rule {
				t.Fatalf("%d %s, want %d %s %s", r.status, r.body, tc.status, tc.code, tc.rule)
			}
			if r := e.do(su, "GET", "/users/"+rbactest.PersonID(2)+"/pakn", nil); r.status != 404 {
				t.Errorf("refused add left a membership: %d %s", r.status, r.body)
			}
		})
	}
	if got := e.w.VerifyChain(); got != n {
		t.Errorf("refused adds wrote %d audit entries", got-n)
	}
}
