package adminapi_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/adminapi"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
)

// TestLifecycle walks the platform's screens in order: Tìm kiếm trên
// Vnconnect → Lưu (Chưa kích hoạt) → Kích hoạt → Khóa / Mở → Thay đổi đơn
// vị → nhóm → Gán quyền → thu hồi → xóa.
func TestLifecycle(t *testing.T) {
	e := newEnv(t)
	su := e.login(e.super)
	p := rbactest.Person(1)
	id := p.TechID
	base := "/users/" + id + "/pakn"

	r := e.do(su, "GET", "/vnconnect/search?cccd="+p.CCCD.Number, nil)
	var found struct{ Results []adminapi.IdentityJSON }
	r.json(t, &found)
	if r.status != 200 || len(found.Results) != 1 || found.Results[0].TechID != id || found.Results[0].FullName != p.FullName {
		t.Fatalf("search: %d %s", r.status, r.body)
	}

	r = e.do(su, "POST", "/users", adminapi.AddBody{Subsystem: "pakn", Unit: "na-soyt",
		Query: adminapi.QueryJSON{CCCD: p.CCCD.Number}, Reason: "thêm mới từ Vnconnect"})
	var m adminapi.MembershipJSON
	r.json(t, &m)
	if r.status != 201 || m.State != "pending" || m.StateLabel != "Chưa kích hoạt" || m.Unit != "na-soyt" {
		t.Fatalf("add: %d %s", r.status, r.body)
	}

	r = e.do(su, "GET", "/users?subsystem=pakn&state=pending", nil)
	var page adminapi.UserPageJSON
	r.json(t, &page)
	if r.status != 200 || len(page.Users) != 1 || page.Users[0].Person.FullName != p.FullName {
		t.Fatalf("list pending: %d %s", r.status, r.body)
	}

	steps := []struct {
		method, path string
		body         any
		check        func(adminapi.MembershipJSON) bool
	}{
		{"POST", base + "/activate", adminapi.ReasonBody{Reason: "kích hoạt"}, func(m adminapi.MembershipJSON) bool { return m.State == "active" }},
		{"POST", base + "/lock", adminapi.ReasonBody{Reason: "khóa"}, func(m adminapi.MembershipJSON) bool { return m.Locked && m.LockLabel == "Khóa" }},
		{"POST", base + "/open", adminapi.ReasonBody{Reason: "mở"}, func(m adminapi.MembershipJSON) bool { return !m.Locked && m.LockLabel == "Mở" }},
		{"POST", base + "/unit", adminapi.UnitBody{Unit: "na-tt", Reason: "thay đổi đơn vị"}, func(m adminapi.MembershipJSON) bool { return m.Unit == "na-tt" }},
		{"POST", base + "/group", adminapi.GroupBody{Group: "nhom-xu-ly", Reason: "nhóm xử lý"}, func(m adminapi.MembershipJSON) bool {
			return m.Group == "nhom-xu-ly" && len(m.Roles) == 1 && m.Roles[0].ViaGroup == "nhom-xu-ly"
		}},
		{"POST", base + "/roles", adminapi.GrantBody{Role: "xem", Reason: "gán quyền"}, func(m adminapi.MembershipJSON) bool { return len(m.Roles) == 2 }},
		{"DELETE", base + "/roles/xem", adminapi.ReasonBody{Reason: "thu hồi"}, func(m adminapi.MembershipJSON) bool { return len(m.Roles) == 1 }},
	}
	for _, s := range steps {
		r := e.do(su, s.method, s.path, s.body)
		var m adminapi.MembershipJSON
		if r.status == 200 {
			r.json(t, &m)
		}
		if r.status != 200 || !s.check(m) {
			t.Fatalf("%s %s: %d %s", s.method, s.path, r.status, r.body)
		}
	}

	r = e.do(su, "GET", base, nil)
	if r.status != 200 {
		t.Fatalf("get membership: %d %s", r.status, r.body)
	}
	r = e.do(su, "GET", "/users/"+id, nil)
	var ms struct{ Memberships []adminapi.MembershipJSON }
	r.json(t, &ms)
	if len(ms.Memberships) != 1 {
		t.Fatalf("memberships: %s", r.body)
	}
	r = e.do(su, "DELETE", base, adminapi.ReasonBody{Reason: "chuyển công tác"})
	if r.status != 204 {
		t.Fatalf("remove: %d %s", r.status, r.body)
	}
	if r := e.do(su, "GET", base, nil); r.status != 404 {
		t.Fatalf("after remove: %d", r.status)
	}
	e.w.VerifyChain()
}

func TestErrorMapping(t *testing.T) {
	e := newEnv(t)
	su := e.login(e.super)
	lower := e.login(e.lower)
	e.w.Member(e.super, 20, rbac.SubsystemPAKN, "p-na") // active, at the province
	e.w.Member(e.super, 21, rbac.SubsystemPAKN, "na-soyt")
	p21 := "/users/" + rbactest.PersonID(21) + "/pakn"
	big := `{"reason":"` + strings.Repeat("x", 5<<10) + `"}`

	cases := []struct {
		name         string
		u            user
		method, path string
		body         any
		opts         []func(*http.Request)
		status       int
		code, rule   string
		detail       string
	}{
		{"forbidden outside subtree", lower, "POST", "/users/" + rbactest.PersonID(20) + "/pakn/lock", adminapi.ReasonBody{Reason: "x"}, nil,
			403, rbac.CodeForbidden, rbac.RuleOutsideScope, "not an admin of pakn over unit p-na"},
		{"forbidden self", lower, "POST", "/users/" + e.lower + "/pakn/lock", adminapi.ReasonBody{Reason: "x"}, nil,
			403, rbac.CodeForbidden, rbac.RuleSelf, "no one acts on their own account"},
		{"not found", su, "POST", "/users/nobody/pakn/activate", adminapi.ReasonBody{Reason: "x"}, nil, 404, rbac.CodeNotFound, "", ""},
		{"conflict", su, "POST", p21 + "/activate", adminapi.ReasonBody{Reason: "x"}, nil, 409, rbac.CodeConflict, "", "membership is active, not pending"},
		{"invalid: no reason", su, "POST", p21 + "/lock", adminapi.ReasonBody{}, nil, 422, rbac.CodeInvalid, "", "a reason is required"},
		{"invalid search", su, "GET", "/vnconnect/search?cccd=123", nil, nil, 422, rbac.CodeInvalid, "", ""},
		{"bad json", su, "POST", p21 + "/lock", `{"reason":`, nil, 400, adminapi.CodeBadJSON, "", "the body ends early"},
		{"unknown field", su, "POST", p21 + "/lock", `{"reason":"x","level":9}`, nil, 400, adminapi.CodeBadJSON, "", `unknown field "level"`},
		{"trailing data", su, "POST", p21 + "/lock", `{"reason":"x"}{}`, nil, 400, adminapi.CodeBadJSON, "", ""},
		{"wrong type", su, "POST", p21 + "/roles", `{"role":"xem","level":"one","reason":"x"}`, nil, 400, adminapi.CodeBadJSON, "", "field level must be int"},
		{"too large", su, "POST", p21 + "/lock", big, nil, 413, adminapi.CodeTooLarge, "", ""},
		{"media type", su, "POST", p21 + "/lock", `reason=x`, []func(*http.Request){contentType("application/x-www-form-urlencoded")}, 415, adminapi.CodeUnsupportedMedia, "", ""},
		{"method", su, "PUT", p21 + "/lock", adminapi.ReasonBody{Reason: "x"}, nil, 405, adminapi.CodeMethod, "", ""},
		{"no route", su, "GET", "/nothing/here", nil, nil, 404, adminapi.CodeNoRoute, "", ""},
		{"bad parameter", su, "GET", "/users?colour=red", nil, nil, 400, adminapi.CodeBadParameter, "", ""},
		{"bad query", su, "GET", "/users?after=%%%", nil, nil, 400, adminapi.CodeBadParameter, "", ""},
		{"bad cursor", su, "GET", "/users?after=!!!", nil, nil, 400, adminapi.CodeBadParameter, "", ""},
		{"csrf missing", su, "POST", p21 + "/lock", adminapi.ReasonBody{Reason: "x"}, []func(*http.Request){noCSRF}, 403, adminapi.CodeCSRF, "", ""},
		{"csrf forged", su, "POST", p21 + "/lock", adminapi.ReasonBody{Reason: "x"}, []func(*http.Request){badCSRF}, 403, adminapi.CodeCSRF, "", ""},
		{"csrf on delete", su, "DELETE", p21, adminapi.ReasonBody{Reason: "x"}, []func(*http.Request){noCSRF}, 403, adminapi.CodeCSRF, "", ""},
		{"audit not operator", su, "GET", "/audit", nil, nil, 403, rbac.CodeForbidden, rbac.RuleOperatorOnly, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(c.u, c.method, c.path, c.body, c.opts...)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			p := r.problem(t)
			if p.Code != c.code || p.Rule != c.rule || (c.detail != "" && p.Detail != c.detail) {
				t.Errorf("problem %+v, want code %s rule %q detail %q", p, c.code, c.rule, c.detail)
			}
			if strings.Contains(string(r.body), "rbac: ") {
				t.Errorf("internal message leaked: %s", r.body)
			}
		})
	}
	if r := e.do(su, "PUT", p21+"/lock", nil); r.header.Get("Allow") != "POST" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
	// Nothing refused above changed anything.
	if r := e.do(su, "GET", p21, nil); !strings.Contains(string(r.body), `"locked":false`) {
		t.Errorf("a refused request changed the membership: %s", r.body)
	}
}

func TestUnauthenticated(t *testing.T) {
	e := newEnv(t)
	r := e.do(user{}, "GET", "/me", nil)
	if r.status != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d %s", r.status, r.body)
	}
	// A cookie naming no session is anonymous too.
	r = e.do(user{cookie: "stale", csrf: "x"}, "POST", "/users", adminapi.AddBody{})
	if r.status != http.StatusUnauthorized {
		t.Fatalf("stale cookie: %d %s", r.status, r.body)
	}
}

// A lower admin acting outside its subtree is refused on every route with
// a message that says why, and sees nothing there.
func TestLowerAdminOutsideSubtree(t *testing.T) {
	e := newEnv(t)
	lower := e.login(e.lower)
	ht := e.w.Super("p-ht")
	e.w.Member(ht, 30, rbac.SubsystemPAKN, "ht-c1")
	p := rbactest.Person(31)

	r := e.do(lower, "POST", "/users", adminapi.AddBody{Subsystem: "pakn", Unit: "p-ht", Query: adminapi.QueryJSON{CCCD: p.CCCD.Number}, Reason: "x"})
	pr := r.problem(t)
	if r.status != 403 || pr.Detail != "not an admin of pakn over unit p-ht" || pr.Rule != rbac.RuleOutsideScope {
		t.Fatalf("add outside subtree: %d %+v", r.status, pr)
	}
	for _, path := range []string{"/users?unit=p-ht", "/units/p-ht/admins", "/users?subsystem=csdl"} {
		if r := e.do(lower, "GET", path, nil); r.status != 403 {
			t.Errorf("GET %s: %d %s", path, r.status, r.body)
		}
	}
	// Someone else's membership reads as absent, not as forbidden.
	if r := e.do(lower, "GET", "/users/"+rbactest.PersonID(30)+"/pakn", nil); r.status != 404 {
		t.Errorf("peek: %d", r.status)
	}
	// Granting at its own level, inside its subtree, is refused too.
	e.w.Member(e.super, 32, rbac.SubsystemPAKN, "na-soyt")
	r = e.do(lower, "POST", "/users/"+rbactest.PersonID(32)+"/pakn/roles", adminapi.GrantBody{Role: "admin", Level: 2, Reason: "x"})
	if pr := r.problem(t); r.status != 403 || pr.Rule != rbac.RuleLevel {
		t.Errorf("grant at own level: %d %+v", r.status, pr)
	}
	// Its own units only.
	var units struct{ Units []adminapi.UnitJSON }
	e.do(lower, "GET", "/units?subsystem=pakn", nil).json(t, &units)
	if len(units.Units) != 1 || units.Units[0].ID != "na-soyt" {
		t.Errorf("units: %+v", units.Units)
	}
}

func TestQueries(t *testing.T) {
	e := newEnv(t)
	su := e.login(e.super)
	for i := 40; i > 36; i-- {
		e.w.Member(e.super, i, rbac.SubsystemCSDL, "na-c1")
	}
	var me adminapi.MeJSON
	e.do(su, "GET", "/me", nil).json(t, &me)
	if me.TechID != e.super || me.CSRFToken != "csrf-"+e.super || len(me.Scopes) != 1 || me.Scopes[0].Unit != "p-na" || me.Scopes[0].Level != 0 {
		t.Errorf("me: %+v", me)
	}
	var subs struct{ Subsystems []adminapi.SubsystemJSON }
	e.do(su, "GET", "/subsystems", nil).json(t, &subs)
	if len(subs.Subsystems) != 3 {
		t.Errorf("subsystems: %+v", subs)
	}
	var units struct{ Units []adminapi.UnitJSON }
	e.do(su, "GET", "/units", nil).json(t, &units)
	if len(units.Units) != 6 || units.Units[0].ID != "p-na" {
		t.Errorf("units: %+v", units.Units)
	}
	var admins struct{ Admins []adminapi.AdminJSON }
	e.do(su, "GET", "/units/na-soyt/admins", nil).json(t, &admins)
	if len(admins.Admins) != 2 || admins.Admins[0].Account != e.lower || admins.Admins[1].Level != 0 {
		t.Errorf("admins: %+v", admins.Admins)
	}
	// Paging: four CSDL users in na-vinh's subtree, two at a time.
	var seen []string
	after := ""
	for range 3 {
		var page adminapi.UserPageJSON
		r := e.do(su, "GET", "/users?subsystem=csdl&unit=na-vinh&limit=2&after="+url.QueryEscape(after), nil)
		r.json(t, &page)
		for _, u := range page.Users {
			seen = append(seen, u.Account)
		}
		if after = page.Next; after == "" {
			break
		}
	}
	if len(seen) != 4 || seen[0] != "u37" || seen[3] != "u40" {
		t.Errorf("paged: %v", seen)
	}
	// Name search ignores diacritics.
	var page adminapi.UserPageJSON
	name := rbactest.Person(37).FullName
	e.do(su, "GET", "/users?name="+url.QueryEscape(strings.ToLower(foldASCII(name))), nil).json(t, &page)
	if len(page.Users) == 0 || page.Users[0].Account != "u37" {
		t.Errorf("name search %q: %+v", name, page.Users)
	}
}

func TestAudit(t *testing.T) {
	e := newEnv(t)
	op := e.login(rbactest.Operator)
	r := e.do(op, "GET", "/audit", nil)
	if r.status != 200 || r.header.Get("Content-Type") != adminapi.AuditContentType {
		t.Fatalf("audit: %d %s", r.status, r.header.Get("Content-Type"))
	}
	n, _, err := rbac.VerifyJSONLines(bytes.NewReader(r.body))
	if err != nil || n != e.w.VerifyChain() {
		t.Fatalf("export verifies %d entries: %v", n, err)
	}
	r = e.do(op, "GET", "/audit?after=3", nil)
	if lines := bytes.Count(r.body, []byte("\n")); uint64(lines) != n-3 {
		t.Errorf("after=3: %d lines, want %d", lines, n-3)
	}
}

func TestSuperAdmin(t *testing.T) {
	e := newEnv(t)
	op := e.login(rbactest.Operator)
	agency := e.login("ag-ht")
	// Without a certificate login, no request.
	r := e.do(agency, "POST", "/super-admin/requests", adminapi.SuperRequestBody{Unit: "p-ht", Reason: "đăng ký"})
	if pr := r.problem(t); r.status != 403 {
		t.Fatalf("no certificate: %d %+v", r.status, pr)
	}
	// A certificate of another agency does not match the unit.
	e.creds.code = "000.00.00.H41"
	r = e.do(agency, "POST", "/super-admin/requests", adminapi.SuperRequestBody{Unit: "p-ht", Reason: "đăng ký"})
	if pr := r.problem(t); r.status != 403 || pr.Rule != rbac.RuleCodeMismatch {
		t.Fatalf("mismatch: %d %+v", r.status, pr)
	}
	e.creds.code = "000.00.00.H30"
	r = e.do(agency, "POST", "/super-admin/requests", adminapi.SuperRequestBody{Unit: "p-ht", Reason: "đăng ký quản trị cấp cao"})
	var req adminapi.SuperAdminRequestJSON
	r.json(t, &req)
	if r.status != 201 || req.State != "pending" || req.Account != "ag-ht" {
		t.Fatalf("request: %d %s", r.status, r.body)
	}
	if r := e.do(agency, "GET", "/super-admin/requests", nil); r.status != 403 {
		t.Errorf("agency lists requests: %d", r.status)
	}
	if r := e.do(agency, "POST", "/super-admin/requests/"+req.ID+"/approve", adminapi.ReasonBody{Reason: "tự duyệt"}); r.status != 403 {
		t.Errorf("self-approval: %d", r.status)
	}
	var list struct {
		Requests []adminapi.SuperAdminRequestJSON
	}
	e.do(op, "GET", "/super-admin/requests?state=pending", nil).json(t, &list)
	if len(list.Requests) != 1 || list.Requests[0].ID != req.ID {
		t.Fatalf("pending: %+v", list)
	}
	r = e.do(op, "POST", "/super-admin/requests/"+req.ID+"/approve", adminapi.ReasonBody{Reason: "mã định danh khớp"})
	var sa adminapi.SuperAdminJSON
	r.json(t, &sa)
	if r.status != 200 || sa.Unit != "p-ht" || sa.GrantedBy != rbactest.Operator {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if r := e.do(op, "POST", "/super-admin/requests/"+req.ID+"/reject", adminapi.ReasonBody{Reason: "muộn"}); r.status != 409 {
		t.Errorf("reject after approval: %d", r.status)
	}
	var me adminapi.MeJSON
	e.do(agency, "GET", "/me", nil).json(t, &me)
	if len(me.Scopes) != 1 || me.Scopes[0].Unit != "p-ht" {
		t.Errorf("new super admin's scopes: %+v", me.Scopes)
	}
}
