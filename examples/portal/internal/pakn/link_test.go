package pakn_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/pakn"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/migrate"
)

// linkApp mounts the screens of e again, with migrate's linking page as
// Config.Linker and a frame with the menu.
func linkApp(t *testing.T, e *env) {
	t.Helper()
	linker, err := migrate.NewLinker(migrate.LinkerConfig{Converter: e.conv})
	e.w.Must(err)
	auth := fakeAuth{people: e.people}
	leg, err := migrate.NewSQLLegacy(migrate.SQLite, migrate.LegacyTable{})
	e.w.Must(err)
	var nav []ui.Link
	s, err := pakn.New(pakn.Config{DB: e.db, Dialect: migrate.SQLite, RBAC: e.w.Svc, Convert: e.conv, Legacy: leg, Auth: auth,
		Identity: identity, Linker: linker,
		Frame: func(r *http.Request) ui.Page {
			p := ui.Page{App: "PAKN", Nav: nav}
			if id, ok := identity(r); ok {
				p.CSRF = "tok-" + id.TechID
				p.Person = &ui.Person{Name: id.DisplayName(), TechID: id.TechID}
			}
			return p
		}})
	e.w.Must(err)
	mux := http.NewServeMux()
	nav = s.Mount(mux)
	e.h = mux
}

func TestLinkPageInsideTheAppFrame(t *testing.T) {
	e := newEnv(t)
	linkApp(t, e)
	framed := []string{"<strong>PAKN</strong>", `aria-current="page">Liên kết tài khoản cũ</a>`, "<title>Liên kết tài khoản cũ – PAKN",
		"<h1>Liên kết tài khoản cũ</h1>", `<main>`}

	r := e.get(pakn.PathLink, e.heir)
	want(t, r, http.StatusOK, append(framed, `name="csrf" value="tok-`+e.heir+`"`, `<label for="password">Mật khẩu</label>`)...)
	if r.hdr.Get("Cache-Control") != "no-store" || r.hdr.Get("Content-Security-Policy") == "" {
		t.Fatalf("headers %v", r.hdr)
	}

	r = e.post(pakn.PathLink, e.heir, url.Values{"username": {legacyUser}, "password": {"sai"}})
	want(t, r, http.StatusBadRequest, append(framed, `role="alert"`, "Tên đăng nhập hoặc mật khẩu không đúng")...)

	r = e.post(pakn.PathLink, e.heir, url.Values{"username": {legacyUser}, "password": {legacyPass}})
	if r.code != http.StatusSeeOther || r.loc != pakn.PathProcess {
		t.Fatalf("right password: %d → %q\n%s", r.code, r.loc, r.body)
	}
	want(t, e.get(pakn.PathProcess, e.heir), http.StatusOK, "Phản ánh cũ số 1")
}

func TestLinkPageRateLimitedInsideTheFrame(t *testing.T) {
	e := newEnv(t)
	linkApp(t, e)
	for range migrate.DefaultUserPolicy.Max {
		want(t, e.post(pakn.PathLink, e.heir, url.Values{"username": {legacyUser}, "password": {"sai"}}), http.StatusBadRequest)
	}
	r := e.post(pakn.PathLink, e.heir, url.Values{"username": {legacyUser}, "password": {legacyPass}})
	want(t, r, http.StatusTooManyRequests, "<strong>PAKN</strong>", `role="alert"`, "Bạn đã thử quá nhiều lần")
	if n, err := strconv.Atoi(r.hdr.Get("Retry-After")); err != nil || n <= 0 {
		t.Fatalf("Retry-After %q", r.hdr.Get("Retry-After"))
	}
	// Not logged in: the app's RequireLogin answers, not the page.
	if r := e.get(pakn.PathLink, ""); r.code != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", r.code)
	}
}
