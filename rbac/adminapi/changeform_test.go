package adminapi_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac/adminapi"
	"github.com/rpkit-vn/rpkit/rbac/changeform"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
)

func formCSV(t *testing.T) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	p1, p2 := rbactest.Person(1), rbactest.Person(2)
	_ = w.WriteAll([][]string{
		{"STT", "Phân hệ cần bổ sung CCVC xử lý", "Họ và tên CCVC", "Số CMND", "Ghi chú"},
		{"1", "Hệ thống tiếp nhận, xử lý, phản ánh kiến nghị của người dân, doanh nghiệp", p1.FullName, p1.CCCD.Number, ""},
		{"2", "Hệ thống tiếp nhận, xử lý, phản ánh kiến nghị của người dân, doanh nghiệp", "Tên Khác", p2.CCCD.Number, ""},
	})
	return b.Bytes()
}

func TestChangeForm(t *testing.T) {
	e := newEnv(t)
	su := e.login(e.super)
	send := func(u user, query string, fields map[string]string, file []byte, opts ...func(*http.Request)) resp {
		ct, body := upload(t, file, fields)
		return e.do(u, "POST", "/change-form"+query, body, append([]func(*http.Request){contentType(ct)}, opts...)...)
	}
	fields := map[string]string{"unit": "na-soyt", "reason": "Công văn 6112/VP-KGVX"}

	r := send(su, "?dry_run=1", fields, formCSV(t))
	var plan adminapi.ChangeFormJSON
	r.json(t, &plan)
	if r.status != 200 || !plan.DryRun || plan.Counts[changeform.Add] != 1 || plan.Counts[changeform.NameMismatch] != 1 || plan.Plan == "" {
		t.Fatalf("dry run: %d %s", r.status, r.body)
	}
	// Applying without the plan, or with another file's, is refused.
	if r := send(su, "", fields, formCSV(t)); r.status != 409 || r.problem(t).Code != adminapi.CodePlanMismatch {
		t.Fatalf("apply without plan: %d %s", r.status, r.body)
	}
	withPlan := map[string]string{"unit": "na-soyt", "reason": "Công văn 6112/VP-KGVX", "plan": plan.Plan}
	r = send(su, "", withPlan, formCSV(t))
	var applied adminapi.ChangeFormJSON
	r.json(t, &applied)
	if r.status != 200 || applied.DryRun || applied.Counts[changeform.Added] != 1 {
		t.Fatalf("apply: %d %s", r.status, r.body)
	}
	// Idempotent.
	r = send(su, "", withPlan, formCSV(t))
	var again adminapi.ChangeFormJSON
	r.json(t, &again)
	if again.Counts[changeform.Added] != 0 || again.Counts[changeform.AlreadyPresent] != 1 {
		t.Fatalf("re-apply: %s", r.body)
	}

	// The lower admin importing into another province: every row refused.
	lower := e.login(e.lower)
	r = send(lower, "?dry_run=1", map[string]string{"unit": "p-ht"}, formCSV(t))
	var denied adminapi.ChangeFormJSON
	r.json(t, &denied)
	if denied.Counts[changeform.Forbidden] != 2 || denied.Results[0].Detail != "not an admin of pakn over unit p-ht" {
		t.Fatalf("lower admin: %s", r.body)
	}

	cases := []struct {
		name   string
		u      user
		fields map[string]string
		file   []byte
		opts   []func(*http.Request)
		status int
		code   string
	}{
		{"csrf", su, fields, formCSV(t), []func(*http.Request){noCSRF}, 403, adminapi.CodeCSRF},
		{"not a form", su, fields, []byte("hello\nworld\n"), nil, 422, adminapi.CodeBadForm},
		{"unknown field", su, map[string]string{"unit": "na-soyt", "colour": "red"}, formCSV(t), nil, 422, "rbac.invalid"},
		{"unknown unit", su, map[string]string{"unit": "nowhere"}, formCSV(t), nil, 404, "rbac.not_found"},
		{"too large", su, fields, bytes.Repeat([]byte("x"), 9<<20), nil, 413, adminapi.CodeTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := send(c.u, "?dry_run=1", c.fields, c.file, c.opts...)
			if r.status != c.status || r.problem(t).Code != c.code {
				t.Fatalf("%d %s, want %d %s", r.status, r.body, c.status, c.code)
			}
		})
	}
}
