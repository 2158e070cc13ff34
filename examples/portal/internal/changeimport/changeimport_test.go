package changeimport_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/changeimport"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/changeform"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

const (
	csrfToken  = "csrf-of-the-session"
	paknLetter = "Hệ thống tiếp nhận, xử lý, phản ánh kiến nghị của người dân, doanh nghiệp"
	csdlLetter = "Cơ sở dữ liệu quốc gia về thủ tục hành chính"
)

type env struct {
	t     *testing.T
	world *rbactest.World
	super string // super admin of p-na (Tỉnh Nghệ An)
	mux   *http.ServeMux
}

func newEnv(t *testing.T, maxBytes int64) *env {
	t.Helper()
	w := rbactest.NewWorld(t, rbac.NewMemoryStore())
	e := &env{t: t, world: w, super: w.Super("p-na")}
	im, err := changeform.New(changeform.Config{Service: w.Svc, Directory: w.Dir})
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]*vnconnect.Identity{e.super: {TechID: e.super, AccountType: vnconnect.AccountOrganisation}}
	for i := 1; i <= 12; i++ {
		users[rbactest.PersonID(i)] = rbactest.Person(i)
	}
	s, err := changeimport.New(changeimport.Config{
		RBAC: w.Svc, Importer: im, Limits: changeform.Limits{MaxFileBytes: maxBytes},
		Frame: func(*http.Request) ui.Page { return ui.Page{App: "Cổng thử", CSRF: csrfToken} },
		Identity: func(r *http.Request) (*vnconnect.Identity, bool) {
			id, ok := users[r.Header.Get("X-Test-User")]
			return id, ok
		},
		VerifyCSRF: func(r *http.Request) error {
			if r.PostFormValue("csrf") != csrfToken {
				return errors.New("csrf")
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.mux = http.NewServeMux()
	s.Mount(e.mux)
	return e
}

// xlsx is the letter's table: title, header, the rows, a footnote.
func xlsx(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	all := [][]string{{"DANH SÁCH BỔ SUNG TÀI KHOẢN XỬ LÝ TRÊN CÁC PHÂN HỆ CỦA CỔNG DỊCH VỤ CÔNG QUỐC GIA"}, {},
		{"STT", "Phân hệ cần bổ sung CCVC xử lý", "Họ và tên CCVC", "Số CMND", "Ghi chú"}}
	all = append(all, rows...)
	all = append(all, []string{"Ghi chú: CCVC: Công chức, Viên chức."})
	for i, r := range all {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func formRows() [][]string {
	p := rbactest.Person
	return [][]string{
		{"1", paknLetter, p(1).FullName, p(1).CCCD.Number, "Bổ sung"},
		{"2", csdlLetter, p(2).FullName, p(2).CCCD.Number, ""},
		{"3", paknLetter, "Tên Không Khớp", p(3).CCCD.Number, ""},
		{"4", paknLetter, "Người Chưa Đăng Ký", "040085999999", ""},
		{"5", paknLetter, p(5).FullName, "12345", ""},
	}
}

type resp struct {
	code int
	body string
}

func (e *env) upload(user, unit string, file []byte, csrf bool) resp {
	e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if csrf {
		_ = mw.WriteField("csrf", csrfToken)
	}
	_ = mw.WriteField("don-vi", unit)
	_ = mw.WriteField("ly-do", "Công văn 6112/VP-KGVX")
	fw, _ := mw.CreateFormFile("tep", "phieu-thay-doi.xlsx")
	_, _ = fw.Write(file)
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, changeimport.PathPreview, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return e.serve(user, req)
}

func (e *env) serve(user string, req *http.Request) resp {
	req.Header.Set("X-Test-User", user)
	rec := httptest.NewRecorder()
	e.mux.ServeHTTP(rec, req)
	return resp{rec.Code, html.UnescapeString(rec.Body.String())}
}

func (e *env) applyFrom(user string, preview resp) resp {
	e.t.Helper()
	f := url.Values{}
	for _, m := range regexp.MustCompile(`name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(preview.body, -1) {
		f.Set(m[1], m[2])
	}
	req := httptest.NewRequest(http.MethodPost, changeimport.PathApply, strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.serve(user, req)
}

func (r resp) want(t *testing.T, code int, texts ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("status %d, want %d:\n%s", r.code, code, r.body)
	}
	for _, s := range texts {
		if !strings.Contains(r.body, s) {
			t.Fatalf("page lacks %q:\n%s", s, r.body)
		}
	}
}

func TestPlanApplyAndReupload(t *testing.T) {
	e := newEnv(t, 0)
	req := httptest.NewRequest(http.MethodGet, changeimport.PathForm, nil)
	e.serve(e.super, req).want(t, 200, "Nhập phiếu thay đổi", "Tỉnh Nghệ An – 000.00.00.H41", "Tải lên và xem trước")

	file := xlsx(t, formRows())
	plan := e.upload(e.super, "na-soyt", file, true)
	plan.want(t, 200, "Xem trước phiếu thay đổi", "Sở Y tế", "Sẽ thêm (Chưa kích hoạt)", "Họ tên không khớp Vnconnect",
		"Chưa đăng ký Vnconnect", "Số CMND/CCCD không hợp lệ", "Áp dụng",
		"Hệ thống tiếp nhận, xử lý phản ánh, kiến nghị", "Cơ sở dữ liệu quốc gia về thủ tục hành chính")
	// Planning changes nothing.
	if _, err := e.world.Svc.Memberships(t.Context(), e.super, rbactest.PersonID(1)); err != nil {
		t.Fatal(err)
	}
	res := e.applyFrom(e.super, plan)
	res.want(t, 200, "Kết quả áp dụng phiếu thay đổi", "Đã thêm – Chưa kích hoạt", "2 người được thêm")
	ms, err := e.world.Svc.Memberships(t.Context(), e.super, rbactest.PersonID(1))
	if err != nil || len(ms) != 1 || ms[0].Subsystem != rbac.SubsystemPAKN || ms[0].Unit != "na-soyt" || ms[0].State != rbac.Pending {
		t.Fatalf("person 1: %+v %v", ms, err)
	}

	// Idempotent: the same form again adds nobody.
	again := e.upload(e.super, "na-soyt", file, true)
	again.want(t, 200, "Đã có trên phân hệ", "Không có dòng nào cần thêm")
	if strings.Contains(again.body, "Sẽ thêm") {
		t.Fatalf("re-upload plans adds:\n%s", again.body)
	}
	// Applying the old preview again reports the rows as present.
	e.applyFrom(e.super, plan).want(t, 200, "Đã có trên phân hệ", "0 người được thêm")
}

func TestCSVUploadAndOutsideScope(t *testing.T) {
	e := newEnv(t, 0)
	csv := "STT,Phân hệ,Họ và tên,Số CMND/CCCD,Ghi chú\n1,PAKN," + rbactest.Person(7).FullName + "," + rbactest.Person(7).CCCD.Number + ",\n"
	// Hà Tĩnh is outside Nghệ An's super admin's subtree.
	e.upload(e.super, "p-ht", []byte(csv), true).want(t, 200, "Không có quyền", "Không có dòng nào cần thêm")
	e.upload(e.super, "p-na", []byte(csv), true).want(t, 200, "Sẽ thêm (Chưa kích hoạt)")
}

func TestRefusals(t *testing.T) {
	e := newEnv(t, 4<<10)
	file := []byte("STT,Phân hệ,Họ và tên,Số CMND/CCCD,Ghi chú\n")
	e.upload(e.super, "p-na", file, false).want(t, 403, "mã chống giả mạo")
	apply := httptest.NewRequest(http.MethodPost, changeimport.PathApply, strings.NewReader("tep=eA"))
	apply.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	e.serve(e.super, apply).want(t, 403, "mã chống giả mạo")

	// Not an admin: no unit to import into.
	e.serve(rbactest.PersonID(1), httptest.NewRequest(http.MethodGet, changeimport.PathForm, nil)).want(t, 403, "Chỉ quản trị viên")
	e.upload(rbactest.PersonID(1), "p-na", []byte("STT,Phân hệ,Họ và tên,Số CMND/CCCD\n1,PAKN,"+
		rbactest.Person(2).FullName+","+rbactest.Person(2).CCCD.Number+"\n"), true).want(t, 403, "Chỉ quản trị viên")

	e.upload(e.super, "p-na", bytes.Repeat([]byte("x"), 8<<10), true).want(t, 413, "Tệp quá lớn")
	e.upload(e.super, "p-na", []byte("một tệp không phải biểu mẫu\n"), true).want(t, 400, "Không tìm thấy dòng tiêu đề")
	e.upload(e.super, "khong-co", file, true).want(t, 404, "Không tìm thấy đơn vị")
}

// TestApplyReChecksWhatItApplies forges "Áp dụng": a file that was never
// previewed, a unit outside the admin's scope, a non-admin sending a
// previewed form. Applying plans again and rbac re-checks every row, so
// nobody is added outside what the actor may do.
func TestApplyReChecksWhatItApplies(t *testing.T) {
	e := newEnv(t, 0)
	p := rbactest.Person
	forged := xlsx(t, [][]string{{"1", paknLetter, p(8).FullName, p(8).CCCD.Number, ""}})
	post := func(user string, f url.Values) resp {
		req := httptest.NewRequest(http.MethodPost, changeimport.PathApply, strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return e.serve(user, req)
	}
	f := url.Values{"csrf": {csrfToken}, "tep": {base64.StdEncoding.EncodeToString(forged)}, "ten-tep": {"<script>x</script>"}}
	// Another province's unit: refused row by row, nothing added.
	f.Set("don-vi", "p-ht")
	r := post(e.super, f)
	r.want(t, 200, "Không có quyền", "0 người được thêm")
	if ms, _ := e.world.Svc.Memberships(t.Context(), e.super, rbactest.PersonID(8)); len(ms) != 0 {
		t.Fatalf("added outside scope: %+v", ms)
	}
	// A person who administers nothing.
	f.Set("don-vi", "na-soyt")
	post(rbactest.PersonID(1), f).want(t, 403, "Chỉ quản trị viên")
	// The file name is shown escaped.
	raw := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, changeimport.PathApply, strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Test-User", e.super)
	e.mux.ServeHTTP(raw, req)
	if strings.Contains(raw.Body.String(), "<script>x</script>") {
		t.Fatal("file name reflected unescaped")
	}
	// A body larger than the limit is refused before it is read whole.
	big := url.Values{"csrf": {csrfToken}, "don-vi": {"na-soyt"}, "tep": {strings.Repeat("A", 2<<20)}}
	post(e.super, big).want(t, 413, "Tệp quá lớn")
}
