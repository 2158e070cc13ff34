package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

func TestRequireLoginBrowserVsAPI(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t)

	resp := b.get(t, e.base+"/ho-so/123?tab=2")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("browser: %d, want 303", resp.StatusCode)
	}
	want := "/auth/login?return_to=" + url.QueryEscape("/ho-so/123?tab=2")
	if got := resp.Header.Get("Location"); got != want {
		t.Fatalf("browser redirected to %q, want %q", got, want)
	}
	// Following it lands back on the page.
	if loc := e.login(b, "?return_to="+url.QueryEscape("/ho-so/123?tab=2")); loc != "/ho-so/123?tab=2" {
		t.Fatalf("landed on %q", loc)
	}

	anon := newBrowser(t)
	api := []struct {
		name   string
		method string
		hdr    []string
	}{
		{"json", http.MethodGet, []string{"Accept", "application/json"}},
		{"xhr", http.MethodGet, []string{"X-Requested-With", "XMLHttpRequest"}},
		{"fetch", http.MethodGet, []string{"Sec-Fetch-Mode", "cors"}},
		{"post", http.MethodPost, []string{"Accept", "text/html"}},
	}
	for _, c := range api {
		t.Run(c.name, func(t *testing.T) {
			var resp *http.Response
			if c.method == http.MethodPost {
				resp = anon.post(t, e.base+"/api/x", nil, c.hdr...)
			} else {
				resp = anon.get(t, e.base+"/api/x", c.hdr...)
			}
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", resp.StatusCode)
			}
			if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Vnconnect ") {
				t.Errorf("WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
			}
			if ct, s := resp.Header.Get("Content-Type"), body(t, resp); ct != "application/json" || strings.TrimSpace(s) != `{"error":"login_required"}` {
				t.Errorf("%s %q", ct, s)
			}
		})
	}
}

func TestRequireLoginBadRequestURI(t *testing.T) {
	e := newEnv(t)
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	req.RequestURI = "//evil.example/x" // what a raw request line could carry
	req.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	e.h.RequireLogin(http.NotFoundHandler()).ServeHTTP(rec, req)
	if got := rec.Header().Get("Location"); got != "/auth/login?return_to=%2F" {
		t.Fatalf("Location %q", got)
	}
}

func TestSessionFixation(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t)
	// An attacker plants a well-formed session cookie, then the victim
	// logs in: the planted value must not become the session.
	planted := strings.Repeat("A", 43)
	u, _ := url.Parse(e.base)
	b.jar.SetCookies(u, []*http.Cookie{{Name: e.sessionCookie(), Value: planted, Path: "/"}})
	e.login(b, "")
	if got := b.cookie(e.base, e.sessionCookie()); got == planted || got == "" {
		t.Fatalf("session cookie %q after login: want a fresh value", got)
	}
	attacker := newBrowser(t)
	attacker.jar.SetCookies(u, []*http.Cookie{{Name: e.sessionCookie(), Value: planted, Path: "/"}})
	if st, _ := e.whoami(attacker); st != http.StatusUnauthorized {
		t.Fatalf("planted cookie: %d, want 401", st)
	}

	// Logging in again rotates the ID and ends the previous session.
	before := b.cookie(e.base, e.sessionCookie())
	e.login(b, "")
	after := b.cookie(e.base, e.sessionCookie())
	if before == after {
		t.Fatal("second login kept the session ID")
	}
	old := newBrowser(t)
	old.jar.SetCookies(u, []*http.Cookie{{Name: e.sessionCookie(), Value: before, Path: "/"}})
	if st, _ := e.whoami(old); st != http.StatusUnauthorized {
		t.Fatalf("previous session still valid: %d", st)
	}
	if e.sessions.Len() != 1 {
		t.Fatalf("store holds %d sessions, want 1", e.sessions.Len())
	}
}

func TestTimeouts(t *testing.T) {
	e := newEnv(t, func(c *web.Config) {
		c.IdleTimeout, c.AbsoluteTimeout, c.TouchInterval = 10*time.Minute, time.Hour, time.Minute
	})
	b := newBrowser(t)
	e.login(b, "")

	// Activity every 9 minutes keeps it alive past several idle periods…
	for range 6 {
		e.clock.Advance(9 * time.Minute)
		if st, _ := e.whoami(b); st != http.StatusOK {
			t.Fatalf("active session ended at %v", e.clock.Now())
		}
	}
	// …until the absolute deadline.
	e.clock.Advance(7 * time.Minute) // 61 minutes after login
	if st, _ := e.whoami(b); st != http.StatusUnauthorized {
		t.Fatalf("past the absolute timeout: %d, want 401", st)
	}

	e.login(b, "")
	e.clock.Advance(10*time.Minute + time.Second)
	if st, _ := e.whoami(b); st != http.StatusUnauthorized {
		t.Fatalf("past the idle timeout: %d, want 401", st)
	}
}

func TestTouchInterval(t *testing.T) {
	// Requests within the touch interval do not write to the store.
	e := newEnv(t, func(c *web.Config) { c.TouchInterval = time.Minute })
	var saves int
	counting := &countingStore{SessionStore: e.sessions, saves: &saves}
	h, err := web.New(web.Config{Client: clientFor(t, e), BaseURL: e.base, Sessions: counting, Clock: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	e.login(b, "")
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range b.jar.Cookies(mustURL(e.base)) {
		req.AddCookie(c)
	}
	guard := h.RequireLogin(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for range 10 {
		e.clock.Advance(time.Second)
		guard.ServeHTTP(httptest.NewRecorder(), req)
	}
	if saves != 0 {
		t.Fatalf("%d saves within the touch interval, want 0", saves)
	}
	e.clock.Advance(time.Minute)
	guard.ServeHTTP(httptest.NewRecorder(), req)
	if saves != 1 {
		t.Fatalf("%d saves after the touch interval, want 1", saves)
	}
}

type countingStore struct {
	web.SessionStore
	saves *int
}

func (c *countingStore) Save(ctx context.Context, s *web.Session) error {
	*c.saves++
	return c.SessionStore.Save(ctx, s)
}

func clientFor(t *testing.T, e *env) *vnconnect.Client {
	t.Helper()
	reg := e.fake.Client()
	c, err := vnconnect.NewClient(vnconnect.Config{ClientID: reg.ID, ClientSecret: reg.Secret,
		RedirectURL: e.base + "/auth/callback", Endpoint: vnconnect.EndpointFor(e.fake.URL())})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// TestSecureCookies runs a login on an https BaseURL in process and checks
// the cookie attributes.
func TestSecureCookies(t *testing.T) {
	fake := vnconnecttest.NewServer(t)
	const base = "https://pakn.example.gov.vn"
	reg := fake.Client()
	reg.RedirectURIs = []string{base + "/auth/callback"}
	fake.RegisterClient(reg)
	client, err := vnconnect.NewClient(vnconnect.Config{ClientID: reg.ID, ClientSecret: reg.Secret,
		RedirectURL: base + "/auth/callback", Endpoint: vnconnect.EndpointFor(fake.URL())})
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Config{Client: client, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, base+"/auth/login", nil))
	binding := findCookie(t, rec.Result().Cookies(), web.LoginCookieName)
	checkCookie(t, binding)
	cb, err := fake.Login(context.Background(), rec.Header().Get("Location"), vnconnecttest.CitizenTechID)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, cb.String(), nil)
	req.AddCookie(binding)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("callback: %d\n%s", rec.Code, rec.Body)
	}
	sess := findCookie(t, rec.Result().Cookies(), web.SessionCookieName)
	checkCookie(t, sess)
	if sess.MaxAge != 0 || !sess.Expires.IsZero() {
		t.Errorf("session cookie persists: MaxAge %d Expires %v", sess.MaxAge, sess.Expires)
	}
}

func findCookie(t *testing.T, cs []*http.Cookie, name string) *http.Cookie {
	t.Helper()
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no cookie %s in %v", name, cs)
	return nil
}

func checkCookie(t *testing.T, c *http.Cookie) {
	t.Helper()
	if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
		t.Errorf("cookie %s: Secure=%v HttpOnly=%v SameSite=%v Path=%q Domain=%q", c.Name, c.Secure, c.HttpOnly, c.SameSite, c.Path, c.Domain)
	}
}

func TestDevCookies(t *testing.T) {
	e := newEnv(t)
	resp := newBrowser(t).get(t, e.base+"/auth/login")
	c := findCookie(t, resp.Cookies(), e.loginCookie())
	if c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("dev cookie: Secure=%v HttpOnly=%v SameSite=%v", c.Secure, c.HttpOnly, c.SameSite)
	}
}

func TestNewConfig(t *testing.T) {
	client := mustClient(t)
	bad := map[string]web.Config{
		"zero":            {},
		"no base":         {Client: client},
		"http public":     {Client: client, BaseURL: "http://pakn.example.gov.vn"},
		"relative base":   {Client: client, BaseURL: "/app"},
		"query":           {Client: client, BaseURL: "https://a.example/?x=1"},
		"bad path":        {Client: client, BaseURL: "https://a.example", Paths: web.Paths{Login: "login"}},
		"evil afterlogin": {Client: client, BaseURL: "https://a.example", AfterLogin: "//evil"},
		"negative":        {Client: client, BaseURL: "https://a.example", IdleTimeout: -1},
	}
	for name, cfg := range bad {
		if _, err := web.New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
	for _, base := range []string{"https://a.example", "http://127.0.0.1:8080", "http://localhost:3000", "http://[::1]:80"} {
		if _, err := web.New(web.Config{Client: client, BaseURL: base}); err != nil {
			t.Errorf("%s: %v", base, err)
		}
	}
}

func mustClient(t testing.TB) *vnconnect.Client {
	t.Helper()
	c, err := vnconnect.NewClient(vnconnect.Config{ClientID: "rp", RedirectURL: "https://a.example/auth/callback", Endpoint: vnconnect.Staging})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Two apps on one loopback host (the demo's portal and PAKN) must not share
// a cookie name: browsers ignore the port, so one app's login would
// overwrite the other's session.
func TestDevCookiesCarryThePort(t *testing.T) {
	a, b := newEnv(t), newEnv(t)
	as, al := a.h.CookieNames()
	bs, bl := b.h.CookieNames()
	if as == bs || al == bl {
		t.Fatalf("two apps on one host share cookie names: %s/%s vs %s/%s", as, al, bs, bl)
	}
	u, _ := url.Parse(a.base)
	if want := web.DevSessionCookieName + "-" + u.Port(); as != want {
		t.Errorf("session cookie %q, want %q", as, want)
	}
}

// A back-channel logout that lands between a request's Load and its idle
// refresh must not be undone by the refresh (the session must stay gone,
// and the request is treated as logged out).
func TestRefreshDoesNotUndoConcurrentLogout(t *testing.T) {
	e := newEnv(t, func(c *web.Config) { c.TouchInterval = time.Minute })
	racing := &logoutAfterLoad{MemorySessionStore: e.sessions}
	h, err := web.New(web.Config{Client: clientFor(t, e), BaseURL: e.base, Sessions: racing, Clock: e.clock.Now, TouchInterval: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	e.login(b, "")
	if e.sessions.Len() != 1 {
		t.Fatalf("%d sessions after login, want 1", e.sessions.Len())
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept", "application/json")
	for _, c := range b.jar.Cookies(mustURL(e.base)) {
		req.AddCookie(c)
	}
	e.clock.Advance(2 * time.Minute) // past the touch interval: this request refreshes
	racing.armed = true
	reached := false
	rec := httptest.NewRecorder()
	h.RequireLogin(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true })).ServeHTTP(rec, req)
	if reached || rec.Code != http.StatusUnauthorized {
		t.Fatalf("request after a concurrent logout: reached=%v status %d", reached, rec.Code)
	}
	if n := e.sessions.Len(); n != 0 {
		t.Fatalf("the refresh brought the logged-out session back (%d sessions)", n)
	}
}

// logoutAfterLoad deletes every session of the loaded one's sid right after
// Load returns it, as a back-channel logout on another replica would.
type logoutAfterLoad struct {
	*web.MemorySessionStore
	armed bool
}

func (l *logoutAfterLoad) Load(ctx context.Context, id string) (*web.Session, error) {
	s, err := l.MemorySessionStore.Load(ctx, id)
	if l.armed && s != nil {
		_, _ = l.MemorySessionStore.DeleteBySID(ctx, s.Issuer, s.SID)
	}
	return s, err
}
