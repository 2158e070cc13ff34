package saml

import (
	"html/template"
	"net/http"
)

// HTTP-POST binding (SAML bindings §3.5): the browser carries the base64
// message in an auto-submitted form. The page has no external resources
// and a button for browsers without JavaScript.

var postFormTemplate = template.Must(template.New("saml-post").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Vnconnect</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="{{.URL}}">
<input type="hidden" name="{{.Param}}" value="{{.Value}}">
{{if .RelayState}}<input type="hidden" name="RelayState" value="{{.RelayState}}">{{end}}
<noscript><button type="submit">Tiếp tục / Continue</button></noscript>
</form>
</body></html>
`))

type postForm struct {
	URL        string
	Param      string
	Value      string
	RelayState string
}

// writePostForm renders the form. The page must not be cached or framed.
func writePostForm(w http.ResponseWriter, f postForm) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; form-action "+formAction(f.URL)+"; frame-ancestors 'none'")
	w.WriteHeader(http.StatusOK)
	return postFormTemplate.Execute(w, f)
}

// formAction returns the origin of u for the CSP form-action directive.
func formAction(u string) string {
	for i := 0; i < len(u); i++ {
		switch u[i] {
		case ';', ',', ' ', '\'', '"':
			return "'self'"
		}
	}
	return u
}
