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
