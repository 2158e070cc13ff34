package pakn_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/pakn"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/internal/sqldialect"
	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// fakeAuth logs a request in as the person named in its X-Test-User
// header; its CSRF token is "tok-" + that TechID.
type fakeAuth struct {
	people map[string]*vnconnect.Identity
}

type ctxKey struct{}

func (a fakeAuth) RequireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := a.people[r.Header.Get("X-Test-User")]
		if !ok {
			http.Error(w, "login required", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
	})
}

func (a fakeAuth) VerifyCSRF(r *http.Request) error {
	id, ok := r.Context().Value(ctxKey{}).(*vnconnect.Identity)
	if !ok || r.PostFormValue("csrf") != "tok-"+id.TechID {
		return errors.New("csrf")
	}
	return nil
}

func identity(r *http.Request) (*vnconnect.Identity, bool) {
	id, ok := r.Context().Value(ctxKey{}).(*vnconnect.Identity)
	return id, ok
}

const (
	legacyUser = "cb.soyt"
	legacyPass = "mat-khau-cu-123"
)

// env is a PAKN app on SQLite: rbac's tables and the app's in one file, so
// conversions take migrate's one-transaction path.
type env struct {
	t      *testing.T
	ctx    context.Context
	db     *sql.DB
	w      *rbactest.World
	conv   *migrate.Converter
	h      http.Handler
	people map[string]*vnconnect.Identity

	super     string // super admin of Tỉnh Nghệ An (its agency account)
	staff     string // processor at Sở Y tế (group Nhóm xử lý)
	heir      string // the legacy account's heir: processor at Sở Y tế
	other     string // processor at Trung tâm PVHCC
	viewer    string // on PAKN at Sở Y tế without pakn.process
	pending   string // saved to PAKN at Sở Y tế, not activated
	citizen   string // not on PAKN
	outgoing  string // processor at Sở Y tế who hands over
	incoming  string // their successor
	heirName  string
	otherName string
}

func newEnv(t *testing.T) *env { t.Helper(); return newEnvOn(t, migrate.SQLite) }

// eachDialect runs fn on SQLite and, when the test server answers, on
// PostgreSQL (a schema of the test's own).
func eachDialect(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newEnvOn(t, migrate.SQLite)) })
	t.Run("postgres", func(t *testing.T) { fn(t, newEnvOn(t, migrate.Postgres)) })
}

// newEnvOn builds the app on d: rbac's tables and the app's in one
// database (SQLite file, PostgreSQL schema), so conversions take
// migrate's one-transaction path.
func newEnvOn(t *testing.T, d migrate.Dialect) *env {
	t.Helper()
	ctx := context.Background()
	var st *sqlstore.Store
	var db *sql.DB
	var err error
	if d == migrate.Postgres {
		dsn := pgDSN(t)
		if st, err = sqlstore.OpenPostgres(ctx, dsn); err != nil {
			t.Fatal(err)
		}
		db, err = sql.Open("pgx", dsn)
	} else {
		path := filepath.Join(t.TempDir(), "pakn.db")
		if st, err = sqlstore.OpenSQLite(ctx, path); err != nil {
			t.Fatal(err)
		}
		db, err = sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(); st.Close() })
	for _, step := range []func() error{
		func() error { return pakn.Migrate(ctx, db, d) },
		func() error { return pakn.Migrate(ctx, db, d) }, // twice: idempotent
		func() error { return migrate.Migrate(ctx, db, d) },
		func() error { return migrate.CreateLegacyTable(ctx, db, d) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	w := rbactest.NewWorld(t, st)
	e := &env{t: t, ctx: ctx, db: db, w: w, people: map[string]*vnconnect.Identity{}}
	e.super = w.Super("p-na")
	processor := func(i int, unit rbac.UnitID) string {
		id := w.Member(e.super, i, rbac.SubsystemPAKN, unit)
		_, err := w.Svc.SetGroup(ctx, e.super, id, rbac.SubsystemPAKN, rbac.GroupProcessors, "nhóm xử lý")
		w.Must(err)
		return id
	}
	e.staff = processor(1, "na-soyt")
	e.heir = processor(2, "na-soyt")
	e.other = processor(3, "na-tt")
	e.outgoing = processor(6, "na-soyt")
	e.incoming = processor(7, "na-soyt")
	e.viewer = w.Member(e.super, 4, rbac.SubsystemPAKN, "na-soyt")
	_, err = w.Svc.Add(ctx, e.super, rbac.AddRequest{Subsystem: rbac.SubsystemPAKN, Unit: "na-soyt",
		Query: vnconnect.Query{CCCD: rbactest.Person(5).CCCD.Number}, Reason: "thêm mới"})
	w.Must(err)
	e.pending = rbactest.PersonID(5)
	e.citizen = rbactest.PersonID(20)
	e.heirName, e.otherName = rbactest.Person(2).FullName, rbactest.Person(3).FullName
	for i := 1; i <= 20; i++ {
		e.people[rbactest.PersonID(i)] = rbactest.Person(i)
	}
	e.people[e.super] = &vnconnect.Identity{TechID: e.super, AccountType: vnconnect.AccountOrganisation, EnterpriseName: "UBND tỉnh Nghệ An"}

	hash, err := bcrypt.GenerateFromPassword([]byte(legacyPass), bcrypt.MinCost)
	w.Must(err)
	_, err = db.ExecContext(ctx, sqldialect.Dialect(d).Rebind(`INSERT INTO rpkit_legacy_accounts (username, subsystem, unit_id, group_id, password_hash)
		VALUES (?, 'pakn', 'na-soyt', ?, ?)`), legacyUser, string(rbac.GroupProcessors), string(hash))
	w.Must(err)
	var cases []pakn.Case
	for i := 1; i <= 3; i++ {
		cases = append(cases, pakn.Case{Ref: fmt.Sprintf("seed-%d", i), Citizen: e.citizen, CitizenName: "Công dân thử nghiệm",
			Title: fmt.Sprintf("Phản ánh cũ số %d", i), Content: "Nội dung", Unit: "na-soyt", Owner: legacyUser})
	}
	cases = append(cases, pakn.Case{Ref: "seed-out-1", Citizen: e.citizen, CitizenName: "Công dân thử nghiệm",
		Title: "Phản ánh bàn giao", Content: "Nội dung", Unit: "na-soyt", Owner: e.outgoing})
	w.Must(pakn.Seed(ctx, db, d, cases))
	w.Must(pakn.Seed(ctx, db, d, cases)) // idempotent

	movers, err := pakn.Movers(d)
	w.Must(err)
	leg, err := migrate.NewSQLLegacy(d, migrate.LegacyTable{})
	w.Must(err)
	e.conv, err = migrate.New(migrate.Config{DB: db, Dialect: d, RBAC: w.Svc, Directory: w.Dir, Legacy: leg, Movers: movers})
	w.Must(err)

	auth := fakeAuth{people: e.people}
	s, err := pakn.New(pakn.Config{DB: db, Dialect: d, RBAC: w.Svc, Convert: e.conv, Legacy: leg, Auth: auth,
		Identity: identity,
		Frame: func(r *http.Request) ui.Page {
			p := ui.Page{App: "PAKN"}
			if id, ok := identity(r); ok {
				p.CSRF = "tok-" + id.TechID
				p.Person = &ui.Person{Name: id.DisplayName(), TechID: id.TechID}
			}
			return p
		}})
	w.Must(err)
	mux := http.NewServeMux()
	nav := s.Mount(mux)
	if len(nav) != 5 {
		t.Fatalf("menu %v", nav)
	}
	e.h = mux
	return e
}

type resp struct {
	code int
	body string
	loc  string
	hdr  http.Header
}

func (e *env) do(method, path, user string, form url.Values, cookies ...*http.Cookie) resp {
	e.t.Helper()
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	r.RemoteAddr = "192.0.2.1:1234"
	if user != "" {
		r.Header.Set("X-Test-User", user)
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	return resp{code: rec.Code, body: rec.Body.String(), loc: rec.Header().Get("Location"), hdr: rec.Header()}
}

func (e *env) get(path, user string) resp { e.t.Helper(); return e.do("GET", path, user, nil) }

// post sends form with user's CSRF token.
func (e *env) post(path, user string, form url.Values) resp {
	e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", "tok-"+user)
	return e.do("POST", path, user, form)
}

func want(t *testing.T, r resp, code int, texts ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("status %d, want %d\n%s", r.code, code, r.body)
	}
	for _, s := range texts {
		if !strings.Contains(r.body, s) {
			t.Fatalf("page lacks %q:\n%s", s, r.body)
		}
	}
}

func dontWant(t *testing.T, r resp, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(r.body, s) {
			t.Fatalf("page shows %q:\n%s", s, r.body)
		}
	}
}

func TestCitizenSubmitsAndStaffAnswers(t *testing.T) {
	eachDialect(t, testCitizenSubmitsAndStaffAnswers)
}

func testCitizenSubmitsAndStaffAnswers(t *testing.T, e *env) {
	r := e.get(pakn.PathSubmit, e.citizen)
	want(t, r, 200, "Gửi phản ánh, kiến nghị", "Sở Y tế", `name="csrf" value="tok-`+e.citizen)

	r = e.post(pakn.PathSubmit, e.citizen, url.Values{"tieu_de": {"Đường ngập nước"}, "noi_dung": {"Đường Lê Lợi ngập\nsau mưa."}, "don_vi": {"na-soyt"}})
	want(t, r, 303)
	if r.loc != pakn.PathMine+"?tb=da-gui" {
		t.Fatalf("redirect to %q", r.loc)
	}
	r = e.get(r.loc, e.citizen)
	want(t, r, 200, "Đã gửi phản ánh", "Đường ngập nước", "Mới tiếp nhận", "Sở Y tế")

	// Staff of the unit see it among the unassigned cases; staff of
	// another unit do not.
	r = e.get(pakn.PathProcess, e.staff)
	want(t, r, 200, "Xử lý phản ánh", "Phản ánh chưa có người xử lý", "Đường ngập nước")
	caseID := regexp.MustCompile(`href="/xu-ly-phan-anh/(\d+)"`).FindStringSubmatch(r.body)[1]
	r = e.get(pakn.PathProcess, e.other)
	want(t, r, 200)
	dontWant(t, r, "Đường ngập nước")
	want(t, e.get(pakn.PathProcess+"/"+caseID, e.other), 404, "Không tìm thấy phản ánh")

	// Take it, answer it.
	want(t, e.get(pakn.PathProcess+"/"+caseID, e.staff), 200, "Nhận xử lý")
	want(t, e.post(pakn.PathProcess+"/"+caseID+"/tra-loi", e.staff, url.Values{"tra_loi": {"x"}}), 409, "nhận xử lý phản ánh này trước")
	r = e.post(pakn.PathProcess+"/"+caseID+"/nhan", e.staff, nil)
	want(t, r, 303)
	r = e.get(r.loc, e.staff)
	want(t, r, 200, "Bạn đã nhận xử lý", "Đang xử lý", "Gửi trả lời")
	// Someone else can no longer take it.
	want(t, e.post(pakn.PathProcess+"/"+caseID+"/nhan", e.heir, nil), 404)
	want(t, e.post(pakn.PathProcess+"/"+caseID+"/tra-loi", e.staff, url.Values{"tra_loi": {"  "}}), 422, "Nội dung trả lời không được để trống")
	want(t, e.post(pakn.PathProcess+"/"+caseID+"/tra-loi", e.staff, url.Values{"tra_loi": {strings.Repeat("a", pakn.MaxAnswer+1)}}), 422, "dài quá")
	r = e.post(pakn.PathProcess+"/"+caseID+"/tra-loi", e.staff, url.Values{"tra_loi": {"Sở đã chuyển UBND phường xử lý."}})
	want(t, r, 303)
	want(t, e.get(r.loc, e.staff), 200, "Đã gửi trả lời", "Đã trả lời")
	want(t, e.get(pakn.PathMine, e.citizen), 200, "Đã trả lời", "Sở đã chuyển UBND phường xử lý.")
	want(t, e.post(pakn.PathProcess+"/"+caseID+"/tra-loi", e.staff, url.Values{"tra_loi": {"lần hai"}}), 409, "đã được trả lời")
}

func TestSubmitValidatesAndChecksCSRF(t *testing.T) {
	e := newEnv(t)
	form := url.Values{"tieu_de": {"Tiêu đề"}, "noi_dung": {"Nội dung"}, "don_vi": {"na-soyt"}}
	r := e.do("POST", pakn.PathSubmit, e.citizen, form) // no csrf
	want(t, r, 403, "CSRF")
	form.Set("csrf", "tok-someone-else")
	want(t, e.do("POST", pakn.PathSubmit, e.citizen, form), 403, "CSRF")

	for name, f := range map[string]url.Values{
		"empty title":   {"tieu_de": {" "}, "noi_dung": {"x"}, "don_vi": {"na-soyt"}},
		"long title":    {"tieu_de": {strings.Repeat("ậ", pakn.MaxTitle+1)}, "noi_dung": {"x"}, "don_vi": {"na-soyt"}},
		"control chars": {"tieu_de": {"a\x00b"}, "noi_dung": {"x"}, "don_vi": {"na-soyt"}},
		"long content":  {"tieu_de": {"t"}, "noi_dung": {strings.Repeat("x", pakn.MaxContent+1)}, "don_vi": {"na-soyt"}},
		"unknown unit":  {"tieu_de": {"t"}, "noi_dung": {"x"}, "don_vi": {"khong-co"}},
		"national root": {"tieu_de": {"t"}, "noi_dung": {"x"}, "don_vi": {"vn"}},
	} {
		t.Run(name, func(t *testing.T) {
			want(t, e.post(pakn.PathSubmit, e.citizen, f), 422, "Phản ánh chưa được gửi")
		})
	}
	big := url.Values{"tieu_de": {"t"}, "noi_dung": {strings.Repeat("x", 70<<10)}, "don_vi": {"na-soyt"}}
	want(t, e.post(pakn.PathSubmit, e.citizen, big), 413)
	want(t, e.get(pakn.PathMine, e.citizen), 200, "Phản ánh cũ số 1") // only the seeded ones
	var n int
	if err := e.db.QueryRowContext(e.ctx, `SELECT COUNT(*) FROM feedback`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("%d cases (%v), want the 4 seeded ones", n, err)
	}
	want(t, e.get(pakn.PathSubmit, ""), 401)
}

func TestProcessRefusesStaffWithoutPermission(t *testing.T) {
	e := newEnv(t)
	want(t, e.get(pakn.PathProcess, e.citizen), 403, "chưa được thêm vào hệ thống PAKN", `role="alert"`)
	want(t, e.get(pakn.PathProcess, e.viewer), 403, "không có quyền xử lý phản ánh", "không có vai trò nào mang quyền này")
	want(t, e.get(pakn.PathProcess, e.pending), 403, "chưa được kích hoạt")
	want(t, e.post(pakn.PathProcess+"/1/nhan", e.viewer, nil), 403)
	// The legacy account's cases are not anyone's to see before conversion.
	r := e.get(pakn.PathProcess, e.heir)
	want(t, r, 200)
	dontWant(t, r, "Phản ánh cũ số 1")
	want(t, e.get(pakn.PathProcess+"/1", e.heir), 404)
}

func (e *env) convertSearch(kind, source, query, from, to string) resp {
	e.t.Helper()
	q := url.Values{"loai": {kind}, "tk": {source}, "q": {query}, "nguon": {from}, "den": {to}}
	return e.get(pakn.PathConvert+"?"+q.Encode(), e.super)
}

func TestConvertLegacyAccountMovesCases(t *testing.T) {
	eachDialect(t, testConvertLegacyAccountMovesCases)
}

func testConvertLegacyAccountMovesCases(t *testing.T, e *env) {
	login := func(password string) resp { return e.legacyLogin(legacyUser, password) }
	want(t, login(legacyPass), 200, "Đăng nhập thành công", "Phản ánh cũ số 1", "Phản ánh cũ số 3")
	want(t, login("sai"), 401, "Tên đăng nhập hoặc mật khẩu không đúng")
	want(t, e.do("POST", pakn.PathLegacyLogin, "", url.Values{"ten_dang_nhap": {legacyUser}, "mat_khau": {legacyPass}}), 403, "CSRF")

	// Tra cứu tài khoản username/password, Tra cứu tài khoản Vnconnect.
	r := e.convertSearch("tai-khoan-cu", legacyUser, "", "", "")
	want(t, r, 200, "Tra cứu tài khoản username/password", legacyUser+" – phân hệ pakn – Sở Y tế – Nhóm xử lý – Đang sử dụng")
	r = e.convertSearch("tai-khoan-cu", legacyUser, strings.ToLower(e.heirName), legacyUser, "")
	want(t, r, 200, e.heirName, `value="`+legacyUser+`" checked`)
	want(t, e.convertSearch("tai-khoan-cu", "", rbactest.Person(2).CCCD.Number, "", ""), 200, e.heirName)

	// Chuyển đổi: the plan.
	plan := pakn.PathConvert + "/ke-hoach?" + url.Values{"loai": {"tai-khoan-cu"}, "nguon": {legacyUser}, "den": {e.heir}}.Encode()
	r = e.get(plan, e.super)
	want(t, r, 200, "Phản ánh, kiến nghị được giao xử lý", "<td>3</td>", "Đồng ý", "Cán bộ xử lý")

	// Đồng ý without the CSRF token is refused, and nothing moved.
	exec := url.Values{"loai": {"tai-khoan-cu"}, "nguon": {legacyUser}, "den": {e.heir}, "ly_do": {"Chuyển đổi theo hướng dẫn"}}
	want(t, e.do("POST", pakn.PathConvert+"/thuc-hien", e.super, exec), 403, "CSRF")
	want(t, login(legacyPass), 200, "Đăng nhập thành công")
	// A non-admin may not convert.
	want(t, e.post(pakn.PathConvert+"/thuc-hien", e.staff, exec), 403, "Chỉ quản trị hệ thống PAKN")
	want(t, e.post(pakn.PathConvert+"/thuc-hien", e.super, url.Values{"loai": {"tai-khoan-cu"}, "nguon": {legacyUser}, "den": {e.heir}}), 422, "Lý do")

	r = e.post(pakn.PathConvert+"/thuc-hien", e.super, exec)
	want(t, r, 303)
	if !strings.HasPrefix(r.loc, pakn.PathConvert+"/ket-qua/cv-") {
		t.Fatalf("redirect to %q", r.loc)
	}
	r = e.get(r.loc, e.super)
	want(t, r, 200, "Đã chuyển đổi tài khoản", "Hoàn thành", "dữ liệu chuyển đổi đầy đủ", "<td>3</td><td>3</td>")

	// The old password no longer logs in; the heir has the cases.
	want(t, login(legacyPass), 403, "đã được chuyển đổi sang tài khoản Vnconnect")
	r = e.get(pakn.PathProcess, e.heir)
	want(t, r, 200, "Phản ánh cũ số 1", "Phản ánh cũ số 2", "Phản ánh cũ số 3")
	// The heir may read the result too (the new holder checks the data).
	want(t, e.get(e.getLoc(), e.heir), 200, "dữ liệu chuyển đổi đầy đủ")

	// Again: already converted.
	want(t, e.post(pakn.PathConvert+"/thuc-hien", e.super, exec), 409, "đã được chuyển đổi trước đó")
	want(t, e.convertSearch("tai-khoan-cu", legacyUser, "", "", ""), 200, "Đã chuyển đổi sang "+e.heir)
}

// getLoc returns the result page of the newest conversion (found through
// the converter's journal).
func (e *env) getLoc() string {
	var id string
	if err := e.db.QueryRowContext(e.ctx, `SELECT id FROM rpkit_conversions ORDER BY created_at DESC LIMIT 1`).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return pakn.PathConvert + "/ket-qua/" + id
}

func TestConvertPreconditionsInVietnamese(t *testing.T) {
	e := newEnv(t)
	plan := func(kind, from, to string) resp {
		return e.get(pakn.PathConvert+"/ke-hoach?"+url.Values{"loai": {kind}, "nguon": {from}, "den": {to}}.Encode(), e.super)
	}
	want(t, plan("tai-khoan-cu", legacyUser, e.other), 409, "Hai tài khoản không cùng đơn vị", "cùng đơn vị, nhóm người dùng", `role="alert"`)
	want(t, plan("tai-khoan-cu", legacyUser, e.viewer), 409, "không cùng nhóm người dùng")
	want(t, plan("tai-khoan-cu", legacyUser, e.pending), 409, "chưa được kích hoạt")
	want(t, plan("tai-khoan-cu", legacyUser, e.citizen), 422, "chưa được thêm vào hệ thống PAKN")
	want(t, plan("tai-khoan-cu", "khong-co-ai", e.heir), 422, "không có dữ liệu hay quyền nào")
	want(t, plan("vnconnect", e.outgoing, e.outgoing), 422, "là một")
	want(t, plan("tai-khoan-cu", legacyUser, ""), 422, "Hãy tra cứu và chọn")
	// An admin of another unit may not convert there.
	na := e.w.Admin(e.super, 8, rbac.SubsystemPAKN, "na-tt", 2)
	e.people[na] = rbactest.Person(8)
	r := e.get(pakn.PathConvert+"/ke-hoach?"+url.Values{"loai": {"tai-khoan-cu"}, "nguon": {legacyUser}, "den": {e.heir}}.Encode(), na)
	if r.code != 403 && r.code != 422 {
		t.Fatalf("outside admin: %d\n%s", r.code, r.body)
	}
	// Its look-up shows nothing outside its scope.
	r = e.get(pakn.PathConvert+"?"+url.Values{"tk": {legacyUser}}.Encode(), na)
	want(t, r, 200, "Không tìm thấy tài khoản nào trong phạm vi bạn quản lý")
	// Non-admins are refused the screen.
	want(t, e.get(pakn.PathConvert, e.staff), 403, "Chỉ quản trị hệ thống PAKN")
	want(t, e.get(pakn.PathConvert, e.citizen), 403)
}

func TestConvertVnconnectToVnconnect(t *testing.T) { eachDialect(t, testConvertVnconnectToVnconnect) }

func testConvertVnconnectToVnconnect(t *testing.T, e *env) {
	want(t, e.get(pakn.PathProcess, e.outgoing), 200, "Phản ánh bàn giao")
	r := e.convertSearch("vnconnect", rbactest.Person(6).FullName, rbactest.Person(7).CCCD.Number, e.outgoing, e.incoming)
	want(t, r, 200, "Tra cứu tài khoản Vnconnect cần chuyển đổi", rbactest.Person(6).FullName, rbactest.Person(7).FullName)
	r = e.get(pakn.PathConvert+"/ke-hoach?"+url.Values{"loai": {"vnconnect"}, "nguon": {e.outgoing}, "den": {e.incoming}}.Encode(), "")
	want(t, r, 401)
	r = e.get(pakn.PathConvert+"/ke-hoach?"+url.Values{"loai": {"vnconnect"}, "nguon": {e.outgoing}, "den": {e.incoming}}.Encode(), e.super)
	want(t, r, 200, "Tài khoản Vnconnect → tài khoản Vnconnect khác", "<td>1</td>")
	r = e.post(pakn.PathConvert+"/thuc-hien", e.super, url.Values{"loai": {"vnconnect"}, "nguon": {e.outgoing}, "den": {e.incoming}, "ly_do": {"Thay đổi cán bộ"}})
	want(t, r, 303)
	want(t, e.get(r.loc, e.super), 200, "dữ liệu chuyển đổi đầy đủ")
	want(t, e.get(pakn.PathProcess, e.incoming), 200, "Phản ánh bàn giao")
	// The outgoing account left PAKN with its rights.
	want(t, e.get(pakn.PathProcess, e.outgoing), 403)
}

func TestMigrateAndMoversOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dsn := pgDSN(t)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := pakn.Migrate(ctx, db, migrate.Postgres); err != nil {
		t.Fatal(err)
	}
	if err := pakn.Migrate(ctx, db, migrate.Postgres); err != nil {
		t.Fatal(err)
	}
	c := pakn.Case{Ref: "pg-1", Citizen: "c", CitizenName: "C", Title: "T", Content: "N", Unit: "u", Owner: "old"}
	for range 2 {
		if err := pakn.Seed(ctx, db, migrate.Postgres, []pakn.Case{c}); err != nil {
			t.Fatal(err)
		}
	}
	movers, err := pakn.Movers(migrate.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	n, err := movers[0].Plan(ctx, db, migrate.Scope{From: "old", To: "new", Subsystems: []rbac.SubsystemID{rbac.SubsystemPAKN}})
	if err != nil || n.Total() != 1 {
		t.Fatalf("plan %v %v", n, err)
	}
}

// legacyLogin posts the legacy login form as a browser would: the form's
// CSRF cookie and field.
func (e *env) legacyLogin(username, password string) resp {
	e.t.Helper()
	form := e.get(pakn.PathLegacyLogin, "")
	want(e.t, form, 200, "Đăng nhập bằng tên đăng nhập")
	var tok *http.Cookie
	for _, c := range (&http.Response{Header: form.hdr}).Cookies() {
		tok = c
	}
	v := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(form.body)[1]
	return e.do("POST", pakn.PathLegacyLogin, "", url.Values{"csrf": {v}, "ten_dang_nhap": {username}, "mat_khau": {password}}, tok)
}

func TestLegacyLoginRateLimited(t *testing.T) {
	e := newEnv(t)
	for range migrate.DefaultUserPolicy.Max {
		want(t, e.legacyLogin(legacyUser, "sai"), 401, "Tên đăng nhập hoặc mật khẩu không đúng")
	}
	// Locked out now, even with the right password; an unknown username
	// answers like a wrong password.
	want(t, e.legacyLogin(legacyUser, legacyPass), 429, "nhập sai quá nhiều lần")
	want(t, e.legacyLogin("khong-co-ai", "x"), 401, "Tên đăng nhập hoặc mật khẩu không đúng")
	want(t, e.legacyLogin("", "x"), 422)
}

// TestCaseIDsOutsideScopeRefused edits case IDs in the process routes:
// staff of another unit, staff without pakn.process, a citizen and a
// colleague of the owner cannot see, take or answer the case, and it is
// left as it was.
func TestCaseIDsOutsideScopeRefused(t *testing.T) {
	e := newEnv(t)
	want(t, e.post(pakn.PathSubmit, e.citizen, url.Values{"tieu_de": {"Ổ gà trên đường"}, "noi_dung": {"Nội dung"}, "don_vi": {"na-soyt"}}), 303)
	r := e.get(pakn.PathProcess, e.staff)
	m := regexp.MustCompile(`<td>(\d+)</td><td>Ổ gà`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no new case:\n%s", r.body)
	}
	open := pakn.PathProcess + "/" + m[1]
	for _, who := range []string{e.other, e.viewer, e.citizen, e.pending} {
		if r := e.get(open, who); r.code != 404 && r.code != 403 {
			t.Fatalf("%s sees the case: %d", who, r.code)
		}
		if r := e.post(open+"/nhan", who, nil); r.code != 404 && r.code != 403 {
			t.Fatalf("%s takes the case: %d", who, r.code)
		}
		if r := e.post(open+"/tra-loi", who, url.Values{"tra_loi": {"trả lời giả"}}); r.code != 404 && r.code != 403 {
			t.Fatalf("%s answers the case: %d", who, r.code)
		}
	}
	// Without the CSRF token nobody takes it, not even its unit's staff.
	want(t, e.do("POST", open+"/nhan", e.staff, url.Values{}), 403, "CSRF")
	want(t, e.get(open, e.staff), 200, "Nhận xử lý")

	// Once the staff member has it, a colleague of the same unit can
	// neither take it over nor answer it.
	want(t, e.post(open+"/nhan", e.staff, nil), 303)
	want(t, e.post(open+"/nhan", e.heir, nil), 404)
	want(t, e.post(open+"/tra-loi", e.heir, url.Values{"tra_loi": {"trả lời giả"}}), 404)
	dontWant(t, e.get(pakn.PathMine, e.citizen), "trả lời giả")
	// Citizens and staff reach none of the conversion screens.
	for _, who := range []string{e.citizen, e.staff} {
		want(t, e.get(pakn.PathConvert+"?tk="+legacyUser, who), 403)
		want(t, e.get(pakn.PathConvert+"/ke-hoach?tk="+legacyUser+"&nguon="+legacyUser+"&den="+e.heir, who), 403)
		want(t, e.post(pakn.PathConvert+"/thuc-hien", who, url.Values{"nguon": {legacyUser}, "den": {who}, "ly_do": {"x"}}), 403)
	}
	// Nonsense IDs are 404, not errors.
	for _, id := range []string{"0", "-1", "abc", "99999999999999999999", "1%2F2"} {
		if r := e.get(pakn.PathProcess+"/"+id, e.staff); r.code != 404 {
			t.Errorf("case %q: status %d, want 404", id, r.code)
		}
	}
}
