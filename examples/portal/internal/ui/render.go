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
// cached; and forms that change state, so no other site may frame them
// (clickjacking): X-Frame-Options and a policy of frame-ancestors 'none',
// added beside any policy the handler set (browsers enforce both).
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
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Add("Content-Security-Policy", "frame-ancestors 'none'")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
