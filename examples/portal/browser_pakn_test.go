package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/pakn"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/platform"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
)

// The PAKN app's walk-through in the browser: a citizen sends feedback
// and a processor answers it; an admin converts a legacy username/password
// account to its heir, after which the old password is refused and the
// heir sees the cases; and a Vnconnect account hands its cases to a
// successor.

// paknBudget replaces the browser's budget: these flows sign several
// people in and out, more than the default budget's few clicks.
const paknBudget = 120 * time.Second

func paknStart(t *testing.T) (started, *browser) {
	t.Helper()
	s, b := startForBrowser(t)
	ctx, cancel := context.WithTimeout(b.root, paknBudget)
	t.Cleanup(cancel)
	b.ctx = ctx
	if s.Pop == nil {
		t.Fatal("the demo started without its population")
	}
	return s, b
}

// paknAccount is the dev Vnconnect's account of a persona.
func paknAccount(t *testing.T, s started, p platform.Persona) vnconnecttest.Account {
	t.Helper()
	for _, a := range s.Fake.Accounts() {
		if a.TechID == p.TechID {
			return a
		}
	}
	t.Fatalf("no Vnconnect account for %s (%s)", p.Name, p.TechID)
	panic("unreachable")
}

// paknSignIn opens path on PAKN, which sends the browser to Vnconnect's
// login page, and signs p in there; it waits for PAKN's page.
func paknSignIn(b *browser, s started, p platform.Persona, path, shot string) {
	b.t.Helper()
	b.open(s.PAKNURL + path)
	signInOnLoginPage(b, s, paknAccount(b.t, s, p), shot)
	b.waitFor(appHeader(paknTitle))
	b.mustBeUnder(s.PAKNURL + path)
}

// paknSignOut signs the person out from PAKN's home (single logout).
func paknSignOut(b *browser, s started) {
	b.t.Helper()
	b.open(s.PAKNURL + "/")
	b.click(button(logout))
	b.waitFor(link(loginOIDC))
}

// paknMenu is the app menu's entry named title.
func paknMenu(title string) chromedp.Search {
	return chromedp.Search(`//nav[@aria-label="Chức năng"]//a[normalize-space()=` + xpathString(title) + `]`)
}

// paknConvertScreen walks the admin's way to "Chuyển đổi tài khoản":
// signed in at "Quản trị hệ thống", then the screen it lists.
func paknConvertScreen(b *browser, s started, admin platform.Persona) {
	b.t.Helper()
	paknSignIn(b, s, admin, "/ho-so", "vnconnect-login-admin")
	b.click(paknMenu("Quản trị hệ thống"))
	b.waitFor(heading("Quản trị hệ thống"))
	b.shot("pakn-system-admin")
	b.click(link("Chuyển đổi tài khoản"))
	b.waitFor(heading("Chuyển đổi tài khoản"))
	b.waitFor(chromedp.Search(`//nav[@aria-label="Chức năng"]//a[@aria-current="page" and normalize-space()="Quản trị hệ thống"]`))
}

// paknType replaces the text of the input with id.
func paknType(b *browser, id, text string) {
	b.t.Helper()
	b.do("type into "+id, chromedp.Clear(chromedp.ID(id)), chromedp.SendKeys(chromedp.ID(id), text))
}

// paknTypeArea types into the (empty) textarea with id.
func paknTypeArea(b *browser, id, text string) {
	b.t.Helper()
	b.do("type into "+id, chromedp.SendKeys(chromedp.ID(id), text))
}

// paknRowLink is the link named text in the table row showing title.
func paknRowLink(title, text string) chromedp.Search {
	return chromedp.Search("//tr[td[normalize-space()=" + xpathString(title) + "]]//a[normalize-space()=" + xpathString(text) + "]")
}

// paknRow is the table row showing title, in the table under the h2
// that starts with section.
func paknRow(section, title string) chromedp.Search {
	return chromedp.Search("//h2[starts-with(normalize-space(), " + xpathString(section) + ")]/following-sibling::table[1]//tr[td[normalize-space()=" +
		xpathString(title) + "]]")
}

// paknH2 is the h2 that starts with text.
func paknH2(text string) chromedp.Search {
	return chromedp.Search("//h2[starts-with(normalize-space(), " + xpathString(text) + ")]")
}

// paknCasesOf are the seeded cases an account handles.
func paknCasesOf(s started, owner string) []string {
	var out []string
	for _, c := range paknSeedCases(s.Pop) {
		if c.Owner == owner {
			out = append(out, c.Title)
		}
	}
	return out
}

// paknLegacyLogin signs in on "Đăng nhập bằng tên đăng nhập".
func paknLegacyLogin(b *browser, s started, username, password string) {
	b.t.Helper()
	b.open(s.PAKNURL + pakn.PathLegacyLogin)
	b.waitFor(heading("Đăng nhập bằng tên đăng nhập"))
	paknType(b, "ten_dang_nhap", username)
	paknType(b, "mat_khau", password)
	b.click(button("Đăng nhập"))
}

func TestBrowserPAKNFeedbackSubmitAndAnswer(t *testing.T) {
	s, b := paknStart(t)
	citizen, staff := s.Pop.Citizens[0], s.Pop.Incoming
	const title = "Đèn đường ngõ 12 bị hỏng nhiều ngày"
	const answer = "Sở đã chuyển đề nghị sửa đèn tới UBND xã, dự kiến xong trong tuần."

	// A citizen sends feedback to the department.
	paknSignIn(b, s, citizen, pakn.PathSubmit, "vnconnect-login-citizen")
	b.waitFor(heading("Gửi phản ánh, kiến nghị"))
	paknType(b, "tieu_de", title)
	paknTypeArea(b, "noi_dung", "Đèn đường trước nhà văn hóa thôn tắt từ tuần trước, buổi tối rất tối.")
	b.do("choose the unit", chromedp.SetValue(chromedp.ID("don_vi"), string(s.Pop.Department)))
	b.shot("pakn-submit-form")
	b.click(button("Gửi phản ánh"))
	b.waitFor(heading("Phản ánh của tôi"))
	b.see("Đã gửi phản ánh, kiến nghị", title, pakn.StateNew)
	b.shot("pakn-my-feedback-new")

	// A citizen is no processor: the staff screen refuses with the reason.
	b.click(link("Xử lý phản ánh"))
	b.waitFor(alert())
	b.see("chưa được thêm vào hệ thống PAKN")
	b.shot("pakn-process-refused")
	// Nor an admin: "Quản trị hệ thống" says so and lists nothing.
	b.click(paknMenu("Quản trị hệ thống"))
	b.waitFor(heading("Quản trị hệ thống"))
	b.waitFor(alert())
	b.see("Bạn không có quyền quản trị trên hệ thống Phản ánh, kiến nghị")
	b.dontSee("Quản trị người dùng", "Chuyển đổi tài khoản")
	b.shot("pakn-system-admin-refused")
	paknSignOut(b, s)

	// A processor of the department takes the case and answers it.
	paknSignIn(b, s, staff, pakn.PathProcess, "vnconnect-login-staff")
	b.waitFor(heading("Xử lý phản ánh"))
	b.waitFor(paknRow("Phản ánh chưa có người xử lý", title))
	b.shot("pakn-process-list")
	b.click(paknRowLink(title, "Xem"))
	b.waitFor(heading("Phản ánh số"))
	b.click(button("Nhận xử lý"))
	b.waitFor(button("Gửi trả lời"))
	b.see("Bạn đã nhận xử lý phản ánh này.", pakn.StateWorking)
	paknTypeArea(b, "tra_loi", answer)
	b.shot("pakn-answer-form")
	b.click(button("Gửi trả lời"))
	b.waitFor(heading("Xử lý phản ánh"))
	b.see("Đã gửi trả lời.")
	b.waitFor(paknRow("Phản ánh được giao cho tôi", title))
	b.shot("pakn-process-answered")
	paknSignOut(b, s)

	// The citizen reads the answer.
	paknSignIn(b, s, citizen, pakn.PathMine, "vnconnect-login-citizen-again")
	b.waitFor(heading("Phản ánh của tôi"))
	b.see(title, pakn.StateAnswered, answer)
	b.shot("pakn-my-feedback-answered")
}

func TestBrowserPAKNConvertLegacyAccount(t *testing.T) {
	s, b := paknStart(t)
	if len(s.Pop.Legacy) == 0 {
		t.Fatal("no legacy accounts seeded")
	}
	legacy, admin := s.Pop.Legacy[0], s.Pop.DeptAdmin
	cases := paknCasesOf(s, legacy.Username)
	if len(cases) == 0 {
		t.Fatalf("no seeded cases for %s", legacy.Username)
	}

	// Before: the username and password still log in, and show the cases.
	paknLegacyLogin(b, s, legacy.Username, legacy.Password)
	b.waitFor(paknH2("Phản ánh được giao cho tài khoản"))
	b.see("Đăng nhập thành công", cases[0])
	b.shot("pakn-legacy-login-before")

	// Quản trị hệ thống → Chuyển đổi tài khoản, as the department's admin.
	paknConvertScreen(b, s, admin)
	paknType(b, "tk", legacy.Username)
	b.click(button("Tra cứu tài khoản username/password"))
	b.waitFor(labelFor(legacy.Username))
	b.click(labelFor(legacy.Username))
	b.do("check the legacy account", checkedRadio("nguon", legacy.Username))

	// First a wrong target: the admin itself is in another user group.
	paknType(b, "q", admin.Name)
	b.click(button("Tra cứu tài khoản Vnconnect"))
	b.waitFor(labelFor(admin.Name))
	b.click(labelFor(admin.Name))
	b.do("check the wrong target", checkedRadio("den", admin.TechID))
	b.click(button("Chuyển đổi"))
	b.waitFor(alert())
	b.see("Hai tài khoản không cùng nhóm người dùng", "cùng đơn vị, nhóm người dùng")
	b.shot("pakn-convert-refused-group")
	b.click(link("Quay lại tra cứu"))

	// Then the heir. (The refusal's page has the same heading: wait for
	// the search form.)
	b.waitFor(button("Tra cứu tài khoản Vnconnect"))
	b.waitFor(heading("Chuyển đổi tài khoản"))
	b.do("the legacy account is still chosen", checkedRadio("nguon", legacy.Username))
	paknType(b, "q", legacy.Heir.Name)
	b.click(button("Tra cứu tài khoản Vnconnect"))
	b.waitFor(labelFor(legacy.Heir.Name))
	b.click(labelFor(legacy.Heir.Name))
	b.do("check the heir", checkedRadio("den", legacy.Heir.TechID))
	b.shot("pakn-convert-search")
	b.click(button("Chuyển đổi"))
	b.waitFor(button("Đồng ý"))
	b.see("Dữ liệu sẽ chuyển", "Phản ánh, kiến nghị được giao xử lý", "Cán bộ xử lý",
		"Bạn có đồng ý chuyển "+strconv.Itoa(len(cases))+" bản ghi")
	b.shot("pakn-convert-plan")
	b.click(button("Đồng ý"))
	b.waitFor(heading("Kết quả chuyển đổi tài khoản"))
	b.see("Đã chuyển đổi tài khoản.", "Hoàn thành", "Kiểm tra: dữ liệu chuyển đổi đầy đủ")
	b.shot("pakn-convert-result")
	paknSignOut(b, s)

	// After: the old password is refused.
	paknLegacyLogin(b, s, legacy.Username, legacy.Password)
	b.waitFor(alert())
	b.see("đã được chuyển đổi sang tài khoản Vnconnect", "Hãy đăng nhập bằng Vnconnect")
	b.dontSee("Đăng nhập thành công")
	b.shot("pakn-legacy-login-refused")

	// The heir signs in with Vnconnect and finds the cases.
	paknSignIn(b, s, legacy.Heir, pakn.PathProcess, "vnconnect-login-heir")
	b.waitFor(heading("Xử lý phản ánh"))
	for _, c := range cases {
		b.waitFor(paknRow("Phản ánh được giao cho tôi", c))
	}
	b.shot("pakn-heir-cases")
}

func TestBrowserPAKNConvertVnconnectToVnconnect(t *testing.T) {
	s, b := paknStart(t)
	out, in, admin := s.Pop.Outgoing, s.Pop.Incoming, s.Pop.DeptAdmin
	cases := paknCasesOf(s, out.TechID)
	if len(cases) == 0 {
		t.Fatal("no seeded cases for Outgoing")
	}

	paknConvertScreen(b, s, admin)
	b.click(link("Chuyển đổi từ tài khoản Vnconnect sang tài khoản Vnconnect khác"))
	b.waitFor(button("Tra cứu tài khoản Vnconnect cần chuyển đổi"))
	paknType(b, "tk", out.Name)
	b.click(button("Tra cứu tài khoản Vnconnect cần chuyển đổi"))
	b.waitFor(labelFor(out.Name))
	b.click(labelFor(out.Name))
	b.do("check Outgoing", checkedRadio("nguon", out.TechID))
	paknType(b, "q", in.Name)
	b.click(button("Tra cứu tài khoản Vnconnect"))
	b.waitFor(chromedp.Search("//input[@name='den']/following-sibling::label[starts-with(normalize-space(), " + xpathString(in.Name) + ")]"))
	b.click(chromedp.Search("//input[@name='den']/following-sibling::label[starts-with(normalize-space(), " + xpathString(in.Name) + ")]"))
	b.do("check Incoming", checkedRadio("den", in.TechID))
	b.shot("pakn-handover-search")
	b.click(button("Chuyển đổi"))
	b.waitFor(button("Đồng ý"))
	b.see("Tài khoản Vnconnect → tài khoản Vnconnect khác", "Bạn có đồng ý chuyển "+strconv.Itoa(len(cases))+" bản ghi")
	b.shot("pakn-handover-plan")
	b.click(button("Đồng ý"))
	b.waitFor(heading("Kết quả chuyển đổi tài khoản"))
	b.see("Hoàn thành", "Kiểm tra: dữ liệu chuyển đổi đầy đủ")
	b.shot("pakn-handover-result")
	paknSignOut(b, s)

	// Incoming has the cases; Outgoing is no longer on PAKN.
	paknSignIn(b, s, in, pakn.PathProcess, "vnconnect-login-incoming")
	b.waitFor(heading("Xử lý phản ánh"))
	for _, c := range cases {
		b.waitFor(paknRow("Phản ánh được giao cho tôi", c))
	}
	b.shot("pakn-incoming-cases")
	paknSignOut(b, s)

	paknSignIn(b, s, out, pakn.PathProcess, "vnconnect-login-outgoing")
	b.waitFor(alert())
	b.see("chưa được thêm vào hệ thống PAKN")
	if strings.Contains(b.text(), cases[0]) {
		t.Fatal("Outgoing still sees a case it handed over")
	}
	b.shot("pakn-outgoing-refused")
}

func TestBrowserPAKNSelfServiceLink(t *testing.T) {
	s, b := paknStart(t)
	if len(s.Pop.Legacy) < 2 {
		t.Fatal("fewer than two legacy accounts seeded")
	}
	legacy := s.Pop.Legacy[1]
	cases := paknCasesOf(s, legacy.Username)

	// The heir proves the old account once, with its password, on a page
	// in the app's frame: its header and menu, the entry marked current.
	paknSignIn(b, s, legacy.Heir, pakn.PathLink, "vnconnect-login-heir")
	b.waitFor(heading("Liên kết tài khoản cũ"))
	b.mustBeAt(s.PAKNURL + pakn.PathLink)
	b.waitFor(chromedp.Search(`//nav[@aria-label="Chức năng"]//a[@aria-current="page" and normalize-space()="Liên kết tài khoản cũ"]`))
	b.see(legacy.Heir.Name, "Xử lý phản ánh")
	b.shot("pakn-link-page")
	paknType(b, "username", legacy.Username)
	paknType(b, "password", "sai-mat-khau")
	b.click(button("Liên kết"))
	b.waitFor(alert())
	b.see("Tên đăng nhập hoặc mật khẩu không đúng")
	b.shot("pakn-link-wrong-password")
	paknType(b, "username", legacy.Username)
	paknType(b, "password", legacy.Password)
	b.click(button("Liên kết"))
	b.waitFor(heading("Xử lý phản ánh"))
	for _, c := range cases {
		b.waitFor(paknRow("Phản ánh được giao cho tôi", c))
	}
	b.shot("pakn-link-done-cases")

	// The password is spent.
	paknLegacyLogin(b, s, legacy.Username, legacy.Password)
	b.waitFor(alert())
	b.see("đã được chuyển đổi sang tài khoản Vnconnect")
}
