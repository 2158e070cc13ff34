package main

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// startPortal runs the shipped example exactly as `go run ./examples/portal`
// does (plus any extra flags), on free loopback ports, and stops it when
// the test ends.
func startPortal(t *testing.T, extra ...string) (started, *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	readyc := make(chan started, 1)
	done := make(chan error, 1)
	go func() {
		args := append([]string{"-addr", "127.0.0.1:0", "-pakn-addr", "127.0.0.1:0", "-csdl-addr", "127.0.0.1:0", "-vnconnect-addr", "127.0.0.1:0"}, extra...)
		done <- run(ctx, args, out, func(s started) { readyc <- s })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	select {
	case s := <-readyc:
		return s, &out.buf
	case err := <-done:
		t.Fatalf("portal did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("portal did not start in 30s")
	}
	panic("unreachable")
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func newBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 20 * time.Second, Transport: browserTransport{}}
}

// browserTransport sends what a browser's navigation sends, so that
// RequireLogin redirects to login instead of answering 401 JSON.
type browserTransport struct{}

func (browserTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "text/html,application/xhtml+xml")
	}
	return http.DefaultTransport.RoundTrip(r)
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return resp, readBody(t, resp)
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	reHidden = regexp.MustCompile(`name="(sessionDataKey|csrf)" value="([^"]+)"`)
	reAction = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
)

func formField(t *testing.T, page, name string) string {
	t.Helper()
	for _, m := range reHidden.FindAllStringSubmatch(page, -1) {
		if m[1] == name {
			return m[2]
		}
	}
	t.Fatalf("no %s field in page:\n%s", name, page)
	return ""
}

// loginAs walks the browser flow: the portal's button, the dev login page,
// the account choice, back to the portal. It returns the portal's page.
func loginAs(t *testing.T, s started, c *http.Client, loginURL, techID, action string) (*http.Response, string) {
	t.Helper()
	resp, page := get(t, c, loginURL)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Chọn tài khoản thử nghiệm") {
		t.Fatalf("login page: status %d\n%s", resp.StatusCode, page)
	}
	if !strings.HasPrefix(resp.Request.URL.String(), s.VnconnectURL+"/") {
		t.Fatalf("login did not go to the dev Vnconnect: %s", resp.Request.URL)
	}
	m := reAction.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no form on login page")
	}
	target, err := resp.Request.URL.Parse(m[1])
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"sessionDataKey": {formField(t, page, "sessionDataKey")}, "techid": {techID}, "action": {action}}
	resp, err = c.PostForm(target.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	return resp, readBody(t, resp)
}

func TestPortalLoginSingleSignOnAndSingleLogout(t *testing.T) {
	s, out := startPortal(t)
	checkLoginSSOAndLogout(t, s, out)
}

// checkLoginSSOAndLogout is the OIDC walk-through: login on the portal, SSO
// into PAKN, a refused forged logout, single logout from PAKN.
func checkLoginSSOAndLogout(t *testing.T, s started, out *bytes.Buffer) {
	t.Helper()
	for _, u := range []string{s.PortalURL + "/", s.PAKNURL + "/", s.CSDLURL + "/"} {
		if !strings.Contains(out.String(), u) {
			t.Errorf("banner does not print %s:\n%s", u, out)
		}
	}
	acct := s.Fake.Accounts()[0]
	c := newBrowser(t)

	_, home := get(t, c, s.PortalURL+"/")
	if !strings.Contains(home, "Đăng nhập bằng Vnconnect") {
		t.Fatalf("home page has no login button:\n%s", home)
	}

	// Log in on the portal through the dev login page.
	resp, page := loginAs(t, s, c, s.PortalURL+"/auth/login?return_to=%2Fho-so", acct.TechID, "login")
	if resp.StatusCode != http.StatusOK || resp.Request.URL.String() != s.PortalURL+"/ho-so" {
		t.Fatalf("after login: status %d at %s\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	for _, want := range []string{acct.FullName, acct.TechID, acct.SoDinhDanh, "Đăng xuất"} {
		if !strings.Contains(page, want) {
			t.Errorf("profile page lacks %q", want)
		}
	}
	if strings.Contains(page, "Thông tin chưa hợp lệ") {
		t.Errorf("seeded account reported with problems:\n%s", page)
	}

	// Single sign-on: the PAKN app's protected page signs the same person
	// in without showing the login page again.
	resp, page = get(t, c, s.PAKNURL+"/ho-so")
	if resp.StatusCode != http.StatusOK || resp.Request.URL.String() != s.PAKNURL+"/ho-so" || !strings.Contains(page, acct.TechID) {
		t.Fatalf("SSO into PAKN: status %d at %s\n%s", resp.StatusCode, resp.Request.URL, page)
	}

	// And into the CSDL app.
	if resp, csdl := get(t, c, s.CSDLURL+"/ho-so"); resp.StatusCode != http.StatusOK || resp.Request.URL.String() != s.CSDLURL+"/ho-so" || !strings.Contains(csdl, acct.TechID) {
		t.Fatalf("SSO into CSDL: status %d at %s\n%s", resp.StatusCode, resp.Request.URL, csdl)
	}

	// Signing in to PAKN left the portal's own session alone (both apps
	// are on one loopback host, and cookies ignore the port).
	if _, home := get(t, c, s.PortalURL+"/"); !strings.Contains(home, "Xin chào") {
		t.Fatalf("portal session lost after SSO into PAKN:\n%s", home)
	}

	// A logout without the CSRF token is refused and keeps the session.
	resp, err := c.PostForm(s.PAKNURL+"/auth/logout", url.Values{"csrf": {"forged"}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("forged logout: status %d\n%s", resp.StatusCode, body)
	}

	// Single logout from PAKN: Vnconnect ends its session and tells the
	// portal over the back channel, so both apps are logged out.
	resp, err = c.PostForm(s.PAKNURL+"/auth/logout", url.Values{"csrf": {formField(t, page, "csrf")}})
	if err != nil {
		t.Fatal(err)
	}
	page = readBody(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.String(), s.PAKNURL+"/") {
		t.Fatalf("after logout: status %d at %s\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	for _, u := range []string{s.PAKNURL + "/", s.PortalURL + "/", s.CSDLURL + "/"} {
		_, page = get(t, c, u)
		if !strings.Contains(page, "Đăng nhập bằng Vnconnect") || strings.Contains(page, acct.TechID) {
			t.Fatalf("%s still shows the identity after single logout:\n%s", u, page)
		}
	}
	// Vnconnect's SSO session ended too: logging in again asks again.
	resp, page = get(t, c, s.PortalURL+"/auth/login")
	if !strings.Contains(page, "Chọn tài khoản thử nghiệm") {
		t.Fatalf("login after logout did not show the login page: %s\n%s", resp.Request.URL, page)
	}
}

func TestPortalCancelledLoginShowsClearError(t *testing.T) {
	s, _ := startPortal(t)
	c := newBrowser(t)
	resp, page := loginAs(t, s, c, s.PortalURL+"/auth/login", "", "cancel")
	if resp.StatusCode < 400 || !strings.Contains(page, "role=\"alert\"") {
		t.Fatalf("cancel: status %d\n%s", resp.StatusCode, page)
	}
}

func TestPortalProfileRequiresLogin(t *testing.T) {
	s, _ := startPortal(t)
	c := newBrowser(t)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ := http.NewRequest(http.MethodGet, s.PAKNURL+"/ho-so", nil)
	req.Header.Set("Accept", "text/html")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/auth/login?return_to=") {
		t.Fatalf("anonymous profile: status %d, Location %q", resp.StatusCode, loc)
	}
}

func TestPortalCallbackWithoutPendingLoginRefused(t *testing.T) {
	s, _ := startPortal(t)
	c := newBrowser(t)
	// A code injected into another browser's callback must not log it in.
	resp, page := get(t, c, s.PortalURL+"/auth/callback?code=stolen&state=guess")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "role=\"alert\"") {
		t.Fatalf("status %d\n%s", resp.StatusCode, page)
	}
}

var reHiddenAny = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// submitAutoPostForm does what the browser's script does with an HTTP-POST
// binding page: post its hidden fields to its action.
func submitAutoPostForm(t *testing.T, c *http.Client, base *url.URL, page string) (*http.Response, string) {
	t.Helper()
	m := reAction.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no auto-post form:\n%s", page)
	}
	target, err := base.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{}
	for _, f := range reHiddenAny.FindAllStringSubmatch(page, -1) {
		form.Add(f[1], html.UnescapeString(f[2]))
	}
	resp, err := c.PostForm(target.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	return resp, readBody(t, resp)
}

func TestPortalSAMLLoginThenSSOIntoOIDCAppAndSingleLogout(t *testing.T) {
	s, _ := startPortal(t)
	checkSAMLLoginSSOAndLogout(t, s)
}

// checkSAMLLoginSSOAndLogout is the SAML walk-through: SAML login on the
// portal, SSO into the OIDC app, SP-initiated single logout.
func checkSAMLLoginSSOAndLogout(t *testing.T, s started) {
	t.Helper()
	acct := s.Fake.Accounts()[1]
	c := newBrowser(t)

	_, home := get(t, c, s.PortalURL+"/")
	if !strings.Contains(home, "Đăng nhập bằng Vnconnect (SAML 2.0)") {
		t.Fatalf("portal offers no SAML login:\n%s", home)
	}
	// SAML login: the dev login page, then the IdP's auto-post form to the ACS.
	resp, page := loginAs(t, s, c, s.PortalURL+"/saml/login?return_to=%2Fho-so", acct.TechID, "login")
	if !strings.Contains(page, "SAMLResponse") {
		t.Fatalf("no SAMLResponse form after login: status %d\n%s", resp.StatusCode, page)
	}
	resp, page = submitAutoPostForm(t, c, resp.Request.URL, page)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.String() != s.PortalURL+"/ho-so" || !strings.Contains(page, acct.TechID) {
		t.Fatalf("after SAML ACS: status %d at %s\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	_, home = get(t, c, s.PortalURL+"/")
	if !strings.Contains(home, "(SAML 2.0)") || !strings.Contains(home, "Xin chào") {
		t.Fatalf("home does not show a SAML session:\n%s", home)
	}

	// The same browser session at Vnconnect signs the person in to the
	// OIDC app without a login page.
	resp, paknPage := get(t, c, s.PAKNURL+"/ho-so")
	if resp.Request.URL.String() != s.PAKNURL+"/ho-so" || !strings.Contains(paknPage, acct.TechID) {
		t.Fatalf("SSO from SAML into OIDC app: status %d at %s\n%s", resp.StatusCode, resp.Request.URL, paknPage)
	}

	// Logout on the portal (SP-initiated SAML SLO) ends Vnconnect's session,
	// which logs the OIDC app out over the back channel.
	resp, err := c.PostForm(s.PortalURL+"/auth/logout", url.Values{"csrf": {formField(t, page, "csrf")}})
	if err != nil {
		t.Fatal(err)
	}
	page = readBody(t, resp)
	for i := 0; i < 3 && strings.Contains(page, `method="post"`) && strings.Contains(page, "SAML"); i++ {
		resp, page = submitAutoPostForm(t, c, resp.Request.URL, page)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after SAML logout: status %d at %s\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	for _, u := range []string{s.PortalURL + "/", s.PAKNURL + "/"} {
		_, page = get(t, c, u)
		if strings.Contains(page, acct.TechID) || strings.Contains(page, "Xin chào") {
			t.Fatalf("%s still logged in after SAML single logout:\n%s", u, page)
		}
	}
}

// TestPortalBannerNamesWhoToLogInAs checks the banner a newcomer reads:
// every walk-through login, the legacy credentials, and that each of
// those people is an account of the dev Vnconnect; then one of them, the
// province admin, opens the console's user list.
func TestPortalBannerNamesWhoToLogInAs(t *testing.T) {
	s, out := startPortal(t)
	banner, pop := out.String(), s.Pop
	people := []struct{ name, techID string }{
		{pop.Operator.Name, pop.Operator.TechID}, {pop.MinistryAdmin.Name, pop.MinistryAdmin.TechID},
		{pop.ProvinceAdmin.Name, pop.ProvinceAdmin.TechID}, {pop.DeptAdmin.Name, pop.DeptAdmin.TechID},
		{pop.CommuneAdmin.Name, pop.CommuneAdmin.TechID}, {pop.NewStaff[0].Name, pop.NewStaff[0].TechID},
		{pop.Citizens[0].Name, pop.Citizens[0].TechID}, {pop.Outgoing.Name, pop.Outgoing.TechID},
		{pop.Incoming.Name, pop.Incoming.TechID}, {pop.Unregistered().Name, pop.Unregistered().TechID},
	}
	for _, l := range pop.Legacy {
		people = append(people, struct{ name, techID string }{l.Heir.Name, l.Heir.TechID})
		if !strings.Contains(banner, l.Username) || !strings.Contains(banner, l.Password) {
			t.Errorf("banner lacks legacy account %s and its password", l.Username)
		}
	}
	known := map[string]bool{}
	for _, a := range s.Fake.Accounts() {
		known[a.TechID] = true
	}
	for _, p := range people {
		if !strings.Contains(banner, p.name) || !strings.Contains(banner, p.techID) {
			t.Errorf("banner lacks %s (%s)", p.name, p.techID)
		}
		if !known[p.techID] {
			t.Errorf("%s is not an account of the dev Vnconnect", p.name)
		}
	}
	for _, want := range []string{"Walk-through:", "Admin của Tỉnh/thành phố", "not registered yet", "data: SQLite"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("banner:\n%s", banner)
	}

	c := newBrowser(t)
	resp, page := loginAs(t, s, c, s.PortalURL+"/auth/login?return_to=%2Fquan-tri%2Fnguoi-dung", pop.ProvinceAdmin.TechID, "login")
	if resp.StatusCode != http.StatusOK || resp.Request.URL.String() != s.PortalURL+"/quan-tri/nguoi-dung" {
		t.Fatalf("province admin's user list: status %d at %s\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	if !strings.Contains(page, "Quản lý người dùng") || !strings.Contains(page, pop.DeptAdmin.Name) {
		t.Errorf("the province admin's user list does not list the department admin %s:\n%s", pop.DeptAdmin.Name, page)
	}
}
