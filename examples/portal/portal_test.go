package main

import (
	"bytes"
	"context"
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
// does, on free loopback ports, and stops it when the test ends.
func startPortal(t *testing.T) (started, *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	readyc := make(chan started, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-vnconnect-addr", "127.0.0.1:0"}, out, func(s started) { readyc <- s })
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
	return &http.Client{Jar: jar, Timeout: 20 * time.Second}
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
func loginAs(t *testing.T, s started, c *http.Client, techID, action string) (*http.Response, string) {
	t.Helper()
	resp, page := get(t, c, s.PortalURL+"/login")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Chọn tài khoản thử nghiệm") {
		t.Fatalf("login page: status %d\n%s", resp.StatusCode, page)
	}
	if !strings.HasPrefix(resp.Request.URL.String(), s.VnconnectURL+"/oauth2/authorize") {
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

func TestPortalLoginShowsVerifiedIdentityAndLogoutEndsBoth(t *testing.T) {
	s, out := startPortal(t)
	if !strings.Contains(out.String(), s.PortalURL+"/") {
		t.Errorf("banner does not print the portal URL:\n%s", out)
	}
	acct := s.Fake.Accounts()[0]
	c := newBrowser(t)

	_, home := get(t, c, s.PortalURL+"/")
	if !strings.Contains(home, "Đăng nhập bằng Vnconnect") {
		t.Fatalf("home page has no login button:\n%s", home)
	}

	resp, page := loginAs(t, s, c, acct.TechID, "login")
	if resp.StatusCode != http.StatusOK || resp.Request.URL.String() != s.PortalURL+"/" {
		t.Fatalf("after login: status %d at %s\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	for _, want := range []string{"Đăng nhập thành công.", acct.FullName, acct.TechID, acct.SoDinhDanh, "Đăng xuất"} {
		if !strings.Contains(page, want) {
			t.Errorf("identity page lacks %q", want)
		}
	}
	if strings.Contains(page, "Thông tin chưa hợp lệ") {
		t.Errorf("seeded account reported with problems:\n%s", page)
	}

	// A logout without the CSRF token is refused and keeps the session.
	resp, err := c.PostForm(s.PortalURL+"/logout", url.Values{"csrf": {"forged"}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("forged logout: status %d\n%s", resp.StatusCode, body)
	}

	resp, err = c.PostForm(s.PortalURL+"/logout", url.Values{"csrf": {formField(t, page, "csrf")}})
	if err != nil {
		t.Fatal(err)
	}
	page = readBody(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Bạn đã đăng xuất") {
		t.Fatalf("after logout: status %d at %s\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	if !strings.Contains(page, "Đăng nhập bằng Vnconnect") || strings.Contains(page, acct.TechID) {
		t.Fatalf("portal still shows the identity after logout:\n%s", page)
	}
	// Vnconnect's side ended too: the ID token hint now belongs to no session,
	// so logging in again shows the login page rather than signing in silently.
	resp, page = get(t, c, s.PortalURL+"/login")
	if !strings.Contains(page, "Chọn tài khoản thử nghiệm") {
		t.Fatalf("second login did not ask again: %s\n%s", resp.Request.URL, page)
	}
}

func TestPortalCancelledLoginShowsClearError(t *testing.T) {
	s, _ := startPortal(t)
	c := newBrowser(t)
	resp, page := loginAs(t, s, c, "", "cancel")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "Bạn đã hủy đăng nhập.") {
		t.Fatalf("cancel: status %d\n%s", resp.StatusCode, page)
	}
}

func TestPortalCallbackWithoutPendingLoginRefused(t *testing.T) {
	s, _ := startPortal(t)
	c := newBrowser(t)
	// A code injected into another browser's callback must not log it in.
	resp, page := get(t, c, s.PortalURL+"/callback?code=stolen&state=guess")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "role=\"alert\"") {
		t.Fatalf("status %d\n%s", resp.StatusCode, page)
	}
}

func TestPortalCallbackWrongStateRefused(t *testing.T) {
	s, _ := startPortal(t)
	c := newBrowser(t)
	// Start a login (pending request in this browser's session), then come
	// back with a state that is not the one sent.
	if resp, _ := get(t, c, s.PortalURL+"/login"); resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	resp, page := get(t, c, s.PortalURL+"/callback?code=x&state=not-the-state")
	if resp.StatusCode != http.StatusBadRequest || strings.Contains(page, "Xin chào") {
		t.Fatalf("status %d\n%s", resp.StatusCode, page)
	}
}
