package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// clock is real time plus an offset the test advances: the fake mints
// tokens on real time, so a frozen handler clock would see them as issued
// in the future.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func newClock() *clock { return &clock{} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// env is an app using web against the fake Vnconnect.
type env struct {
	t        *testing.T
	fake     *vnconnecttest.Server
	h        *web.Handler
	app      *httptest.Server
	base     string
	clock    *clock
	sessions *web.MemorySessionStore
}

// sessionCookie and loginCookie are the Handler's dev cookie names (they
// carry the app's port).
func (e *env) sessionCookie() string { s, _ := e.h.CookieNames(); return s }
func (e *env) loginCookie() string   { _, l := e.h.CookieNames(); return l }

// newEnv serves an app on loopback http: / and /api/ behind RequireLogin,
// /auth/ the handler, /form a CSRF-protected POST.
func newEnv(t *testing.T, tweak ...func(*web.Config)) *env {
	t.Helper()
	fake := vnconnecttest.NewServer(t)
	app := httptest.NewUnstartedServer(nil)
	base := "http://" + app.Listener.Addr().String()
	reg := fake.Client()
	reg.BackchannelLogoutURI = base + "/auth/backchannel-logout"
	fake.RegisterClient(reg)
	client, err := vnconnect.NewClient(vnconnect.Config{
		ClientID: reg.ID, ClientSecret: reg.Secret, RedirectURL: base + "/auth/callback",
		Endpoint: vnconnect.EndpointFor(fake.URL()), LoA: "LoA2",
	})
	if err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	sessions := web.NewMemorySessionStore(web.MemoryOptions{Clock: clk.Now})
	cfg := web.Config{Client: client, BaseURL: base, Sessions: sessions, Clock: clk.Now,
		Logger: slog.New(slog.NewTextHandler(tlogWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	for _, f := range tweak {
		f(&cfg)
	}
	h, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/", h)
	mux.Handle("/", h.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := web.IdentityFrom(r.Context())
		if !ok {
			t.Error("RequireLogin passed a request without identity")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"name": id.FullName, "techID": id.TechID, "uri": r.RequestURI})
	})))
	mux.Handle("POST /form", h.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.VerifyCSRF(r); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})))
	app.Config.Handler = mux
	app.Start()
	t.Cleanup(app.Close)
	return &env{t: t, fake: fake, h: h, app: app, base: base, clock: clk, sessions: sessions}
}

// browser is a cookie jar that does not follow redirects.
type browser struct {
	*http.Client
	jar *cookiejar.Jar
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{Client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, jar: jar}
}

func (b *browser) get(t *testing.T, u string, hdr ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := b.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (b *browser) post(t *testing.T, u string, form url.Values, hdr ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := b.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (b *browser) cookie(base, name string) string {
	u, _ := url.Parse(base)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// startLogin GETs the login route and returns the authorization URL.
func (e *env) startLogin(b *browser, query string) string {
	e.t.Helper()
	resp := b.get(e.t, e.base+"/auth/login"+query)
	if resp.StatusCode != http.StatusFound {
		e.t.Fatalf("login: status %d, want 302", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, e.fake.URL()) {
		e.t.Fatalf("login redirects to %q, want the fake", loc)
	}
	return loc
}

// idpLogin logs in at the fake and returns the callback URL.
func (e *env) idpLogin(authURL, techID string) string {
	e.t.Helper()
	cb, err := e.fake.Login(context.Background(), authURL, techID)
	if err != nil {
		e.t.Fatal(err)
	}
	return cb.String()
}

// login runs a whole login and returns where the callback sent the browser.
func (e *env) login(b *browser, query string) string {
	e.t.Helper()
	resp := b.get(e.t, e.idpLogin(e.startLogin(b, query), vnconnecttest.CitizenTechID))
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("callback: status %d, want 303", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

func (e *env) whoami(b *browser) (int, map[string]string) {
	e.t.Helper()
	resp := b.get(e.t, e.base+"/me", "Accept", "application/json")
	var m map[string]string
	if resp.StatusCode == http.StatusOK {
		_ = json.NewDecoder(resp.Body).Decode(&m)
	}
	return resp.StatusCode, m
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return sb.String()
}

// tlogWriter sends the handler's log to the test log.
type tlogWriter struct{ t *testing.T }

func (w tlogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
