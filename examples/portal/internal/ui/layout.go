package ui

import "html/template"

// layout is "head" and "foot", which every page template wraps its body
// in: {{template "head" .}} … {{template "foot" .}}.
var layout = template.Must(template.New("layout").Parse(`{{define "head"}}<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{with .Title}}{{.}} – {{end}}{{.App}} (demo rpkit)</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1a1a1a}
header{border-bottom:2px solid #a4262c;margin-bottom:1rem}
nav a{margin-right:1rem}
nav a[aria-current]{font-weight:bold}
.status{background:#dff6dd;border:1px solid #107c10;padding:.5rem 1rem}
.alert{background:#fde7e9;border:1px solid #a4262c;padding:.5rem 1rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;border-bottom:1px solid #ccc;padding:.3rem .5rem;vertical-align:top}
label{display:block;margin-top:.5rem}
input,select,textarea{font-size:1rem;padding:.3rem}
.button,button{display:inline-block;font-size:1rem;padding:.5rem 1.5rem;margin:.25rem 0;background:#a4262c;color:#fff;text-decoration:none;border:0;cursor:pointer}
.secondary{background:#555}
.inline{display:inline}
:focus{outline:3px solid #005fcc;outline-offset:2px}
</style>
</head>
<body>
<header>
<p><strong>{{.App}}</strong> – ứng dụng mẫu dùng rpkit{{with .Person}} · {{.Name}}{{end}}</p>
{{with .Nav}}<nav aria-label="Chức năng">{{range .}}<a href="{{.URL}}"{{if .Current}} aria-current="page"{{end}}>{{.Title}}</a>{{end}}</nav>{{end}}
{{with .Peers}}<nav aria-label="Ứng dụng khác">{{range .}}<a href="{{.URL}}">{{.Title}}</a>{{end}}</nav>{{end}}
</header>
<main>
{{with .Flash}}<p class="status" role="status">{{.}}</p>{{end}}
{{with .Error}}<p class="alert" role="alert">{{.}}</p>{{end}}
{{end}}
{{define "foot"}}</main>
</body>
</html>
{{end}}`))
