package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/platform"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
)

// The user administration of the three apps, clicked through as the
// platform's guidance walks it, by the seeded admins of one province.

// adminCSDLTitle is the CSDL-like app's header (main.go names it).
const adminCSDLTitle = csdlTitle

// adminAccount is the dev Vnconnect's account of a persona.
func adminAccount(t *testing.T, s started, p platform.Persona) vnconnecttest.Account {
	t.Helper()
	if p.TechID == "" {
		t.Fatalf("the population has no such persona")
	}
	for _, a := range s.Pop.Accounts {
		if a.TechID == p.TechID {
			return a
		}
	}
	t.Fatalf("persona %s (%s) has no Vnconnect account", p.Name, p.TechID)
	panic("unreachable")
}

// adminUnitName is the name of a seeded unit.
func adminUnitName(t *testing.T, s started, id rbac.UnitID) string {
	t.Helper()
	for _, u := range s.Pop.Units {
		if u.ID == id {
			return u.Name
		}
	}
	t.Fatalf("no unit %s in the population", id)
	return ""
}

// adminSignIn opens appURL's home, signs in as acct on the dev Vnconnect.
func adminSignIn(b *browser, s started, appURL, title string, acct vnconnecttest.Account, shot string) {
	b.t.Helper()
	b.open(appURL + "/")
	b.waitFor(appHeader(title))
	b.click(link(loginOIDC))
	signInOnLoginPage(b, s, acct, shot)
	b.waitFor(heading("Thông tin tài khoản"))
	b.see(acct.FullName)
}

// adminMenuCurrent is the app menu's entry named title, marked as the
// current one (aria-current="page").
func adminMenuCurrent(title string) chromedp.Search {
	return chromedp.Search(`//nav[@aria-label="Chức năng"]//a[@aria-current="page" and normalize-space()=` + xpathString(title) + `]`)
}

// adminSystemMenu clicks the app menu's "Quản trị hệ thống" and checks
// that its page lists screens, in the menu's words.
func adminSystemMenu(b *browser, screens ...string) {
	b.t.Helper()
	b.click(chromedp.Search(`//nav[@aria-label="Chức năng"]//a[normalize-space()="Quản trị hệ thống"]`))
	b.waitFor(heading("Quản trị hệ thống"))
	b.waitFor(adminMenuCurrent("Quản trị hệ thống"))
	for _, sc := range screens {
		b.waitFor(link(sc))
	}
}

// adminStatus is the role="status" message that says text.
func adminStatus(text string) chromedp.Search {
	return chromedp.Search(`//*[@role="status" and normalize-space()=` + xpathString(text) + `]`)
}

// adminFill types text into the field labelled by id.
func adminFill(b *browser, id, text string) {
	b.t.Helper()
	b.do("type into #"+id, chromedp.SendKeys(chromedp.ID(id), text))
}

// adminChoose picks the option with value in the select #id, as a person
// picks a line of a drop-down list.
func adminChoose(b *browser, id, value string) {
	b.t.Helper()
	b.do("choose "+value+" in #"+id, chromedp.SetValue(chromedp.ID(id), value))
}

// adminSearchAndSave runs "Thêm mới" → search → choose the person → save.
func adminSearchAndSave(b *browser, addLabel, searchLabel, saveLabel, field, value, name, shot string) {
	b.t.Helper()
	b.click(link(addLabel))
	b.waitFor(heading(addLabel))
	adminFill(b, field, value)
	b.click(button(searchLabel))
	b.waitFor(chromedp.Search(`//h2[normalize-space()="Kết quả tìm kiếm"]`))
	b.see(name)
	b.click(labelFor(name))
	b.shot(shot)
	b.click(button(saveLabel))
	b.waitFor(adminStatus("Đã lưu người dùng vào hệ thống."))
	b.waitFor(heading(name))
}

func TestBrowserAdminQuantriAddActivateChangeUnitGrant(t *testing.T) {
	s, b := startForBrowser(t)
	pop := s.Pop
	if len(pop.NewStaff) == 0 {
		t.Fatal("the population has no NewStaff")
	}
	staff := pop.NewStaff[0]
	dept := adminUnitName(t, s, pop.DeptAdmin.Unit)

	adminSignIn(b, s, s.PortalURL, portalTitle, adminAccount(t, s, pop.ProvinceAdmin), "vnconnect-login-province-admin")
	b.click(link("Quản lý người dùng"))
	b.waitFor(heading("Quản lý người dùng"))
	b.see("Thêm mới", "Trạng thái")
	b.shot("quantri-users")

	adminSearchAndSave(b, "Thêm mới", "Tìm kiếm trên Vnconnect", "Lưu vào hệ thống", "so-giay-to", staff.CCCD, staff.Name,
		"quantri-search-results")
	b.see("Chưa kích hoạt", "Lịch sử thay đổi", "Thêm mới từ Vnconnect")
	b.shot("quantri-saved-pending")

	b.click(button("Kích hoạt"))
	b.waitFor(adminStatus("Đã kích hoạt người dùng."))
	b.see("Đã kích hoạt")
	b.dontSee("Chưa kích hoạt")

	b.click(link("Thay đổi đơn vị"))
	b.waitFor(heading("Thay đổi đơn vị"))
	adminChoose(b, "don-vi", string(pop.DeptAdmin.Unit))
	adminFill(b, "ly-do", "Điều chuyển công tác")
	b.shot("quantri-change-unit")
	b.click(button("Lưu lại"))
	b.waitFor(adminStatus("Đã thay đổi đơn vị."))
	b.see(dept, "Điều chuyển công tác")

	b.click(link("Gán quyền"))
	b.waitFor(heading("Gán quyền"))
	// A province admin (level 1) grants unit admins from level 2 down:
	// the level-1 roles are not offered.
	b.see("Quản trị đơn vị (cấp 2)")
	b.dontSee("Admin của Tỉnh/thành phố", "Admin của Bộ")
	b.shot("quantri-grant")
	b.click(labelFor("Quản trị đơn vị (cấp 2)"))
	b.click(button("Lưu lại"))
	b.waitFor(adminStatus("Đã gán quyền."))
	b.see("Quản trị đơn vị (cấp 2)", "Gán quyền", "Thay đổi đơn vị", "Kích hoạt")
	b.shot("quantri-granted-history")

	// Back on the list, the newcomer is active in the department.
	b.click(link("Quản lý người dùng"))
	b.waitFor(heading("Quản lý người dùng"))
	adminFill(b, "ten", staff.Name)
	b.click(button("Lọc"))
	// The unfiltered list shows the newcomer too: wait for the filtered
	// one, whose field carries the name in its HTML (typing sets only the
	// field's live value, not the attribute).
	b.waitFor(chromedp.Search(`//input[@id="ten" and @value=` + xpathString(staff.Name) + `]`))
	b.waitFor(link(staff.Name))
	b.see(dept, "Đã kích hoạt", "Quản trị đơn vị (cấp 2)")
}

// The province's super admin (Quản trị cấp cao, its agency account) grants
// the level-1 role, "Admin của Tỉnh/thành phố", as step 5 of the guidance.
func TestBrowserAdminSuperAdminGrantsProvinceAdmin(t *testing.T) {
	s, b := startForBrowser(t)
	pop := s.Pop
	agency, ok := pop.Agency(pop.Province)
	if !ok || !agency.Registered {
		t.Fatalf("the province %s has no registered agency", pop.Province)
	}
	staff := pop.NewStaff[0]
	province := adminUnitName(t, s, pop.Province)

	adminSignIn(b, s, s.PortalURL, portalTitle, adminAccount(t, s, platform.Persona{TechID: agency.TechID, Name: agency.Name}),
		"vnconnect-login-super-admin")
	b.click(link("Quản lý người dùng"))
	b.waitFor(heading("Quản lý người dùng"))
	b.see(pop.ProvinceAdmin.Name, "Admin của Tỉnh/thành phố")
	b.shot("super-users")
	adminSearchAndSave(b, "Thêm mới", "Tìm kiếm trên Vnconnect", "Lưu vào hệ thống", "dien-thoai", staff.Phone, staff.Name,
		"super-search-results")
	b.see("Chưa kích hoạt", province)
	b.click(button("Kích hoạt"))
	b.waitFor(adminStatus("Đã kích hoạt người dùng."))

	b.click(link("Gán quyền"))
	b.waitFor(heading("Gán quyền"))
	// In a province, not a ministry: "Admin của Bộ" is not offered.
	b.see("Admin của Tỉnh/thành phố")
	b.dontSee("Admin của Bộ")
	b.shot("super-grant")
	b.click(labelFor("Admin của Tỉnh/thành phố"))
	adminFill(b, "ly-do", "Phân quyền quản trị cấp 1 theo quyết định của UBND tỉnh")
	b.click(button("Lưu lại"))
	b.waitFor(adminStatus("Đã gán quyền."))
	b.see("Admin của Tỉnh/thành phố", "Phân quyền quản trị cấp 1 theo quyết định của UBND tỉnh")
	b.shot("super-granted")
}

func TestBrowserAdminPAKNAddFromVnconnectWithGroup(t *testing.T) {
	s, b := startForBrowser(t)
	pop := s.Pop
	if len(pop.NewStaff) < 2 {
		t.Fatal("the population has fewer than 2 NewStaff")
	}
	staff := pop.NewStaff[1]

	adminSignIn(b, s, s.PAKNURL, paknTitle, adminAccount(t, s, pop.DeptAdmin), "vnconnect-login-dept-admin")
	adminSystemMenu(b, "Quản trị người dùng", "Chuyển đổi tài khoản")
	b.shot("pakn-system-admin")
	b.click(link("Quản trị người dùng"))
	b.waitFor(heading("Quản trị người dùng"))
	b.waitFor(adminMenuCurrent("Quản trị hệ thống"))
	b.shot("pakn-users")

	b.click(link("Thêm mới vnconnect"))
	b.waitFor(heading("Thêm mới vnconnect"))
	b.see("Đối tượng tìm kiếm", "Người dân")
	adminChoose(b, "doi-tuong", "nguoi-dan")
	adminFill(b, "ho-ten", staff.Name)
	b.click(button("Tìm kiếm"))
	b.waitFor(labelFor(staff.Name))
	b.click(labelFor(staff.Name))
	b.see("Cơ quan quản lý", "Nhóm người dùng", "Nhóm admin đơn vị", "Trạng thái", "Mở")
	b.shot("pakn-add-vnconnect")
	b.click(button("Lưu"))
	b.waitFor(adminStatus("Đã lưu người dùng vào hệ thống."))
	b.see(staff.Name, "Đã kích hoạt", "Nhóm admin đơn vị", "Quản trị đơn vị (cấp 3)")
	b.dontSee("Chưa kích hoạt")
	b.shot("pakn-saved")
}

func TestBrowserAdminCSDLAddFromVnconnect(t *testing.T) {
	s, b := startForBrowser(t)
	pop := s.Pop
	if len(pop.NewStaff) < 3 {
		t.Fatal("the population has fewer than 3 NewStaff")
	}
	staff := pop.NewStaff[2]

	adminSignIn(b, s, s.CSDLURL, adminCSDLTitle, adminAccount(t, s, pop.DeptAdmin), "vnconnect-login-csdl")
	adminSystemMenu(b, "Người dùng")
	b.shot("csdl-system-admin")
	b.click(link("Người dùng"))
	b.waitFor(heading("Người dùng"))
	b.waitFor(adminMenuCurrent("Quản trị hệ thống"))
	adminSearchAndSave(b, "Thêm mới từ vnconnect", "Tìm kiếm", "Lưu", "dien-thoai", staff.Phone, staff.Name,
		"csdl-add-vnconnect")
	b.see("Chưa kích hoạt")
	b.click(button("Kích hoạt"))
	b.waitFor(adminStatus("Đã kích hoạt người dùng."))
	b.shot("csdl-activated")
}

func TestBrowserAdminCommuneAdminRefusedOutsideItsSubtree(t *testing.T) {
	s, b := startForBrowser(t)
	pop := s.Pop
	if len(pop.NewStaff) < 4 {
		t.Fatal("the population has fewer than 4 NewStaff")
	}
	staff := pop.NewStaff[3]
	const refused = "nằm ngoài phạm vi đơn vị bạn quản lý"

	adminSignIn(b, s, s.PortalURL, portalTitle, adminAccount(t, s, pop.CommuneAdmin), "vnconnect-login-commune-admin")
	b.click(link("Quản lý người dùng"))
	b.waitFor(heading("Quản lý người dùng"))
	b.dontSee(pop.DeptAdmin.Name, pop.ProvinceAdmin.Name)

	// It adds someone to its own commune and activates them: allowed.
	adminSearchAndSave(b, "Thêm mới", "Tìm kiếm trên Vnconnect", "Lưu vào hệ thống", "so-giay-to", staff.CCCD, staff.Name,
		"commune-search-results")
	b.click(button("Kích hoạt"))
	b.waitFor(adminStatus("Đã kích hoạt người dùng."))
	own, _, _ := strings.Cut(b.location(), "?") // the user's page, without its flash

	// Editing the address to reach the department's admin: refused.
	b.open(s.PortalURL + "/quan-tri/nguoi-dung/" + pop.DeptAdmin.TechID)
	b.waitFor(alert())
	b.see("Không thực hiện được", refused)
	b.dontSee(pop.DeptAdmin.Name)
	b.shot("commune-refused-view")

	// Editing the hidden value of "Gán quyền" to grant its own level (3):
	// rbac refuses, nothing changes.
	b.open(own + "/gan-quyen")
	b.waitFor(heading("Gán quyền"))
	b.see("Quản trị đơn vị (cấp 4)")
	b.dontSee("(cấp 3)")
	b.do("edit the hidden role value", chromedp.SetAttributeValue(chromedp.CSS(`input[name=quyen]`), "value", "admin|3"))
	b.click(labelFor("Quản trị đơn vị (cấp 4)"))
	b.click(button("Lưu lại"))
	b.waitFor(alert())
	b.see("Bạn chỉ được gán quyền quản trị ở cấp thấp hơn cấp của mình", "Chưa có thay đổi nào được lưu")
	b.shot("commune-refused-grant")

	// Its commune has no other unit to move to, so the change-unit form
	// offers none; editing the "Khóa" form to post for the department's
	// admin instead is refused, and the admin stays open.
	b.open(own)
	b.waitFor(heading(staff.Name))
	b.do("edit the lock form's target", chromedp.SetAttributeValue(chromedp.CSS(`form[action$="/khoa"]`), "action",
		"/quan-tri/nguoi-dung/"+pop.DeptAdmin.TechID+"/khoa"))
	b.click(button("Khóa"))
	b.waitFor(alert())
	b.see(refused)
	b.shot("commune-refused-lock")
	var dept rbac.Membership
	if err := s.Platform.RBAC.Store().View(b.ctx, func(tx rbac.ReadTx) error {
		var err error
		dept, err = tx.Membership(pop.DeptAdmin.TechID, rbac.SubsystemQuantri)
		return err
	}); err != nil || dept.Locked {
		t.Fatalf("department admin after the refused lock: %+v, %v", dept, err)
	}

	b.open(own)
	b.waitFor(heading(staff.Name))
	if text := b.text(); strings.Contains(text, "Quản trị đơn vị (cấp 3)") || strings.Contains(text, adminUnitName(t, s, pop.DeptAdmin.Unit)) {
		b.fatalf("a refused change went through")
	}
}
