package vnconnecttest

import (
	"html/template"
	"net/http"
)

// The pages are plain server-rendered HTML in Vietnamese, like WSO2's
// authentication endpoint, with labels bound to inputs, a legend for the
// choice, and errors announced with role="alert" so they are usable with
// a screen reader and without JavaScript.
var pages = template.Must(template.New("layout").Parse(`{{define "head"}}<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}} – Vnconnect (thử nghiệm)</title>
<style>
body{font-family:system-ui,sans-serif;max-width:44rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1a1a1a}
.note{background:#fff4ce;border:1px solid #b58900;padding:.5rem 1rem}
.alert{background:#fde7e9;border:1px solid #a4262c;padding:.5rem 1rem}
fieldset{border:1px solid #767676;padding:.5rem 1rem}
.acct{margin:.5rem 0}
button{font-size:1rem;padding:.5rem 1.5rem;margin:1rem 1rem 0 0}
:focus{outline:3px solid #005fcc;outline-offset:2px}
</style>
</head>
<body>
<p class="note" role="note"><strong>Môi trường thử nghiệm.</strong> Đây là Vnconnect giả lập (rpkit vnconnecttest), chỉ dùng để kiểm thử và phát triển. Mọi tài khoản đều là dữ liệu giả.</p>
<main>{{end}}
{{define "foot"}}</main>
</body>
</html>
{{end}}
{{define "login"}}{{template "head" "Đăng nhập"}}
<h1>Đăng nhập</h1>
<p>Ứng dụng <strong>{{.ClientID}}</strong> yêu cầu bạn đăng nhập{{if .ACR}} với mức độ đảm bảo <strong>{{.ACR}}</strong>{{end}}.</p>
{{if .Error}}<p class="alert" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="sessionDataKey" value="{{.Key}}">
<fieldset>
<legend>Chọn tài khoản thử nghiệm</legend>
{{range $i, $a := .Accounts}}<div class="acct">
<input type="radio" name="techid" id="tk{{$i}}" value="{{$a.TechID}}"{{if eq $i 0}} required{{end}}>
<label for="tk{{$i}}"><strong>{{$a.Name}}</strong> – {{$a.Kind}} – {{$a.Ident}} – {{$a.LoA}}{{if $a.Low}} (thấp hơn mức yêu cầu){{end}}</label>
</div>
{{end}}</fieldset>
<button type="submit" name="action" value="login">Đăng nhập</button>
<button type="submit" name="action" value="cancel" formnovalidate>Hủy</button>
</form>
{{template "foot"}}{{end}}
{{define "error"}}{{template "head" "Lỗi"}}
<h1>Không thể tiếp tục</h1>
<p class="alert" role="alert">{{.}}</p>
{{template "foot"}}{{end}}
{{define "loggedout"}}{{template "head" "Đăng xuất"}}
<h1>Đăng xuất</h1>
<p role="status">Bạn đã đăng xuất khỏi Vnconnect.</p>
{{if .Frames}}<p>Đang đăng xuất khỏi các ứng dụng đã dùng phiên này…</p>
{{range .Frames}}<iframe src="{{.}}" title="Đăng xuất khỏi ứng dụng" width="0" height="0" hidden></iframe>
{{end}}{{end}}{{if .Next}}<p><a id="next" href="{{.Next}}">Tiếp tục</a></p>
<script nonce="{{.Nonce}}">window.addEventListener("load",function(){location.replace(document.getElementById("next").href)})</script>
{{end}}{{template "foot"}}{{end}}
`))

type loginAccountView struct {
	TechID, Name, Kind, Ident, LoA string
	Low                            bool
}

type loginView struct {
	ClientID, ACR, Error, Action, Key string
	Accounts                          []loginAccountView
}

func (s *Server) renderLogin(w http.ResponseWriter, status int, key string, req authRequest, msg string) {
	want := loaRank(highestACR(req.acr))
	v := loginView{ClientID: req.clientID, ACR: highestACR(req.acr), Error: msg, Action: s.base + PathAuthorize, Key: key}
	for _, a := range s.Accounts() {
		av := loginAccountView{TechID: a.TechID, Name: a.FullName, LoA: a.loa(), Low: loaRank(a.loa()) < want}
		switch a.Type {
		case Business:
			av.Kind, av.Name, av.Ident = "Doanh nghiệp", a.EnterpriseName, "MST "+a.TaxCode
		case Organisation:
			av.Kind, av.Name, av.Ident = "Cơ quan, tổ chức", a.EnterpriseName, "Mã định danh "+a.AgencyCode
		default:
			av.Kind, av.Ident = "Công dân", "CCCD "+a.SoDinhDanh
		}
		v.Accounts = append(v.Accounts, av)
	}
	render(w, status, "login", v)
}

func renderErrorPage(w http.ResponseWriter, status int, msg string) {
	render(w, status, "error", msg)
}

func render(w http.ResponseWriter, status int, name string, data any) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// The login page must not be framed (clickjacking), as on WSO2.
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_ = pages.ExecuteTemplate(w, name, data)
}
