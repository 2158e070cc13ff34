package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/agency"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/changeimport"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/platform"
	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
)

// The agency area in a real browser: the super-admin registration by
// certificate through the simulated signing plugin, the operator's
// approval, and the province change form imported from an XLSX file.

// agencyAccount is the dev Vnconnect account of techID.
func agencyAccount(t *testing.T, s started, techID string) vnconnecttest.Account {
	t.Helper()
	for _, a := range s.Pop.Accounts {
		if a.TechID == techID {
			return a
		}
	}
	t.Fatalf("no seeded Vnconnect account %s", techID)
	return vnconnecttest.Account{}
}

// agencySignIn picks acct on the dev Vnconnect's login page: people are
// listed by their name, organisations by theirs (EnterpriseName).
func agencySignIn(b *browser, s started, acct vnconnecttest.Account, shot string) {
	b.t.Helper()
	if acct.Type != vnconnecttest.Organisation && acct.Type != vnconnecttest.Business {
		signInOnLoginPage(b, s, acct, shot)
		return
	}
	b.waitFor(legend(accountList))
	b.mustBeUnder(s.VnconnectURL + "/")
	b.shot(shot)
	b.click(labelFor(acct.EnterpriseName))
	b.do("check the chosen account", checkedRadio("techid", acct.TechID))
	b.click(button("Đăng nhập"))
}

// agencyLogout signs out of the portal (and, single logout, Vnconnect).
func agencyLogout(b *browser, s started) {
	b.t.Helper()
	b.open(s.PortalURL + "/")
	b.waitFor(button(logout))
	b.click(button(logout))
	b.waitFor(link(loginOIDC))
}

func TestBrowserAgencyRegistersByCertificateAndOperatorApproves(t *testing.T) {
	s, b := startForBrowser(t)
	agencyRegistration(t, s, b)
}

// With three replicas of each app behind round-robin proxies
// (`-postgres DSN -redis ADDR -replicas 3`: each replica with its own
// platform, pools and Redis clients, as a separate process), every step
// of the registration lands on another replica than the one before: the
// challenge, the verified identity waiting for "Đăng ký" and the request
// must be shared state (Redis, PostgreSQL).
func TestBrowserAgencyRegistrationAcrossReplicas(t *testing.T) {
	parallelBrowser(t)
	testenv.Chromium(t)
	s := startSharedReplicas(t)
	b := startBrowser(t)
	agencyRegistration(t, s, b)
	assertSpread(t, s, s.PortalURL)
}

// agencyRegistration is the whole walk: the unregistered agency registers
// by certificate through the simulated plugin, is refused a unit that is
// not its own and may not approve itself; the operator approves; the
// agency account is then super admin of its unit.
func agencyRegistration(t *testing.T, s started, b *browser) {
	ag := s.Pop.Unregistered()
	if ag.TechID == "" {
		t.Fatal("the population has no unregistered agency")
	}
	acct := agencyAccount(t, s, ag.TechID)

	// The agency's organisation account opens the registration page.
	b.open(s.PortalURL + agency.PathRegister)
	agencySignIn(b, s, acct, "agency-vnconnect-login")
	b.waitFor(heading("Đăng ký tài khoản quản trị cấp cao"))
	b.mustBeAt(s.PortalURL + agency.PathRegister)
	b.see("Chưa đăng ký", ag.Code)
	b.shot("agency-register")

	// The portal issues a challenge; the page hands it to the plugin.
	b.click(button("Đăng ký bằng USB ký số"))
	b.waitFor(heading("Ký số bằng USB token"))
	b.see("rpkit-challenge-v1", "purpose="+agency.Purpose, "trình ký số mô phỏng")
	b.shot("agency-challenge")

	// The simulated plugin: choose the certificate, type the PIN, sign.
	b.click(button("Ký số bằng USB token"))
	b.waitFor(heading("Chọn chứng thư số"))
	b.mustBeUnder(s.PortalURL + agency.PluginPrefix + "/")
	b.see("Trình ký số mô phỏng – chỉ có trong bản demo", ag.Name+" – Mã định danh: "+ag.Code)
	b.shot("plugin-choose-certificate")
	b.click(labelFor(ag.Name + " – Mã định danh: " + ag.Code))
	b.do("type the PIN", chromedp.SendKeys(chromedp.ID("pin"), agency.DemoPIN))
	b.click(button("Ký số"))
	b.waitFor(heading("Đã ký số"))
	b.shot("plugin-signed")
	b.click(button("Gửi kết quả ký"))

	// The portal verified the answer and shows what the certificate says.
	b.waitFor(heading("Xác nhận đăng ký quản trị cấp cao"))
	b.see("Chữ ký số hợp lệ", ag.Name, ag.Code, ag.MST, "Số hiệu chứng thư số")
	b.shot("agency-confirm")

	// A unit whose code is not the certificate's is refused…
	other := agencyOtherUnit(t, s.Pop, ag)
	b.do("choose another unit", chromedp.SetValue(chromedp.ID("don-vi"), string(other)))
	b.click(button("Đăng ký"))
	b.waitFor(alert())
	b.see("không khớp với mã định danh của đơn vị đã chọn")
	b.shot("agency-wrong-unit-refused")
	// …and the right one is accepted without signing again.
	b.do("choose its own unit", chromedp.SetValue(chromedp.ID("don-vi"), string(ag.Unit)))
	b.click(button("Đăng ký"))
	b.waitFor(heading("Đăng ký tài khoản quản trị cấp cao"))
	b.see("Đã gửi đăng ký", "Chờ phê duyệt")
	b.shot("agency-pending")

	// The agency cannot approve itself.
	b.open(s.PortalURL + agency.PathApprove)
	b.waitFor(alert())
	b.see("Chỉ Văn phòng Chính phủ")
	b.shot("agency-cannot-approve")
	agencyLogout(b, s)

	// The operator (Văn phòng Chính phủ) approves.
	b.open(s.PortalURL + agency.PathApprove)
	agencySignIn(b, s, agencyAccount(t, s, s.Pop.Operator.TechID), "operator-vnconnect-login")
	b.waitFor(heading("Phê duyệt đăng ký quản trị"))
	b.see(ag.Name, ag.Code, "Chờ phê duyệt")
	b.shot("operator-pending-requests")
	b.click(button("Phê duyệt"))
	b.waitFor(chromedp.Search(`//*[@role="status"]`))
	b.see("Đã phê duyệt", "Không có đăng ký nào chờ phê duyệt")
	b.shot("operator-approved")
	agencyLogout(b, s)

	// The agency account is now super admin of its unit.
	b.open(s.PortalURL + agency.PathRegister)
	agencySignIn(b, s, acct, "agency-vnconnect-login-again")
	b.waitFor(heading("Đăng ký tài khoản quản trị cấp cao"))
	b.see("Quản trị cấp cao (đã phê duyệt)", ag.Name, "Đã phê duyệt")
	b.shot("agency-is-super-admin")
	b.click(link("Quản lý người dùng"))
	b.waitFor(heading("Quản lý người dùng"))
	b.dontSee("Bạn không có quyền")
	b.shot("agency-user-admin")
}

// agencyOtherUnit is another agency's unit (its code is not ag's).
func agencyOtherUnit(t *testing.T, pop *platform.Population, ag platform.Agency) string {
	t.Helper()
	for _, a := range pop.Agencies {
		if a.Code != ag.Code && a.Unit != "" {
			return string(a.Unit)
		}
	}
	t.Fatal("no second agency in the population")
	return ""
}

func TestBrowserAgencyChangeFormImport(t *testing.T) {
	s, b := startForBrowser(t)
	admin := s.Pop.DeptAdmin
	if len(s.Pop.NewStaff) < 3 {
		t.Fatalf("need 3 new staff, the population has %d", len(s.Pop.NewStaff))
	}
	p1, p2, p3 := agencyAccount(t, s, s.Pop.NewStaff[0].TechID), agencyAccount(t, s, s.Pop.NewStaff[1].TechID),
		agencyAccount(t, s, s.Pop.NewStaff[2].TechID)
	file := agencyChangeForm(t, [][]string{
		{"1", "Hệ thống tiếp nhận, xử lý, phản ánh kiến nghị của người dân, doanh nghiệp", p1.FullName, p1.SoDinhDanh, "Bổ sung"},
		{"2", "Cơ sở dữ liệu quốc gia về thủ tục hành chính", p2.FullName, p2.SoDinhDanh, ""},
		{"3", "Hệ thống tiếp nhận, xử lý, phản ánh kiến nghị của người dân, doanh nghiệp", "Họ Tên Sai", p3.SoDinhDanh, ""},
		{"4", "PAKN", "Người Chưa Đăng Ký", "038085999999", ""},
	})

	b.open(s.PortalURL + changeimport.PathForm)
	agencySignIn(b, s, agencyAccount(t, s, admin.TechID), "changeform-login")
	b.waitFor(heading("Nhập phiếu thay đổi"))
	b.shot("changeform-upload")
	agencyUpload(b, file, string(admin.Unit))
	b.waitFor(heading("Xem trước phiếu thay đổi"))
	b.see("Sẽ thêm (Chưa kích hoạt)", p1.FullName, p2.FullName, "Họ tên không khớp Vnconnect", "Chưa đăng ký Vnconnect")
	b.shot("changeform-plan")

	b.click(button("Áp dụng"))
	b.waitFor(heading("Kết quả áp dụng phiếu thay đổi"))
	b.see("Đã thêm – Chưa kích hoạt", "2 người được thêm")
	b.shot("changeform-applied")

	// The same form again adds nobody twice.
	b.open(s.PortalURL + changeimport.PathForm)
	b.waitFor(heading("Nhập phiếu thay đổi"))
	agencyUpload(b, file, string(admin.Unit))
	b.waitFor(heading("Xem trước phiếu thay đổi"))
	b.see("Đã có trên phân hệ", "Không có dòng nào cần thêm")
	b.dontSee("Sẽ thêm (Chưa kích hoạt)")
	b.shot("changeform-reupload")
}

// agencyUpload chooses file in the form's file input and the unit, and
// presses "Tải lên và xem trước".
func agencyUpload(b *browser, path, unit string) {
	b.t.Helper()
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.ID("tep"), []string{path}))
	b.do("choose the unit", chromedp.SetValue(chromedp.ID("don-vi"), unit))
	b.click(button("Tải lên và xem trước"))
}

// agencyChangeForm writes the letter's table (title, header, rows) as an
// XLSX file in the test's temp dir and returns its path.
func agencyChangeForm(t *testing.T, rows [][]string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	all := [][]string{{"DANH SÁCH BỔ SUNG TÀI KHOẢN XỬ LÝ TRÊN CÁC PHÂN HỆ CỦA CỔNG DỊCH VỤ CÔNG QUỐC GIA"}, {},
		{"STT", "Phân hệ cần bổ sung CCVC xử lý", "Họ và tên CCVC", "Số CMND", "Ghi chú"}}
	for i, r := range append(all, rows...) {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "phieu-thay-doi.xlsx")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
