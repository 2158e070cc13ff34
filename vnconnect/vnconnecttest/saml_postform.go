package vnconnecttest

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
)

// postFormPage is the HTTP-POST binding page: a form the browser submits
// to the SP. It works without JavaScript (the visible "Tiếp tục" button);
// with it, one inline script, allowed by a per-response CSP nonce,
// submits the form at once.
var postFormPage = template.Must(template.New("post").Parse(`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Đang chuyển về ứng dụng – Vnconnect (thử nghiệm)</title>
</head>
<body>
<main>
<form method="post" action="{{.Action}}">
{{range .Fields}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<p>Đang chuyển về ứng dụng. Nếu trình duyệt không tự chuyển, hãy bấm nút dưới đây.</p>
<button type="submit">Tiếp tục</button>
</form>
</main>
<script nonce="{{.Nonce}}">document.forms[0].submit()</script>
</body>
</html>
`))

type formField struct{ Name, Value string }

// renderPostForm writes the auto-submitting form. Fields are sorted so
// the page is reproducible.
func renderPostForm(w http.ResponseWriter, nonce, action string, v url.Values) {
	var fields []formField
	for k, vs := range v {
		for _, x := range vs {
			fields = append(fields, formField{k, x})
		}
	}
	slices.SortFunc(fields, func(a, b formField) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	// form-action does not fall back to default-src, so it is left open:
	// the action is the SP's registered endpoint.
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; frame-ancestors 'none'")
	w.WriteHeader(http.StatusOK)
	_ = postFormPage.Execute(w, struct {
		Action, Nonce string
		Fields        []formField
	}{action, nonce, fields})
}
