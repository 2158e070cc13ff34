package main

import (
	"bytes"
	"html/template"
	"log"
	"net/http"
	"strings"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// The pages are plain server-rendered HTML in Vietnamese: labelled
// controls, a table with header cells for the identity, and status
// messages with role="status".
var pages = template.Must(template.New("pages").Parse(`{{define "head"}}<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} (demo rpkit)</title>
<style>
body{font-family:system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1a1a1a}
header{border-bottom:2px solid #a4262c;margin-bottom:1rem}
nav a{margin-right:1rem}
.status{background:#dff6dd;border:1px solid #107c10;padding:.5rem 1rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;border-bottom:1px solid #ccc;padding:.3rem .5rem;vertical-align:top}
th{width:14rem}
.button{display:inline-block;font-size:1rem;padding:.5rem 1.5rem;margin:.25rem 0;background:#a4262c;color:#fff;text-decoration:none;border:0;cursor:pointer}
.secondary{background:#555}
:focus{outline:3px solid #005fcc;outline-offset:2px}
</style>
</head>
<body>
<header>
<p><strong>{{.Title}}</strong> – ứng dụng mẫu dùng rpkit</p>
<nav aria-label="Ứng dụng khác">{{range .Peers}}<a href="{{.URL}}/ho-so">{{.Title}}</a>{{end}}</nav>
</header>
<main>{{end}}
{{define "foot"}}</main>
</body>
</html>
{{end}}
{{define "logout"}}<form method="post" action="/auth/logout">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<p><button type="submit" class="button">Đăng xuất</button></p>
</form>{{end}}
{{define "home"}}{{template "head" .}}
{{with .Person}}
<h1>Xin chào, {{.Name}}</h1>
<p class="status" role="status">Bạn đã đăng nhập{{if eq $.Protocol "saml"}} (SAML 2.0){{end}}.</p>
<p><a href="/ho-so">Xem thông tin tài khoản</a></p>
{{template "logout" $}}
{{else}}
<h1>Đăng nhập</h1>
<p>Dùng tài khoản Vnconnect của Cổng Dịch vụ công quốc gia để đăng nhập.</p>
<p><a class="button" href="/auth/login?return_to=%2Fho-so">Đăng nhập bằng Vnconnect</a></p>
{{if .SAML}}<p><a class="button secondary" href="/saml/login?return_to=%2Fho-so">Đăng nhập bằng Vnconnect (SAML 2.0)</a></p>{{end}}
{{end}}
{{template "foot"}}{{end}}
{{define "profile"}}{{template "head" .}}
{{with .Person}}
<h1>Thông tin tài khoản: {{.Name}}</h1>
<p>Thông tin dưới đây do Vnconnect cung cấp và đã được xác minh.</p>
<table>
<caption>Thông tin tài khoản Vnconnect</caption>
<tbody>
{{range .Rows}}<tr><th scope="row">{{.Label}}</th><td>{{.Value}}</td></tr>
{{end}}</tbody>
</table>
{{if .Problems}}<h2>Thông tin chưa hợp lệ</h2>
<ul>{{range .Problems}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{end}}
{{template "logout" .}}
{{template "foot"}}{{end}}
`))

type pageView struct {
	Title    string
	Peers    []peer
	SAML     bool
	CSRF     string
	Protocol string
	Person   *personView
}

type row struct{ Label, Value string }

type personView struct {
	Name     string
	Rows     []row
	Problems []string
}

// newPersonView lists the identity's fields that are set, with their
// Vietnamese labels as the portal's screens name them.
func newPersonView(id *vnconnect.Identity) *personView {
	v := &personView{Name: id.DisplayName()}
	add := func(label, value string) {
		if strings.TrimSpace(value) != "" {
			v.Rows = append(v.Rows, row{label, value})
		}
	}
	add("Loại tài khoản", id.AccountType.String())
	add("TechID", id.TechID)
	add("Họ và tên", id.FullName)
	if id.CCCD != nil {
		add("Số định danh (CCCD)", id.CCCD.Number+" – nơi đăng ký: "+id.CCCD.ProvinceName())
	}
	add("Số CMND", string(id.CMND))
	add("Hộ chiếu", string(id.Passport))
	if !id.BirthDate.IsZero() {
		add("Ngày sinh", id.BirthDate.String())
	}
	if id.Gender != 0 {
		add("Giới tính", id.Gender.Vietnamese())
	}
	add("Thư điện tử", id.Email)
	if id.Phone != "" {
		add("Số điện thoại", id.Phone.National())
	}
	add("Địa chỉ", id.Address)
	if id.TaxCode != nil {
		add("Mã số thuế", id.TaxCode.String())
	}
	add("Mã số doanh nghiệp", id.EnterpriseCode)
	add("Tên doanh nghiệp / cơ quan", id.EnterpriseName)
	if id.AgencyCode != nil {
		add("Mã định danh cơ quan", id.AgencyCode.String())
	}
	add("Mức độ đảm bảo (LoA)", strings.Join(id.LoAs, ", "))
	for _, p := range id.Problems {
		v.Problems = append(v.Problems, p.Error())
	}
	return v
}

// render executes a page into a buffer first, so a template error never
// sends half a page.
func render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		log.Printf("portal: render %s: %v", name, err)
		http.Error(w, "Lỗi hệ thống", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
