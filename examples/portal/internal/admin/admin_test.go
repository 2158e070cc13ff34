package admin

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

const (
	testCSRF   = "csrf-token-of-the-session"
	actorHdr   = "X-Test-Actor"
	prefix     = "/quan-tri/nguoi-dung"
	msgOutside = "nằm ngoài phạm vi đơn vị bạn quản lý"
)

// fixture is rbactest's World (province p-na: district na-vinh with
// communes na-c1, na-c2) with a chain of quantri admins, and the screens
// over it. The session is a header naming the actor; its CSRF token is
// testCSRF.
type fixture struct {
	t       *testing.T
	w       *rbactest.World
	mux     *http.ServeMux
	super   string // super admin of p-na (its agency account)
	prov    string // u01: Admin của Tỉnh/thành phố (level 1) at p-na
	dist    string // u02: level 2 at na-vinh
	commune string // u03: level 3 at na-c1
	inC1    string // u05: user at na-c1 (the commune admin's own)
	inC2    string // u04: pending user at na-c2 (outside the commune admin's subtree)
}

func newFixture(t *testing.T, sub rbac.SubsystemID, mod func(*Config)) *fixture {
	t.Helper()
	w := rbactest.NewWorld(t, rbac.NewMemoryStore())
	f := &fixture{t: t, w: w, mux: http.NewServeMux()}
	f.super = w.Super("p-na")
	f.prov = w.Admin(f.super, 1, sub, "p-na", 1)
	f.dist = w.Admin(f.prov, 2, sub, "na-vinh", 2)
	f.commune = w.Admin(f.dist, 3, sub, "na-c1", 3)
	f.inC1 = w.Member(f.commune, 5, sub, "na-c1")
	_, err := w.Svc.Add(w.Ctx, f.prov, rbac.AddRequest{Subsystem: sub, Unit: "na-c2",
		Query: queryOf(4), Reason: "thêm mới"})
	w.Must(err)
	f.inC2 = rbactest.PersonID(4)

	cfg := Config{
		Subsystem: sub, RBAC: w.Svc, Prefix: prefix,
		Frame: func(r *http.Request) ui.Page {
			return ui.Page{App: "Thử nghiệm", CSRF: testCSRF, Nav: []ui.Link{{Title: "Quản lý người dùng", URL: prefix}}}
		},
		RequireLogin: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get(actorHdr) == "" {
					http.Error(w, "login required", http.StatusUnauthorized)
					return
				}
				next.ServeHTTP(w, r)
			})
		},
		VerifyCSRF: func(r *http.Request) error {
			if r.PostFormValue("csrf") != testCSRF {
				return errors.New("csrf")
			}
			return nil
		},
		Actor:  func(r *http.Request) (string, bool) { v := r.Header.Get(actorHdr); return v, v != "" },
		Search: SearchFields{Email: true},
	}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Mount(f.mux)
	return f
}

func queryOf(i int) vnconnect.Query { return vnconnect.Query{CCCD: rbactest.Person(i).CCCD.Number} }

func (f *fixture) do(actor, method, path string, form url.Values) *httptest.ResponseRecorder {
	f.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	r := httptest.NewRequest(method, path, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if actor != "" {
		r.Header.Set(actorHdr, actor)
	}
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, r)
	return rec
}

func (f *fixture) get(actor, path string) *httptest.ResponseRecorder {
	f.t.Helper()
	return f.do(actor, http.MethodGet, path, nil)
}

// post sends form with the session's CSRF token.
func (f *fixture) post(actor, path string, form url.Values) *httptest.ResponseRecorder {
	f.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", testCSRF)
	return f.do(actor, http.MethodPost, path, form)
}

func (f *fixture) membership(account string, sub rbac.SubsystemID) rbac.Membership {
	f.t.Helper()
	var m rbac.Membership
	f.w.Must(f.w.Store.View(f.w.Ctx, func(tx rbac.ReadTx) error {
		var err error
		m, err = tx.Membership(account, sub)
		return err
	}))
	return m
}

func (f *fixture) auditLen() int {
	f.t.Helper()
	var n int
	f.w.Must(f.w.Store.View(f.w.Ctx, func(tx rbac.ReadTx) error {
		es, err := tx.Audit(0, 0)
		n = len(es)
		return err
	}))
	return n
}

func wantPage(t *testing.T, rec *httptest.ResponseRecorder, status int, want ...string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body:\n%s", rec.Code, status, rec.Body.String())
	}
	if status < 300 || status >= 400 {
		if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", cc)
		}
	}
	body := rec.Body.String()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q:\n%s", w, body)
		}
	}
}

func wantNot(t *testing.T, rec *httptest.ResponseRecorder, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(rec.Body.String(), u) {
			t.Errorf("page shows %q", u)
		}
	}
}

func wantRedirect(t *testing.T, rec *httptest.ResponseRecorder, to string) {
	t.Helper()
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != to {
		t.Fatalf("got %d → %q, want 303 → %q; body:\n%s", rec.Code, rec.Header().Get("Location"), to, rec.Body.String())
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("redirect without no-store")
	}
}

func name(i int) string { return rbactest.Person(i).FullName }

func TestListShowsManagedUsersWithFiltersAndPages(t *testing.T) {
	f := newFixture(t, rbac.SubsystemQuantri, func(c *Config) { c.PageSize = 2 })

	rec := f.get(f.prov, prefix)
	wantPage(t, rec, 200, "<h1>Quản lý người dùng</h1>", "Thêm mới", "Đã kích hoạt", "Trang sau",
		`aria-current="page"`)
	// Page 2 and 3 hold the rest: 4 users below the province admin.
	seen := map[string]bool{}
	next := prefix
	for range 4 {
		rec = f.get(f.prov, next)
		body := rec.Body.String()
		for _, i := range []int{2, 3, 4, 5} {
			if strings.Contains(body, name(i)) {
				seen[name(i)] = true
			}
		}
		i := strings.Index(body, `<a href="`+prefix+`?sau=`)
		if i < 0 {
			break
		}
		next = strings.ReplaceAll(body[i+len(`<a href="`):][:strings.Index(body[i+len(`<a href="`):], `"`)], "&amp;", "&")
	}
	if len(seen) != 4 {
		t.Errorf("pages showed %v, want the 4 users below the province", seen)
	}

	rec = f.get(f.prov, prefix+"?trang-thai=chua-kich-hoat")
	wantPage(t, rec, 200, name(4))
	wantNot(t, rec, name(5))

	// The commune admin sees its own commune only.
	rec = f.get(f.commune, prefix)
	wantPage(t, rec, 200, name(5))
	wantNot(t, rec, name(4), name(2))

	// Someone with no admin role is refused with the reason, in Vietnamese.
	rec = f.get(f.inC1, prefix)
	wantPage(t, rec, 403, "Không thực hiện được", `role="alert">Bạn không có quyền quản trị người dùng.</p>`)

	if rec := f.get("", prefix); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", rec.Code)
	}
}

func TestAddFromVnconnectActivateChangeUnitGrantRevoke(t *testing.T) {
	f := newFixture(t, rbac.SubsystemQuantri, nil)
	newcomer := rbactest.PersonID(10)

	wantPage(t, f.get(f.prov, prefix+"/them-moi"), 200, "Tìm kiếm trên Vnconnect", "Số CMND/CCCD", "Email")

	search := url.Values{"so-giay-to": {rbactest.Person(10).CCCD.Number}}
	rec := f.post(f.prov, prefix+"/them-moi/tim-kiem", search)
	wantPage(t, rec, 200, "Tìm thấy 1 kết quả", name(10), "Lưu vào hệ thống", "Tỉnh Nghệ An", "— — Phường Hưng Bình")
	wantNot(t, rec, "Tỉnh Hà Tĩnh")

	save := url.Values{"so-giay-to": {rbactest.Person(10).CCCD.Number}, "techid": {newcomer}, "don-vi": {"na-vinh"},
		"ly-do": {"Bổ sung cán bộ theo công văn 12/VP"}}
	wantRedirect(t, f.post(f.prov, prefix+"/them-moi", save), prefix+"/"+newcomer+"?tb=them")
	rec = f.get(f.prov, prefix+"/"+newcomer+"?tb=them")
	wantPage(t, rec, 200, "Đã lưu người dùng vào hệ thống.", "Chưa kích hoạt", "Thành phố Vinh", ">Kích hoạt</button>",
		"Lịch sử thay đổi", "Thêm mới từ Vnconnect", "Bổ sung cán bộ theo công văn 12/VP")
	if m := f.membership(newcomer, rbac.SubsystemQuantri); m.State != rbac.Pending || m.Unit != "na-vinh" {
		t.Fatalf("after add: %+v", m)
	}
	// Saving the same person again is a clear conflict.
	wantPage(t, f.post(f.prov, prefix+"/them-moi", save), 409, "đã có trong hệ thống")

	wantRedirect(t, f.post(f.prov, prefix+"/"+newcomer+"/kich-hoat", nil), prefix+"/"+newcomer+"?tb=kich-hoat")
	wantPage(t, f.get(f.prov, prefix+"/"+newcomer), 200, "Đã kích hoạt", "Gán quyền", ">Khóa</button>")

	wantRedirect(t, f.post(f.prov, prefix+"/"+newcomer+"/khoa", nil), prefix+"/"+newcomer+"?tb=khoa")
	wantPage(t, f.get(f.prov, prefix+"/"+newcomer), 200, "<td>Khóa</td>", ">Mở khóa</button>")
	wantRedirect(t, f.post(f.prov, prefix+"/"+newcomer+"/mo-khoa", nil), prefix+"/"+newcomer+"?tb=mo-khoa")

	rec = f.get(f.prov, prefix+"/"+newcomer+"/don-vi")
	wantPage(t, rec, 200, "Đơn vị mới", "Sở Y tế", "Lưu lại")
	wantNot(t, rec, `value="na-vinh"`)
	wantRedirect(t, f.post(f.prov, prefix+"/"+newcomer+"/don-vi", url.Values{"don-vi": {"na-soyt"}}), prefix+"/"+newcomer+"?tb=don-vi")
	if m := f.membership(newcomer, rbac.SubsystemQuantri); m.Unit != "na-soyt" {
		t.Fatalf("unit %s", m.Unit)
	}

	// The province admin (level 1) grants unit admin from level 2; the
	// level-1 roles are not offered.
	rec = f.get(f.prov, prefix+"/"+newcomer+"/gan-quyen")
	wantPage(t, rec, 200, "Quản trị đơn vị (cấp 2)", "Cán bộ chứng thực")
	wantNot(t, rec, "Admin của Tỉnh/thành phố", "Admin của Bộ", "(cấp 1)")
	wantRedirect(t, f.post(f.prov, prefix+"/"+newcomer+"/gan-quyen", url.Values{"quyen": {"admin|2"}}), prefix+"/"+newcomer+"?tb=gan-quyen")
	wantPage(t, f.get(f.prov, prefix+"/"+newcomer), 200, "Quản trị đơn vị (cấp 2)", "Thu hồi quyền", "Sở Y tế")
	wantRedirect(t, f.post(f.prov, prefix+"/"+newcomer+"/thu-hoi", url.Values{"quyen": {"admin"}}), prefix+"/"+newcomer+"?tb=thu-hoi")
	if m := f.membership(newcomer, rbac.SubsystemQuantri); len(m.Roles) != 0 {
		t.Fatalf("roles after revoke: %+v", m.Roles)
	}

	// The history lists every step, newest first, with the fixed reasons.
	rec = f.get(f.prov, prefix+"/"+newcomer)
	wantPage(t, rec, 200, "Thu hồi quyền", "Gán quyền", "Từ Thành phố Vinh sang Sở Y tế", "Mở khóa", "Kích hoạt (Quản lý người dùng)")
	if n, err := f.w.Svc.VerifyChain(f.w.Ctx); err != nil || n == 0 {
		t.Fatalf("chain: %d %v", n, err)
	}
}

func TestSuperAdminGrantsProvinceAdmin(t *testing.T) {
	f := newFixture(t, rbac.SubsystemQuantri, nil)
	id := f.w.Member(f.super, 12, rbac.SubsystemQuantri, "p-na")
	rec := f.get(f.super, prefix+"/"+id+"/gan-quyen")
	wantPage(t, rec, 200, "Admin của Tỉnh/thành phố", "Quản trị đơn vị (cấp 2)")
	wantNot(t, rec, "Admin của Bộ")
	wantRedirect(t, f.post(f.super, prefix+"/"+id+"/gan-quyen", url.Values{"quyen": {"admin-tinh|1"}}), prefix+"/"+id+"?tb=gan-quyen")
	wantPage(t, f.get(f.super, prefix+"/"+id), 200, "Admin của Tỉnh/thành phố")
	// A role the unit's kind does not take is refused by rbac.
	rec = f.post(f.super, prefix+"/"+id+"/gan-quyen", url.Values{"quyen": {"admin-bo|1"}})
	wantPage(t, rec, 403, "loại đơn vị")
}

func TestLowerAdminRefusedOutsideItsSubtree(t *testing.T) {
	f := newFixture(t, rbac.SubsystemQuantri, nil)
	peer := f.w.Admin(f.dist, 6, rbac.SubsystemQuantri, "na-c1", 3)
	before := f.auditLen()
	c2 := f.membership(f.inC2, rbac.SubsystemQuantri)
	c1 := f.membership(f.inC1, rbac.SubsystemQuantri)

	cases := []struct {
		name, method, path string
		form               url.Values
		want               string
	}{
		{"view a user of another commune", "GET", prefix + "/" + f.inC2, nil, msgOutside},
		{"activate a user of another commune", "POST", prefix + "/" + f.inC2 + "/kich-hoat", nil, msgOutside},
		{"lock a user of another commune", "POST", prefix + "/" + f.inC2 + "/khoa", nil, msgOutside},
		{"grant to a user of another commune", "POST", prefix + "/" + f.inC2 + "/gan-quyen", url.Values{"quyen": {"xu-ly|-1"}}, msgOutside},
		{"change-unit form of another commune's user", "GET", prefix + "/" + f.inC2 + "/don-vi", nil, msgOutside},
		{"move its own user out of its subtree", "POST", prefix + "/" + f.inC1 + "/don-vi", url.Values{"don-vi": {"na-c2"}}, msgOutside},
		{"add into another commune", "POST", prefix + "/them-moi", url.Values{"so-giay-to": {rbactest.Person(11).CCCD.Number},
			"techid": {rbactest.PersonID(11)}, "don-vi": {"na-c2"}}, msgOutside},
		{"grant its own level", "POST", prefix + "/" + f.inC1 + "/gan-quyen", url.Values{"quyen": {"admin|3"}}, "cấp thấp hơn cấp của mình"},
		{"grant above its level", "POST", prefix + "/" + f.inC1 + "/gan-quyen", url.Values{"quyen": {"admin-tinh|1"}}, "cấp thấp hơn cấp của mình"},
		{"unlock a user of another commune", "POST", prefix + "/" + f.inC2 + "/mo-khoa", nil, msgOutside},
		{"revoke from a user of another commune", "POST", prefix + "/" + f.inC2 + "/thu-hoi", url.Values{"quyen": {"xu-ly"}}, msgOutside},
		{"set the group of a user of another commune", "POST", prefix + "/" + f.inC2 + "/nhom", url.Values{"nhom": {"x"}}, msgOutside},
		{"grant form of another commune's user", "GET", prefix + "/" + f.inC2 + "/gan-quyen", nil, msgOutside},
		{"act on its superior", "POST", prefix + "/" + f.dist + "/khoa", nil, msgOutside},
		{"act on a peer", "POST", prefix + "/" + peer + "/khoa", nil, "ngang cấp hoặc cấp trên"},
		{"act on itself", "POST", prefix + "/" + f.commune + "/khoa", nil, "chính mình"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rec *httptest.ResponseRecorder
			if c.method == "GET" {
				rec = f.get(f.commune, c.path)
			} else {
				rec = f.post(f.commune, c.path, c.form)
			}
			wantPage(t, rec, 403, `role="alert"`, c.want, "Không thực hiện được")
			wantNot(t, rec, "rbac: forbidden")
		})
	}
	if n := f.auditLen(); n != before {
		t.Errorf("audit grew from %d to %d: something changed", before, n)
	}
	if m := f.membership(f.inC2, rbac.SubsystemQuantri); m.State != c2.State || m.Locked || len(m.Roles) != 0 {
		t.Errorf("other commune's user changed: %+v", m)
	}
	if m := f.membership(f.inC1, rbac.SubsystemQuantri); m.Unit != c1.Unit || len(m.Roles) != len(c1.Roles) {
		t.Errorf("own user changed: %+v", m)
	}
	// What it may do, it does: the forms offer only its commune and level 4.
	rec := f.get(f.commune, prefix+"/"+f.inC1+"/gan-quyen")
	wantPage(t, rec, 200, "Quản trị đơn vị (cấp 4)")
	wantNot(t, rec, "(cấp 3)", "(cấp 2)", "Admin của Tỉnh")
	rec = f.post(f.commune, prefix+"/them-moi/tim-kiem", url.Values{"so-giay-to": {rbactest.Person(11).CCCD.Number}})
	wantPage(t, rec, 200, "Phường Hưng Bình")
	wantNot(t, rec, "Phường Lê Lợi", "Thành phố Vinh")
}

func TestChangesNeedCSRF(t *testing.T) {
	f := newFixture(t, rbac.SubsystemQuantri, nil)
	before := f.auditLen()
	for _, token := range []string{"", "wrong"} {
		for _, path := range []string{"/" + f.inC2 + "/kich-hoat", "/them-moi", "/" + f.inC1 + "/khoa", "/" + f.inC1 + "/gan-quyen"} {
			form := url.Values{"quyen": {"xu-ly|-1"}, "techid": {rbactest.PersonID(11)}, "don-vi": {"na-c1"},
				"so-giay-to": {rbactest.Person(11).CCCD.Number}}
			if token != "" {
				form.Set("csrf", token)
			}
			rec := f.do(f.prov, http.MethodPost, prefix+path, form)
			wantPage(t, rec, 403, "Phiên làm việc đã hết hạn")
		}
	}
	if n := f.auditLen(); n != before {
		t.Errorf("audit grew from %d to %d", before, n)
	}
	if m := f.membership(f.inC2, rbac.SubsystemQuantri); m.State != rbac.Pending {
		t.Errorf("activated without CSRF")
	}
	// An oversized body is refused before anything is read from it.
	big := url.Values{"csrf": {testCSRF}, "ly-do": {strings.Repeat("x", maxForm)}}
	wantPage(t, f.do(f.prov, http.MethodPost, prefix+"/"+f.inC2+"/kich-hoat", big), 400, "Biểu mẫu không hợp lệ")
	// GET does not change state.
	if rec := f.get(f.prov, prefix+"/"+f.inC2+"/kich-hoat"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET kich-hoat: %d", rec.Code)
	}
}

func TestSearchInputErrors(t *testing.T) {
	f := newFixture(t, rbac.SubsystemQuantri, nil)
	wantPage(t, f.post(f.prov, prefix+"/them-moi/tim-kiem", url.Values{}), 400, "ít nhất một thông tin tìm kiếm")
	wantPage(t, f.post(f.prov, prefix+"/them-moi/tim-kiem", url.Values{"so-giay-to": {"123"}}), 400, "Số CCCD chưa hợp lệ")
	wantPage(t, f.post(f.prov, prefix+"/them-moi/tim-kiem", url.Values{"dien-thoai": {"0999"}}), 400, "Số điện thoại chưa hợp lệ")
	rec := f.post(f.prov, prefix+"/them-moi/tim-kiem", url.Values{"so-giay-to": {"001099000001"}})
	wantPage(t, rec, 200, "Không tìm thấy tài khoản nào")
	// Citizens do not search Vnconnect.
	wantPage(t, f.post(f.inC1, prefix+"/them-moi/tim-kiem", url.Values{"so-giay-to": {rbactest.Person(11).CCCD.Number}}), 403)
	wantPage(t, f.get(f.inC1, prefix+"/them-moi"), 403, "Bạn không có quyền quản trị người dùng.")
	// Missing choices.
	wantPage(t, f.post(f.prov, prefix+"/them-moi", url.Values{"so-giay-to": {rbactest.Person(11).CCCD.Number}, "don-vi": {"na-c1"}}), 400, "Hãy chọn một tài khoản")
	wantPage(t, f.post(f.prov, prefix+"/them-moi", url.Values{"so-giay-to": {rbactest.Person(11).CCCD.Number}, "techid": {"u11"}}), 400, "Hãy chọn đơn vị")
	wantPage(t, f.post(f.prov, prefix+"/"+f.inC1+"/gan-quyen", url.Values{"quyen": {"bogus"}}), 400, "Hãy chọn quyền")
	wantPage(t, f.get(f.prov, prefix+"/nobody"), 404, "Không tìm thấy")
}

func TestPAKNAddWithGroupAndStatus(t *testing.T) {
	f := newFixture(t, rbac.SubsystemPAKN, func(c *Config) {
		c.Labels = Labels{Section: "Quản trị hệ thống", Title: "Quản trị người dùng", Add: "Thêm mới vnconnect",
			Search: "Tìm kiếm", Save: "Lưu", Unit: "Cơ quan quản lý"}
		c.Search = SearchFields{Name: true, AccountType: true}
		c.WithGroup, c.Group = true, rbac.GroupUnitAdmins
	})
	wantPage(t, f.get(f.prov, prefix), 200, "Quản trị hệ thống", "<h1>Quản trị người dùng</h1>", "Thêm mới vnconnect")
	wantPage(t, f.get(f.prov, prefix+"/them-moi"), 200, "Đối tượng tìm kiếm", "Người dân", "Họ và tên")

	rec := f.post(f.prov, prefix+"/them-moi/tim-kiem", url.Values{"ho-ten": {name(13)}, "doi-tuong": {"nguoi-dan"}})
	wantPage(t, rec, 200, name(13), "Cơ quan quản lý", "Nhóm người dùng", `selected>Nhóm admin đơn vị`, "Trạng thái", "Mở", ">Lưu</button>")

	id := rbactest.PersonID(13)
	save := url.Values{"ho-ten": {name(13)}, "doi-tuong": {"nguoi-dan"}, "techid": {id}, "don-vi": {"na-soyt"},
		"nhom": {string(rbac.GroupUnitAdmins)}, "trang-thai": {"mo"}}
	wantRedirect(t, f.post(f.prov, prefix+"/them-moi", save), prefix+"/"+id+"?tb=them")
	m := f.membership(id, rbac.SubsystemPAKN)
	if m.State != rbac.Active || m.Locked || m.Group != rbac.GroupUnitAdmins || len(m.Roles) != 1 || m.Roles[0].Level != 2 {
		t.Fatalf("after PAKN add: %+v", m)
	}
	wantPage(t, f.get(f.prov, prefix+"/"+id), 200, "Nhóm admin đơn vị", "Đã kích hoạt", "Quản trị đơn vị (cấp 2) – theo Nhóm admin đơn vị")

	// Status Khóa saves the person locked.
	id = rbactest.PersonID(14)
	save.Set("techid", id)
	save.Set("ho-ten", name(14))
	save.Set("trang-thai", "khoa")
	save.Set("nhom", "")
	wantRedirect(t, f.post(f.prov, prefix+"/them-moi", save), prefix+"/"+id+"?tb=them")
	if m := f.membership(id, rbac.SubsystemPAKN); !m.Locked || m.State != rbac.Active || m.Group != "" {
		t.Fatalf("after PAKN add locked: %+v", m)
	}

	// The group can be changed on the user's page.
	wantRedirect(t, f.post(f.prov, prefix+"/"+id+"/nhom", url.Values{"nhom": {string(rbac.GroupProcessors)}}), prefix+"/"+id+"?tb=nhom")
	if m := f.membership(id, rbac.SubsystemPAKN); m.Group != rbac.GroupProcessors {
		t.Fatalf("group %q", m.Group)
	}
}

func TestNewChecksConfig(t *testing.T) {
	ok := Config{Subsystem: "x", RBAC: &rbac.Service{}, Prefix: "/a", Frame: func(*http.Request) ui.Page { return ui.Page{} },
		RequireLogin: func(h http.Handler) http.Handler { return h }, VerifyCSRF: func(*http.Request) error { return nil }}
	if _, err := New(ok); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []func(*Config){
		func(c *Config) { c.Subsystem = "" },
		func(c *Config) { c.Prefix = "/a/" },
		func(c *Config) { c.Prefix = "a" },
		func(c *Config) { c.VerifyCSRF = nil },
		func(c *Config) { c.RequireLogin = nil },
	} {
		c := ok
		bad(&c)
		if _, err := New(c); err == nil {
			t.Errorf("accepted %+v", c)
		}
	}
}

// A group the actor may not hand out refuses the whole save: before, the
// person stayed added and activated, without the group.
func TestPAKNAddRefusedGroupSavesNothing(t *testing.T) {
	f := newFixture(t, rbac.SubsystemPAKN, func(c *Config) {
		c.Search = SearchFields{Name: true, AccountType: true}
		c.WithGroup, c.Group = true, rbac.GroupUnitAdmins
	})
	// An admin at the deepest level has no lower level to give the
	// group's admin role at.
	deep := f.w.Admin(f.commune, 15, rbac.SubsystemPAKN, "na-c1", rbac.MaxLevel)
	for _, tc := range []struct {
		name, actor, group, status string
		want                       int
	}{
		{"group below the deepest level", deep, string(rbac.GroupUnitAdmins), "mo", http.StatusBadRequest},
		{"group below the deepest level, locked", deep, string(rbac.GroupUnitAdmins), "khoa", http.StatusBadRequest},
		{"edited group field", f.prov, "nhom-khong-co", "mo", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := rbactest.PersonID(16)
			n := f.auditLen()
			save := url.Values{"so-giay-to": {rbactest.Person(16).CCCD.Number}, "techid": {id}, "don-vi": {"na-c1"},
				"nhom": {tc.group}, "trang-thai": {tc.status}}
			rec := f.post(tc.actor, prefix+"/them-moi", save)
			wantPage(t, rec, tc.want, "chưa có thay đổi nào được lưu")
			wantNot(t, rec, "Đã lưu người dùng")
			f.w.Must(f.w.Store.View(f.w.Ctx, func(tx rbac.ReadTx) error {
				if m, err := tx.Membership(id, rbac.SubsystemPAKN); !errors.Is(err, rbac.ErrNotFound) {
					t.Errorf("refused save left a membership: %+v (%v)", m, err)
				}
				if a, err := tx.Account(id); !errors.Is(err, rbac.ErrNotFound) {
					t.Errorf("refused save left an account: %+v (%v)", a, err)
				}
				return nil
			}))
			if got := f.auditLen(); got != n {
				t.Errorf("refused save wrote %d audit entries", got-n)
			}
		})
	}
	// The same person, with a group the admin may hand out, saves in full.
	id := rbactest.PersonID(16)
	wantRedirect(t, f.post(deep, prefix+"/them-moi", url.Values{"so-giay-to": {rbactest.Person(16).CCCD.Number}, "techid": {id},
		"don-vi": {"na-c1"}, "nhom": {string(rbac.GroupProcessors)}, "trang-thai": {"khoa"}}), prefix+"/"+id+"?tb=them")
	if m := f.membership(id, rbac.SubsystemPAKN); m.State != rbac.Active || !m.Locked || m.Group != rbac.GroupProcessors ||
		len(m.Roles) != 1 || m.Roles[0].Role != rbac.RoleProcessor {
		t.Fatalf("after add: %+v", m)
	}
	f.w.VerifyChain()
}
