package main

import (
	"strings"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// The pages are plain server-rendered HTML in Vietnamese on the shared
// layout (internal/ui): labelled controls, a table with header cells for
// the identity, and status messages with role="status".
var pages = ui.Templates(`{{define "logout"}}<form method="post" action="/auth/logout">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<p><button type="submit" class="button">Đăng xuất</button></p>
</form>{{end}}
{{define "home"}}{{template "head" .}}
{{with .Data.Person}}
<h1>Xin chào, {{.Name}}</h1>
<p class="status" role="status">Bạn đã đăng nhập{{if eq $.Data.Protocol "saml"}} (SAML 2.0){{end}}.</p>
<p><a href="/ho-so">Xem thông tin tài khoản</a></p>
{{template "logout" $}}
{{else}}
<h1>Đăng nhập</h1>
<p>Dùng tài khoản Vnconnect của Cổng Dịch vụ công quốc gia để đăng nhập.</p>
<p><a class="button" href="/auth/login?return_to=%2Fho-so">Đăng nhập bằng Vnconnect</a></p>
{{if .Data.SAML}}<p><a class="button secondary" href="/saml/login?return_to=%2Fho-so">Đăng nhập bằng Vnconnect (SAML 2.0)</a></p>{{end}}
{{end}}
{{template "foot" .}}{{end}}
{{define "profile"}}{{template "head" .}}
{{with .Data.Person}}
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
{{template "foot" .}}{{end}}
`)

// pageView is the home and profile pages' Data.
type pageView struct {
	SAML     bool
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
