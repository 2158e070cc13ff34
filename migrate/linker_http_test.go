package migrate_test

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// The vnconnect/web handler is a ready CSRFGuard.
var _ migrate.CSRFGuard = (*web.Handler)(nil)

const linkToken = "csrf-token-of-the-session"

// testCSRF checks like web.Handler.VerifyCSRF: the header, else the body's
// field (never the query), in constant time.
type testCSRF struct{ token string }

func (g testCSRF) CSRFToken(*http.Request) string { return g.token }

func (g testCSRF) VerifyCSRF(r *http.Request) error {
	got := r.Header.Get(web.CSRFHeader)
	if got == "" {
		got = r.PostFormValue(web.CSRFField)
	}
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(g.token)) != 1 {
		return web.ErrCSRF
	}
	return nil
}

type linkHTTP struct {
	*linkFixture
	h *migrate.LinkHandler
}

func newLinkHTTP(t *testing.T, users migrate.Limiter, tweak ...func(*migrate.LinkHandlerConfig)) *linkHTTP {
	t.Helper()
	lf := newLinkFixture(t, newSQLiteBackend(t), users, nil)
	cfg := migrate.LinkHandlerConfig{
		Linker:   lf.link,
		Identity: func(*http.Request) (*vnconnect.Identity, bool) { return lf.me(), true },
		CSRF:     testCSRF{token: linkToken},
		Done:     "/ho-so?linked=1",
	}
	for _, f := range tweak {
		f(&cfg)
	}
	h, err := migrate.NewLinkHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &linkHTTP{linkFixture: lf, h: h}
}

// post sends a url-encoded form to /lien-ket (plus query, if any).
func (lh *linkHTTP) post(form url.Values, query string, hdr ...string) *httptest.ResponseRecorder {
	target := "/lien-ket"
	if query != "" {
		target += "?" + query
	}
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	lh.h.ServeHTTP(w, r)
	return w
}

func creds(user, pw string) url.Values {
	return url.Values{"username": {user}, "password": {pw}, web.CSRFField: {linkToken}}
}

// conversions counts finished conversions in the journal.
func (lh *linkHTTP) conversions(t *testing.T) int {
	t.Helper()
	var n int
	if err := lh.b.db.QueryRow(`SELECT COUNT(*) FROM rpkit_conversions WHERE state = ?`, string(migrate.StateDone)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// untouched asserts nothing was looked up, hashed or converted.
func (lh *linkHTTP) untouched(t *testing.T) {
	t.Helper()
	if lh.lookups.count() != 0 || len(lh.bcrypt.take()) != 0 {
		t.Error("the request reached the legacy accounts or the hasher")
	}
	lh.assertLegacy("nguyenvana", pakn, false, "")
	if n := lh.conversions(t); n != 0 {
		t.Errorf("%d conversions", n)
	}
}

func assertNoStore(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
}

// TestLinkerHTTPForm: GET shows the Vietnamese form with the CSRF token
// posting back to its own path; credentials in the query are ignored.
func TestLinkerHTTPForm(t *testing.T) {
	lh := newLinkHTTP(t, nil)
	for _, target := range []string{"/lien-ket", "/lien-ket?username=nguyenvana&password=matkhau-cu&csrf=" + linkToken} {
		w := httptest.NewRecorder()
		lh.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, w.Code, body)
		}
		assertNoStore(t, w)
		for _, want := range []string{"Liên kết tài khoản cũ", "Tên đăng nhập", "Mật khẩu", ">Liên kết</button>",
			`method="post"`, `action="/lien-ket"`, `name="csrf" value="` + linkToken + `"`, `type="password"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: page lacks %q", target, want)
			}
		}
		if strings.Contains(body, "matkhau-cu") || strings.Contains(body, "nguyenvana") {
			t.Errorf("%s: the page echoes the query's credentials", target)
		}
		if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
	}
	lh.untouched(t)
}

// TestLinkerHTTPMethods: only GET, HEAD and POST.
func TestLinkerHTTPMethods(t *testing.T) {
	lh := newLinkHTTP(t, nil)
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch, "OPTIONS"} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(m, "/lien-ket", strings.NewReader(creds("nguyenvana", "matkhau-cu").Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		lh.h.ServeHTTP(w, r)
		if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD, POST" {
			t.Errorf("%s: %d Allow %q", m, w.Code, w.Header().Get("Allow"))
		}
	}
	lh.untouched(t)
}

// TestLinkerHTTPCSRF: no token, a wrong one, or one only in the query:
// refused before anything is looked up.
func TestLinkerHTTPCSRF(t *testing.T) {
	lh := newLinkHTTP(t, nil)
	noToken := url.Values{"username": {"nguyenvana"}, "password": {"matkhau-cu"}}
	wrong := creds("nguyenvana", "matkhau-cu")
	wrong.Set(web.CSRFField, linkToken+"x")
	for name, w := range map[string]*httptest.ResponseRecorder{
		"missing":       lh.post(noToken, ""),
		"wrong":         lh.post(wrong, ""),
		"empty":         lh.post(url.Values{"username": {"nguyenvana"}, "password": {"matkhau-cu"}, web.CSRFField: {""}}, ""),
		"in the query":  lh.post(noToken, "csrf="+linkToken),
		"wrong header":  lh.post(noToken, "", web.CSRFHeader, "nope"),
		"repeated":      lh.post(url.Values{"username": {"nguyenvana"}, "password": {"matkhau-cu"}, web.CSRFField: {"x", linkToken}}, ""),
		"repeated user": lh.post(url.Values{"username": {"a", "nguyenvana"}, "password": {"matkhau-cu"}, web.CSRFField: {linkToken}}, ""),
	} {
		if w.Code != http.StatusForbidden && w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d", name, w.Code)
		}
		assertNoStore(t, w)
	}
	lh.untouched(t)
	// The header alone is accepted (scripts).
	if w := lh.post(noToken, "", web.CSRFHeader, linkToken); w.Code != http.StatusSeeOther {
		t.Errorf("token in the header: %d %s", w.Code, w.Body)
	}
}

// TestLinkerHTTPQueryCredentials: credentials in a POST's query string are
// never used — only the body counts.
func TestLinkerHTTPQueryCredentials(t *testing.T) {
	lh := newLinkHTTP(t, nil)
	w := lh.post(url.Values{web.CSRFField: {linkToken}}, "username=nguyenvana&password=matkhau-cu")
	if w.Code != http.StatusBadRequest {
		t.Errorf("%d", w.Code)
	}
	lh.untouched(t)
}

// TestLinkerHTTPBody: an oversized body is refused with 413, a
// non-url-encoded one with 415, before anything is looked up.
func TestLinkerHTTPBody(t *testing.T) {
	lh := newLinkHTTP(t, nil, func(c *migrate.LinkHandlerConfig) { c.MaxFormBytes = 512 })
	big := creds("nguyenvana", "matkhau-cu")
	big.Set("padding", strings.Repeat("a", 600))
	if w := lh.post(big, ""); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized: %d", w.Code)
	}
	// Oversized with the default limit too.
	lh2 := newLinkHTTP(t, nil)
	big.Set("padding", strings.Repeat("a", migrate.DefaultLinkFormBytes))
	if w := lh2.post(big, ""); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized (default limit): %d", w.Code)
	}
	lh2.untouched(t)
	for _, ct := range []string{"multipart/form-data; boundary=x", "application/json", "text/plain", ""} {
		r := httptest.NewRequest(http.MethodPost, "/lien-ket", strings.NewReader(creds("nguyenvana", "matkhau-cu").Encode()))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		w := httptest.NewRecorder()
		lh.h.ServeHTTP(w, r)
		if w.Code != http.StatusUnsupportedMediaType {
			t.Errorf("%q: %d", ct, w.Code)
		}
	}
	lh.untouched(t)
}

// TestLinkerHTTPGeneric: an unknown username and a wrong password get the
// same answer, byte for byte.
func TestLinkerHTTPGeneric(t *testing.T) {
	lh := newLinkHTTP(t, nil)
	wrong := lh.post(creds("nguyenvana", "sai-mat-khau"), "")
	unknown := lh.post(creds("khong-ton-tai", "sai-mat-khau"), "")
	if wrong.Code != http.StatusBadRequest || wrong.Code != unknown.Code {
		t.Fatalf("status %d vs %d", wrong.Code, unknown.Code)
	}
	if wrong.Body.String() != unknown.Body.String() {
		t.Errorf("bodies differ:\n%s\n---\n%s", wrong.Body, unknown.Body)
	}
	if fmt.Sprint(wrong.Header()) != fmt.Sprint(unknown.Header()) {
		t.Errorf("headers differ: %v / %v", wrong.Header(), unknown.Header())
	}
	if !strings.Contains(wrong.Body.String(), "Tên đăng nhập hoặc mật khẩu không đúng.") {
		t.Errorf("no generic message: %s", wrong.Body)
	}
	// The form is shown again, with a token, to try once more.
	if !strings.Contains(wrong.Body.String(), `value="`+linkToken+`"`) {
		t.Error("no form after a wrong password")
	}
	lh.assertLegacy("nguyenvana", pakn, false, "")
}

// TestLinkerHTTPRateLimit: after Max wrong passwords the username answers
// 429 with Retry-After — the right password included — without hashing.
func TestLinkerHTTPRateLimit(t *testing.T) {
	lh := newLinkHTTP(t, nil)
	for i := range migrate.DefaultUserPolicy.Max {
		if w := lh.post(creds("nguyenvana", fmt.Sprintf("doan-%d", i)), ""); w.Code != http.StatusBadRequest {
			t.Fatalf("guess %d: %d", i+1, w.Code)
		}
	}
	lh.bcrypt.take()
	for _, pw := range []string{"doan-x", "matkhau-cu"} {
		w := lh.post(creds("nguyenvana", pw), "")
		if w.Code != http.StatusTooManyRequests {
			t.Fatalf("%s: %d", pw, w.Code)
		}
		if ra := w.Header().Get("Retry-After"); ra != "900" && ra != "899" {
			t.Errorf("Retry-After %q, want 900 (15 min)", ra)
		}
		if !strings.Contains(w.Body.String(), "Vui lòng thử lại sau 15 phút.") {
			t.Errorf("429 page: %s", w.Body)
		}
		assertNoStore(t, w)
	}
	if h := lh.bcrypt.take(); len(h) != 0 {
		t.Errorf("rate-limited attempts hashed %d times", len(h))
	}
	lh.assertLegacy("nguyenvana", pakn, false, "")
}

// TestLinkerHTTPConverts: the right password converts once and redirects
// to Done; sending it again (or several at once) converts nothing more.
func TestLinkerHTTPConverts(t *testing.T) {
	lh := newLinkHTTP(t, nil)
	w := lh.post(creds("nguyenvana", "matkhau-cu"), "")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/ho-so?linked=1" {
		t.Fatalf("%d Location %q: %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	assertNoStore(t, w)
	lh.assertLegacy("nguyenvana", pakn, true, lh.to)
	if got := lh.owned(lh.to); got != [3]int{2, 2, 2} {
		t.Errorf("target owns %v", got)
	}
	again := lh.post(creds("nguyenvana", "matkhau-cu"), "")
	if again.Code != http.StatusConflict || !strings.Contains(again.Body.String(), "đã được liên kết") ||
		!strings.Contains(again.Body.String(), migrate.CodeAlreadyConverted) {
		t.Errorf("second link: %d %s", again.Code, again.Body)
	}
	if n := lh.conversions(t); n != 1 {
		t.Errorf("%d conversions, want 1", n)
	}
}

// TestLinkerHTTPDoubleSubmit: parallel submissions of the right password
// (a double click, two tabs) convert exactly once.
func TestLinkerHTTPDoubleSubmit(t *testing.T) {
	lh := newLinkHTTP(t, nil)
	var wg sync.WaitGroup
	codes := make([]int, 4)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = lh.post(creds("nguyenvana", "matkhau-cu"), "").Code
		}()
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		switch c {
		case http.StatusSeeOther:
			ok++
		case http.StatusConflict:
		default:
			t.Errorf("status %d", c)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %v succeeded, want exactly 1", ok, codes)
	}
	if n := lh.conversions(t); n != 1 {
		t.Errorf("%d conversions, want 1", n)
	}
	lh.assertLegacy("nguyenvana", pakn, true, lh.to)
}

// TestLinkerHTTPNotLoggedIn: no identity, no form and no linking.
func TestLinkerHTTPNotLoggedIn(t *testing.T) {
	lh := newLinkHTTP(t, nil, func(c *migrate.LinkHandlerConfig) {
		c.Identity = func(*http.Request) (*vnconnect.Identity, bool) { return nil, false }
	})
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		r := httptest.NewRequest(m, "/lien-ket", strings.NewReader(creds("nguyenvana", "matkhau-cu").Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		lh.h.ServeHTTP(w, r)
		if w.Code != http.StatusUnauthorized || strings.Contains(w.Body.String(), "<form") {
			t.Errorf("%s: %d", m, w.Code)
		}
	}
	lh.untouched(t)
}

// TestLinkerHTTPRedisDown: the limiter's Redis is down — 500, a generic
// page, nothing linked even with the right password.
func TestLinkerHTTPRedisDown(t *testing.T) {
	down, err := migrate.NewRedisLimiter(downRedis(t), migrate.RedisLimiterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lh := newLinkHTTP(t, down)
	w := lh.post(creds("nguyenvana", "matkhau-cu"), "")
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "Hệ thống đang gặp sự cố") {
		t.Errorf("%d %s", w.Code, w.Body)
	}
	if strings.Contains(w.Body.String(), "redis") || strings.Contains(w.Body.String(), "127.0.0.1") {
		t.Error("the page shows the internal error")
	}
	lh.untouched(t)
}

// TestLinkerHTTPClientIP: the client network given to the Linker is the
// configured one; an unusable address is the application's fault (500).
func TestLinkerHTTPClientIP(t *testing.T) {
	clients := migrate.NewMemoryLimiter(migrate.LimitPolicy{Max: 1}, 0)
	lf := newLinkFixture(t, newSQLiteBackend(t), nil, clients)
	ip := "203.0.113.9"
	h, err := migrate.NewLinkHandler(migrate.LinkHandlerConfig{Linker: lf.link,
		Identity: func(*http.Request) (*vnconnect.Identity, bool) { return lf.me(), true },
		CSRF:     migrate.CSRFFuncs{Token: testCSRF{linkToken}.CSRFToken, Verify: testCSRF{linkToken}.VerifyCSRF},
		ClientIP: func(*http.Request) string { return ip }})
	if err != nil {
		t.Fatal(err)
	}
	lh := &linkHTTP{linkFixture: lf, h: h}
	lh.post(creds("x", "y"), "")
	if w := lh.post(creds("z", "y"), ""); w.Code != http.StatusTooManyRequests {
		t.Errorf("second attempt from the configured address: %d", w.Code)
	}
	ip = "not-an-ip"
	if w := lh.post(creds("nguyenvana", "matkhau-cu"), ""); w.Code != http.StatusInternalServerError {
		t.Errorf("bad client IP: %d", w.Code)
	}
	lf.assertLegacy("nguyenvana", pakn, false, "")
}

// TestLinkerHTTPTemplate: a caller's template renders the page.
func TestLinkerHTTPTemplate(t *testing.T) {
	tmpl := template.Must(template.New("x").Parse(`<p>{{.Status}}|{{.Error}}|{{.CSRFField}}={{.CSRFToken}}|{{.Action}}</p>`))
	lh := newLinkHTTP(t, nil, func(c *migrate.LinkHandlerConfig) { c.Template = tmpl })
	w := lh.post(creds("nguyenvana", "sai"), "")
	want := "<p>400|Tên đăng nhập hoặc mật khẩu không đúng.|csrf=" + linkToken + "|/lien-ket</p>"
	if body, _ := io.ReadAll(w.Body); string(body) != want {
		t.Errorf("got %s", body)
	}
}

// TestLinkerHTTPRender: an application's own layout gets the page, with
// the security headers already set, and puts Body — the built-in form,
// posting the fields the handler reads — inside it.
func TestLinkerHTTPRender(t *testing.T) {
	render := func(w http.ResponseWriter, r *http.Request, p migrate.LinkPage) {
		body, err := p.Body()
		if err != nil {
			t.Errorf("Body: %v", err)
		}
		w.WriteHeader(p.Status)
		_, _ = io.WriteString(w, "<div id=app>"+string(body)+"</div>")
	}
	lh := newLinkHTTP(t, nil, func(c *migrate.LinkHandlerConfig) { c.Render = render })
	w := httptest.NewRecorder()
	lh.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/lien-ket", nil))
	body, _ := io.ReadAll(w.Body)
	for _, want := range []string{"<div id=app><h1>Liên kết tài khoản cũ</h1>", `action="/lien-ket"`,
		`name="csrf" value="` + linkToken + `"`, `name="username"`, `name="password"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("GET lacks %q:\n%s", want, body)
		}
	}
	if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("Content-Security-Policy") == "" {
		t.Errorf("GET: %d, headers %v", w.Code, w.Header())
	}
	w = lh.post(creds("nguyenvana", "sai"), "")
	body, _ = io.ReadAll(w.Body)
	if w.Code != http.StatusBadRequest || !strings.Contains(string(body), `<div role="alert"><p>Tên đăng nhập hoặc mật khẩu không đúng.</p>`) {
		t.Errorf("wrong password: %d\n%s", w.Code, body)
	}
	if strings.Contains(string(body), "<!doctype") {
		t.Errorf("the built-in page leaked into the application's layout:\n%s", body)
	}
}

// TestLinkerHTTPConfig: strict construction.
func TestLinkerHTTPConfig(t *testing.T) {
	lf := newLinkFixture(t, newSQLiteBackend(t), nil, nil)
	id := func(*http.Request) (*vnconnect.Identity, bool) { return lf.me(), true }
	g := testCSRF{linkToken}
	for name, cfg := range map[string]migrate.LinkHandlerConfig{
		"no linker":       {Identity: id, CSRF: g},
		"no identity":     {Linker: lf.link, CSRF: g},
		"no csrf":         {Linker: lf.link, Identity: id},
		"half CSRFFuncs":  {Linker: lf.link, Identity: id, CSRF: migrate.CSRFFuncs{Token: g.CSRFToken}},
		"absolute Done":   {Linker: lf.link, Identity: id, CSRF: g, Done: "https://evil.example/"},
		"protocol-rel":    {Linker: lf.link, Identity: id, CSRF: g, Done: "//evil.example/"},
		"backslash":       {Linker: lf.link, Identity: id, CSRF: g, Done: `/\evil.example/`},
		"relative":        {Linker: lf.link, Identity: id, CSRF: g, Done: "ho-so"},
		"control":         {Linker: lf.link, Identity: id, CSRF: g, Done: "/a\nb"},
		"field=password":  {Linker: lf.link, Identity: id, CSRF: g, CSRFField: "password"},
		"field=username.": {Linker: lf.link, Identity: id, CSRF: g, CSRFField: "username"},
		"template+render": {Linker: lf.link, Identity: id, CSRF: g, Template: template.Must(template.New("x").Parse("x")),
			Render: func(http.ResponseWriter, *http.Request, migrate.LinkPage) {}},
	} {
		if _, err := migrate.NewLinkHandler(cfg); !errors.Is(err, migrate.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
