package ui

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRenderEscapesAndFramesThePage(t *testing.T) {
	tpl := Templates(`{{define "p"}}{{template "head" .}}<h1>{{.Data}}</h1>{{template "foot" .}}{{end}}`)
	rec := httptest.NewRecorder()
	Render(rec, tpl, 403, "p", Page{App: "PAKN", Title: "Người dùng", Error: "Không có quyền <b>", Data: "<script>",
		Nav: []Link{{Title: "Quản trị", URL: "/quan-tri"}}}.WithCurrent("/quan-tri/nguoi-dung"))
	body := rec.Body.String()
	if rec.Code != 403 || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("status %d, Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	for _, want := range []string{`role="alert">Không có quyền &lt;b&gt;`, `<h1>&lt;script&gt;</h1>`, `aria-current="page">Quản trị`, `<title>Người dùng – PAKN`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
}

func TestRenderTemplateErrorSendsNoHalfPage(t *testing.T) {
	tpl := Templates(`{{define "p"}}{{template "head" .}}{{.Data.Missing}}{{end}}`)
	rec := httptest.NewRecorder()
	Render(rec, tpl, 200, "p", Page{Data: 3})
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "<html") {
		t.Fatalf("got %d %q", rec.Code, rec.Body.String())
	}
}

// TestRenderRefusesFraming: every page carries forms that change state
// (take a case, approve a registration, sign with a token): another site
// must not load it in a frame and trick a click (clickjacking).
func TestRenderRefusesFraming(t *testing.T) {
	tpl := Templates(`{{define "p"}}{{template "head" .}}<form method="post"><button>Phê duyệt</button></form>{{template "foot" .}}{{end}}`)
	rec := httptest.NewRecorder()
	// A policy the handler set already (the link page's) is kept.
	rec.Header().Set("Content-Security-Policy", "default-src 'self'")
	Render(rec, tpl, 200, "p", Page{App: "PAKN"})
	h := rec.Header()
	if h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("X-Frame-Options %q", h.Get("X-Frame-Options"))
	}
	csp := strings.Join(h.Values("Content-Security-Policy"), ", ")
	if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("X-Content-Type-Options %q", h.Get("X-Content-Type-Options"))
	}
}
