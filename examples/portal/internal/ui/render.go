package ui

import (
	"bytes"
	"html/template"
	"log/slog"
	"net/http"
)

// Templates returns the layout with src parsed on top of it. It panics on a
// parse error: templates are constants of the program, checked by every
// test that renders a page.
func Templates(src string) *template.Template {
	return template.Must(template.Must(layout.Clone()).Parse(src))
}

// Render executes template name of t with p into a buffer, then writes it
// with status. Pages carry personal data and CSRF tokens, so they are never
// cached.
func Render(w http.ResponseWriter, t *template.Template, status int, name string, p Page) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, p); err != nil {
		slog.Error("ui: render", "template", name, "err", err)
		http.Error(w, "Lỗi hệ thống", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
