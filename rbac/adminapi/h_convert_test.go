package adminapi_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/adminapi"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
	"golang.org/x/crypto/bcrypt"
)

// convEnv is env with a Converter on a SQLite application database: a
// PAKN-like app whose petitions belong to accounts.
type convEnv struct {
	*env
	db   *sql.DB
	conv *migrate.Converter
}

func newConvEnv(t *testing.T) *convEnv {
	t.Helper()
	ctx := context.Background()
	w := rbactest.NewWorld(t, rbac.NewMemoryStore())
	e := &env{t: t, w: w, creds: &fakeCreds{}}
	e.super = w.Super("p-na")
	e.lower = w.Admin(e.super, 10, rbac.SubsystemPAKN, "na-soyt", 2)

	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "app.db")+"?_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{`CREATE TABLE documents (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, subsystem TEXT NOT NULL, title TEXT NOT NULL)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := migrate.Migrate(ctx, db, migrate.SQLite); err != nil {
		t.Fatal(err)
	}
	if err := migrate.CreateLegacyTable(ctx, db, migrate.SQLite); err != nil {
		t.Fatal(err)
	}
	mv, err := migrate.NewSQLMover("app", migrate.SQLite, migrate.Table{Name: "documents", Owner: "owner", Subsystem: "subsystem"})
	if err != nil {
		t.Fatal(err)
	}
	leg, err := migrate.NewSQLLegacy(migrate.SQLite, migrate.LegacyTable{})
	if err != nil {
		t.Fatal(err)
	}
	conv, err := migrate.New(migrate.Config{DB: db, Dialect: migrate.SQLite, RBAC: w.Svc, Directory: w.Dir, Legacy: leg, Movers: []migrate.Mover{mv}})
	if err != nil {
		t.Fatal(err)
	}

	ep := vnconnect.EndpointFor("https://testxacthuc.example.test")
	client, err := vnconnect.NewClient(vnconnect.Config{ClientID: "pakn", ClientSecret: "s", RedirectURL: "http://127.0.0.1/auth/callback", Endpoint: ep})
	if err != nil {
		t.Fatal(err)
	}
	e.sessions = web.NewMemorySessionStore(web.MemoryOptions{})
	h, err := web.New(web.Config{Client: client, BaseURL: "http://127.0.0.1", Sessions: e.sessions})
	if err != nil {
		t.Fatal(err)
	}
	api, err := adminapi.New(adminapi.Config{Service: w.Svc, Web: h, Directory: w.Dir, Converter: conv, MaxBodyBytes: 4 << 10})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/admin/api/", http.StripPrefix("/admin/api", api))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return &convEnv{env: e, db: db, conv: conv}
}

// legacy saves a username/password account and n petitions it owns.
func (c *convEnv) legacy(user string, unit rbac.UnitID, n int) {
	c.t.Helper()
	h, _ := bcrypt.GenerateFromPassword([]byte("matkhau-cu"), bcrypt.MinCost)
	c.exec(`INSERT INTO rpkit_legacy_accounts (username, subsystem, unit_id, group_id, password_hash, disabled) VALUES (?, 'pakn', ?, ?, ?, 0)`,
		user, string(unit), string(rbac.GroupProcessors), string(h))
	for i := range n {
		c.exec(`INSERT INTO documents (owner, subsystem, title) VALUES (?, 'pakn', ?)`, user, fmt.Sprintf("đơn %d", i))
	}
}

// member saves person i, active, in unit and the processors' group.
func (c *convEnv) member(i int, unit rbac.UnitID) string {
	c.t.Helper()
	id := c.w.Member(c.super, i, rbac.SubsystemPAKN, unit)
	_, err := c.w.Svc.SetGroup(context.Background(), c.super, id, rbac.SubsystemPAKN, rbac.GroupProcessors, "nhóm")
	c.w.Must(err)
	return id
}

func (c *convEnv) exec(q string, args ...any) {
	c.t.Helper()
	if _, err := c.db.Exec(q, args...); err != nil {
		c.t.Fatal(err)
	}
}

func (c *convEnv) owned(owner string) int {
	c.t.Helper()
	var n int
	if err := c.db.QueryRow(`SELECT COUNT(*) FROM documents WHERE owner = ?`, owner).Scan(&n); err != nil {
		c.t.Fatal(err)
	}
	return n
}

func wantProblem(t *testing.T, what string, r resp, status int, code string) adminapi.Problem {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.status, status, r.body)
	}
	p := r.problem(t)
	if p.Code != code {
		t.Fatalf("%s: code %q, want %q (%s)", what, p.Code, code, r.body)
	}
	return p
}

// TestConversionScreen walks the screen: look both accounts up, Chuyển
// đổi (plan), Đồng ý (execute), check, verify, revert.
func TestConversionScreen(t *testing.T) {
	c := newConvEnv(t)
	c.legacy("nguyenvana", "na-soyt", 3)
	to := c.member(2, "na-soyt")
	su := c.login(c.super)
	stranger := c.login(rbactest.PersonID(30))

	// Tra cứu tài khoản username/password.
	r := c.do(su, "GET", "/conversions/legacy?username=nguyenvana", nil)
	var legacy struct{ Accounts []adminapi.LegacyAccountJSON }
	r.json(t, &legacy)
	if r.status != 200 || len(legacy.Accounts) != 1 || legacy.Accounts[0].Unit != "na-soyt" || legacy.Accounts[0].Disabled {
		t.Fatalf("legacy look-up: %d %s", r.status, r.body)
	}
	if strings.Contains(string(r.body), "$2a$") || strings.Contains(string(r.body), "hash") {
		t.Fatalf("the password hash leaked: %s", r.body)
	}
	// Outside one's scope the account does not exist.
	r = c.do(stranger, "GET", "/conversions/legacy?username=nguyenvana", nil)
	r.json(t, &legacy)
	if r.status != 200 || len(legacy.Accounts) != 0 {
		t.Fatalf("stranger's legacy look-up: %d %s", r.status, r.body)
	}

	// Tra cứu tài khoản Vnconnect, by CCCD and by TechID.
	var found struct {
		Results []adminapi.VnconnectAccountJSON
	}
	r = c.do(su, "GET", "/conversions/vnconnect?cccd="+rbactest.Person(2).CCCD.Number, nil)
	r.json(t, &found)
	if r.status != 200 || len(found.Results) != 1 || found.Results[0].TechID != to || found.Results[0].Identity == nil ||
		len(found.Results[0].Memberships) != 1 || found.Results[0].Memberships[0].Group != string(rbac.GroupProcessors) {
		t.Fatalf("CCCD look-up: %d %s", r.status, r.body)
	}
	r = c.do(su, "GET", "/conversions/vnconnect?techid="+to, nil)
	r.json(t, &found)
	if r.status != 200 || len(found.Results) != 1 || found.Results[0].Person == nil || found.Results[0].Person.FullName == "" {
		t.Fatalf("TechID look-up: %d %s", r.status, r.body)
	}
	r = c.do(stranger, "GET", "/conversions/vnconnect?techid="+to, nil)
	r.json(t, &found)
	if r.status != 200 || len(found.Results) != 0 {
		t.Fatalf("stranger's TechID look-up: %d %s", r.status, r.body)
	}

	// Chuyển đổi: the plan, per table.
	body := adminapi.ConversionBody{Kind: "legacy", From: "nguyenvana", To: to, Subsystems: []string{"pakn"}, Reason: "chuyển đổi tài khoản"}
	r = c.do(su, "POST", "/conversions/plan", body)
	var plan adminapi.PlanJSON
	r.json(t, &plan)
	if r.status != 200 || plan.Rows["app:documents.owner"] != 3 || plan.Total != 3 || len(plan.Rights) != 1 || len(plan.LegacyDisabled) != 1 {
		t.Fatalf("plan: %d %s", r.status, r.body)
	}
	if c.owned("nguyenvana") != 3 {
		t.Fatal("the plan moved data")
	}

	// Đồng ý.
	r = c.do(su, "POST", "/conversions", body)
	var cv adminapi.ConversionJSON
	r.json(t, &cv)
	if r.status != 201 || cv.State != "done" || cv.Moved["app"]["documents.owner"] != 3 || cv.ID == "" {
		t.Fatalf("execute: %d %s", r.status, r.body)
	}
	if c.owned(to) != 3 || c.owned("nguyenvana") != 0 {
		t.Fatal("the data did not move")
	}
	// Twice is refused with migrate's code.
	wantProblem(t, "again", c.do(su, "POST", "/conversions", body), 409, adminapi.ConversionCode(migrate.CodeAlreadyConverted))

	// The admin, the new holder (who checks the data) and nobody else.
	holder := c.login(to)
	for _, u := range []user{su, holder} {
		if r := c.do(u, "GET", "/conversions/"+cv.ID, nil); r.status != 200 {
			t.Errorf("get as %s: %d %s", u.techID, r.status, r.body)
		}
	}
	wantProblem(t, "stranger get", c.do(stranger, "GET", "/conversions/"+cv.ID, nil), 404, rbac.CodeNotFound)
	wantProblem(t, "stranger verify", c.do(stranger, "POST", "/conversions/"+cv.ID+"/verify", nil), 404, rbac.CodeNotFound)
	wantProblem(t, "stranger revert", c.do(stranger, "POST", "/conversions/"+cv.ID+"/revert", adminapi.ReasonBody{Reason: "x"}), 404, rbac.CodeNotFound)
	wantProblem(t, "no such", c.do(su, "GET", "/conversions/cv-nothere", nil), 404, rbac.CodeNotFound)

	r = c.do(holder, "POST", "/conversions/"+cv.ID+"/verify", nil)
	var v adminapi.VerifyJSON
	r.json(t, &v)
	if r.status != 200 || !v.Verified || v.Conversion.ID != cv.ID {
		t.Fatalf("verify: %d %s", r.status, r.body)
	}

	// Revert: the new holder may not (rbac), the admin may.
	wantProblem(t, "holder revert", c.do(holder, "POST", "/conversions/"+cv.ID+"/revert", adminapi.ReasonBody{Reason: "không muốn"}),
		403, adminapi.ConversionCode(migrate.CodeForbidden))
	r = c.do(su, "POST", "/conversions/"+cv.ID+"/revert", adminapi.ReasonBody{Reason: "nhầm tài khoản"})
	r.json(t, &cv)
	if r.status != 200 || cv.State != "reverted" || c.owned("nguyenvana") != 3 {
		t.Fatalf("revert: %d %s", r.status, r.body)
	}
	wantProblem(t, "verify reverted", c.do(su, "POST", "/conversions/"+cv.ID+"/verify", nil), 409, rbac.CodeConflict)
	c.w.VerifyChain()
}

// TestConversionProblems: each refusal is a problem with a stable code.
func TestConversionProblems(t *testing.T) {
	c := newConvEnv(t)
	c.legacy("nguyenvana", "na-soyt", 1)
	c.legacy("tranthib", "na-tt", 1)
	to := c.member(2, "na-soyt")
	from := c.member(3, "na-soyt")
	su := c.login(c.super)
	other := c.login(c.w.Admin(c.super, 11, rbac.SubsystemPAKN, "na-tt", 2))

	cases := []struct {
		name   string
		u      user
		body   any
		status int
		code   string
	}{
		{"unit", su, adminapi.ConversionBody{Kind: "legacy", From: "tranthib", To: to, Reason: "x"}, 409, adminapi.ConversionCode(migrate.CodeUnitMismatch)},
		{"same", su, adminapi.ConversionBody{Kind: "vnconnect", From: to, To: to, Reason: "x"}, 422, adminapi.ConversionCode(migrate.CodeSameAccount)},
		{"no-source", su, adminapi.ConversionBody{Kind: "legacy", From: "khongco", To: to, Reason: "x"}, 422, adminapi.ConversionCode(migrate.CodeSourceNotFound)},
		{"no-target", su, adminapi.ConversionBody{Kind: "legacy", From: "nguyenvana", To: rbactest.PersonID(20), Reason: "x"}, 422, adminapi.ConversionCode(migrate.CodeTargetNotFound)},
		{"forbidden", other, adminapi.ConversionBody{Kind: "vnconnect", From: from, To: to, Reason: "x"}, 403, adminapi.ConversionCode(migrate.CodeForbidden)},
		{"no-reason", su, adminapi.ConversionBody{Kind: "legacy", From: "nguyenvana", To: to}, 422, rbac.CodeInvalid},
		{"kind", su, adminapi.ConversionBody{Kind: "email", From: "nguyenvana", To: to, Reason: "x"}, 422, rbac.CodeInvalid},
		{"unknown-field", su, `{"kind":"legacy","from":"a","to":"b","reason":"x","password":"p"}`, 400, adminapi.CodeBadJSON},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/conversions/plan", "/conversions"} {
				p := wantProblem(t, path, c.do(tc.u, "POST", path, tc.body), tc.status, tc.code)
				if tc.code == adminapi.ConversionCode(migrate.CodeForbidden) && p.Rule == "" {
					t.Errorf("forbidden without the rule: %+v", p)
				}
				if !strings.HasPrefix(p.Type, "urn:rpkit:problem:") {
					t.Errorf("type %q", p.Type)
				}
			}
		})
	}
	if c.owned("nguyenvana") != 1 || c.owned("tranthib") != 1 {
		t.Error("a refused conversion moved data")
	}
}

// TestConversionCSRFAndRoutes: every state-changing route checks the CSRF
// token before anything else; wrong methods and missing parameters are
// problems; without a Converter the routes answer 501.
func TestConversionCSRFAndRoutes(t *testing.T) {
	c := newConvEnv(t)
	c.legacy("nguyenvana", "na-soyt", 1)
	to := c.member(2, "na-soyt")
	su := c.login(c.super)
	body := adminapi.ConversionBody{Kind: "legacy", From: "nguyenvana", To: to, Reason: "x"}
	for _, path := range []string{"/conversions/plan", "/conversions", "/conversions/cv-x/verify", "/conversions/cv-x/revert"} {
		for _, opt := range []func(*http.Request){noCSRF, badCSRF} {
			wantProblem(t, path, c.do(su, "POST", path, body, opt), 403, adminapi.CodeCSRF)
		}
	}
	if c.owned("nguyenvana") != 1 {
		t.Fatal("a request without CSRF converted")
	}
	// web's RequireLogin answers anonymous API calls itself.
	if r := c.do(user{}, "GET", "/conversions/legacy?username=x", nil); r.status != 401 {
		t.Errorf("anonymous: %d %s", r.status, r.body)
	}
	wantProblem(t, "method", c.do(su, "GET", "/conversions", nil), 405, adminapi.CodeMethod)
	wantProblem(t, "method", c.do(su, "DELETE", "/conversions/cv-x", nil), 405, adminapi.CodeMethod)
	wantProblem(t, "no username", c.do(su, "GET", "/conversions/legacy", nil), 400, adminapi.CodeBadParameter)
	wantProblem(t, "two ids", c.do(su, "GET", "/conversions/vnconnect?cccd=040080100001&techid=u02", nil), 400, adminapi.CodeBadParameter)
	wantProblem(t, "no id", c.do(su, "GET", "/conversions/vnconnect", nil), 400, adminapi.CodeBadParameter)
	wantProblem(t, "stray", c.do(su, "GET", "/conversions/legacy?username=a&unit=x", nil), 400, adminapi.CodeBadParameter)
	wantProblem(t, "bad cccd", c.do(su, "GET", "/conversions/vnconnect?cccd=12", nil), 422, rbac.CodeInvalid)

	plain := newEnv(t)
	wantProblem(t, "not configured", plain.do(plain.login(plain.super), "POST", "/conversions/plan", body), 501, adminapi.CodeNotConfigured)
}
