package admin

import "github.com/rpkit-vn/rpkit/examples/portal/internal/ui"

// tpl holds the screens. Every page gets a ui.Page whose Data is a view;
// the screen's own data is .Data.Body. Forms that change something POST
// with the session's CSRF token in the "csrf" field.
var tpl = ui.Templates(`
{{define "admin-crumb"}}{{with .Data.Labels.Section}}<nav aria-label="Vị trí"><p>{{with $.Data.Labels.SectionURL}}<a href="{{.}}">{{$.Data.Labels.Section}}</a>{{else}}{{.}}{{end}} › <a href="{{$.Data.Prefix}}">{{$.Data.Labels.Title}}</a></p></nav>{{end}}{{end}}

{{define "admin-csrf"}}<input type="hidden" name="csrf" value="{{.}}">{{end}}

{{define "admin-reason"}}<label for="ly-do">Lý do (ghi vào lịch sử thay đổi, không bắt buộc)</label>
<input id="ly-do" name="ly-do" maxlength="300" size="50">{{end}}

{{define "admin-list"}}{{template "head" .}}{{template "admin-crumb" .}}
{{with .Data}}{{$b := .Body}}
<h1>{{.Labels.Title}}</h1>
<p><a class="button" href="{{.Prefix}}/them-moi">{{.Labels.Add}}</a></p>
<form method="get" action="{{.Prefix}}" role="search" aria-label="Lọc người dùng">
<label for="ten">Họ và tên</label>
<input id="ten" name="ten" value="{{$b.Name}}" maxlength="100">
<label for="trang-thai">Trạng thái</label>
<select id="trang-thai" name="trang-thai">{{range $b.States}}<option value="{{.Value}}"{{if eq .Value $b.State}} selected{{end}}>{{.Label}}</option>{{end}}</select>
<button type="submit" class="secondary">Lọc</button>
</form>
{{if $b.Rows}}
<table>
<caption>Danh sách người dùng</caption>
<thead><tr><th scope="col">Họ và tên</th><th scope="col">Đơn vị</th><th scope="col">Trạng thái</th><th scope="col">Quyền</th><th scope="col">Thao tác</th></tr></thead>
<tbody>
{{range $b.Rows}}<tr>
<td><a href="{{.URL}}">{{.Name}}</a></td>
<td>{{.Unit}}{{with .Group}}<br>Nhóm: {{.}}{{end}}</td>
<td>{{.State}}</td>
<td>{{range .Roles}}{{.}}<br>{{end}}</td>
<td>{{if .Pending}}<form method="post" action="{{.URL}}/kich-hoat" class="inline">{{template "admin-csrf" $.CSRF}}<button type="submit" aria-label="Kích hoạt {{.Name}}">Kích hoạt</button></form>{{end}}</td>
</tr>
{{end}}</tbody>
</table>
{{else}}
<p>Không có người dùng nào{{if $b.Searched}} khớp điều kiện lọc{{end}}.</p>
{{end}}
{{if or $b.First $b.Next}}<nav aria-label="Phân trang"><p>{{with $b.First}}<a href="{{.}}">Trang đầu</a> {{end}}{{with $b.Next}}<a href="{{.}}">Trang sau</a>{{end}}</p></nav>{{end}}
{{end}}
{{template "foot" .}}{{end}}

{{define "admin-add"}}{{template "head" .}}{{template "admin-crumb" .}}
{{with .Data}}{{$b := .Body}}
<h1>{{.Labels.Add}}</h1>
<p>Tìm tài khoản đã đăng ký trên Cổng Dịch vụ công quốc gia (Vnconnect) theo số CMND/CCCD{{if $b.Fields.Email}}, email{{end}}{{if $b.Fields.Name}}, họ và tên{{end}} hoặc số điện thoại.</p>
<form method="post" action="{{.Prefix}}/them-moi/tim-kiem">
{{template "admin-csrf" $.CSRF}}
{{if $b.Fields.AccountType}}<label for="doi-tuong">Đối tượng tìm kiếm</label>
<select id="doi-tuong" name="doi-tuong"><option value="nguoi-dan"{{if ne $b.In.Kind "to-chuc"}} selected{{end}}>Người dân</option><option value="to-chuc"{{if eq $b.In.Kind "to-chuc"}} selected{{end}}>Tổ chức</option></select>{{end}}
{{if $b.Fields.Name}}<label for="ho-ten">Họ và tên</label>
<input id="ho-ten" name="ho-ten" value="{{$b.In.Name}}" maxlength="100">{{end}}
<label for="so-giay-to">Số CMND/CCCD</label>
<input id="so-giay-to" name="so-giay-to" value="{{$b.In.ID}}" inputmode="numeric" maxlength="20">
<label for="dien-thoai">Số điện thoại</label>
<input id="dien-thoai" name="dien-thoai" value="{{$b.In.Phone}}" inputmode="tel" maxlength="30">
{{if $b.Fields.Email}}<label for="email">Email</label>
<input id="email" name="email" type="email" value="{{$b.In.Email}}" maxlength="254">{{end}}
<p><button type="submit">{{.Labels.Search}}</button> <a href="{{.Prefix}}">Quay lại danh sách</a></p>
</form>
{{if $b.Searched}}
<h2>Kết quả tìm kiếm</h2>
{{if $b.Found}}
<form method="post" action="{{.Prefix}}/them-moi">
{{template "admin-csrf" $.CSRF}}
<input type="hidden" name="so-giay-to" value="{{$b.In.ID}}">
<input type="hidden" name="dien-thoai" value="{{$b.In.Phone}}">
<input type="hidden" name="email" value="{{$b.In.Email}}">
<input type="hidden" name="ho-ten" value="{{$b.In.Name}}">
<input type="hidden" name="doi-tuong" value="{{$b.In.Kind}}">
<table>
<caption>Tìm thấy {{len $b.Found}} kết quả</caption>
<thead><tr><th scope="col">Chọn</th><th scope="col">Họ và tên</th><th scope="col">Số CMND/CCCD</th><th scope="col">Số điện thoại</th><th scope="col">Email</th></tr></thead>
<tbody>
{{range $i, $f := $b.Found}}<tr>
<td><input type="radio" name="techid" id="tk-{{$i}}" value="{{.TechID}}" required{{if eq (len $b.Found) 1}} checked{{end}}></td>
<td><label for="tk-{{$i}}">{{.Name}}</label></td>
<td>{{.ID}}</td><td>{{.Phone}}</td><td>{{.Email}}</td>
</tr>
{{end}}</tbody>
</table>
<label for="don-vi">{{.Labels.Unit}}</label>
<select id="don-vi" name="don-vi" required>{{range $b.Units}}<option value="{{.ID}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select>
{{if $b.WithGroup}}
<label for="nhom">Nhóm người dùng</label>
<select id="nhom" name="nhom">{{range $b.Groups}}<option value="{{.ID}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select>
<fieldset><legend>Trạng thái</legend>
<label><input type="radio" name="trang-thai" value="mo" checked> Mở</label>
<label><input type="radio" name="trang-thai" value="khoa"> Khóa</label>
</fieldset>
{{end}}
{{template "admin-reason"}}
<p><button type="submit">{{.Labels.Save}}</button></p>
</form>
{{else}}
<p role="status">Không tìm thấy tài khoản nào trên Vnconnect.</p>
{{end}}
{{end}}
{{end}}
{{template "foot" .}}{{end}}

{{define "admin-user"}}{{template "head" .}}{{template "admin-crumb" .}}
{{with .Data}}{{$b := .Body}}
<h1>{{$b.Name}}</h1>
<table>
<caption>Thông tin người dùng</caption>
<tbody>
<tr><th scope="row">Họ và tên</th><td>{{$b.Name}}</td></tr>
<tr><th scope="row">Mã tài khoản Vnconnect</th><td>{{$b.TechID}}</td></tr>
<tr><th scope="row">Số CMND/CCCD</th><td>{{$b.ID}}</td></tr>
<tr><th scope="row">Số điện thoại</th><td>{{$b.Phone}}</td></tr>
<tr><th scope="row">Email</th><td>{{$b.Email}}</td></tr>
<tr><th scope="row">Đơn vị</th><td>{{$b.Unit}}</td></tr>
{{if $b.Groups}}<tr><th scope="row">Nhóm người dùng</th><td>{{$b.Group}}</td></tr>{{end}}
<tr><th scope="row">Trạng thái</th><td>{{$b.State}}</td></tr>
</tbody>
</table>
{{with $b.Review}}<p class="alert">Cần rà soát: {{.}}</p>{{end}}

<h2>Quyền</h2>
{{if $b.Roles}}<ul>{{range $b.Roles}}<li>{{.Label}}
<form method="post" action="{{$b.URL}}/thu-hoi" class="inline">{{template "admin-csrf" $.CSRF}}<input type="hidden" name="quyen" value="{{.Role}}"><button type="submit" class="secondary" aria-label="Thu hồi quyền {{.Label}}">Thu hồi quyền</button></form></li>
{{end}}</ul>{{else}}<p>Chưa có quyền nào.</p>{{end}}

<h2>Thao tác</h2>
<p>
{{if $b.Pending}}<form method="post" action="{{$b.URL}}/kich-hoat" class="inline">{{template "admin-csrf" $.CSRF}}<button type="submit">Kích hoạt</button></form>{{end}}
{{if $b.Locked}}<form method="post" action="{{$b.URL}}/mo-khoa" class="inline">{{template "admin-csrf" $.CSRF}}<button type="submit">Mở khóa</button></form>
{{else}}<form method="post" action="{{$b.URL}}/khoa" class="inline">{{template "admin-csrf" $.CSRF}}<button type="submit" class="secondary">Khóa</button></form>{{end}}
<a class="button secondary" href="{{$b.URL}}/don-vi">Thay đổi đơn vị</a>
{{if $b.Active}}<a class="button secondary" href="{{$b.URL}}/gan-quyen">Gán quyền</a>{{end}}
</p>
{{if $b.Groups}}
<form method="post" action="{{$b.URL}}/nhom">
{{template "admin-csrf" $.CSRF}}
<label for="nhom">Nhóm người dùng</label>
<select id="nhom" name="nhom">{{range $b.Groups}}<option value="{{.ID}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select>
<button type="submit" class="secondary">Lưu nhóm</button>
</form>
{{end}}

<h2>Lịch sử thay đổi</h2>
{{if $b.History}}
<table>
<caption>Các thay đổi gần nhất, mới nhất trước</caption>
<thead><tr><th scope="col">Thời gian</th><th scope="col">Người thực hiện</th><th scope="col">Thao tác</th><th scope="col">Nội dung</th><th scope="col">Lý do</th></tr></thead>
<tbody>
{{range $b.History}}<tr><td>{{.Time}}</td><td>{{.Actor}}</td><td>{{.Action}}</td><td>{{.Details}}</td><td>{{.Reason}}</td></tr>
{{end}}</tbody>
</table>
{{else}}<p>Chưa có thay đổi nào.</p>{{end}}
<p><a href="{{.Prefix}}">Quay lại danh sách</a></p>
{{end}}
{{template "foot" .}}{{end}}

{{define "admin-unit"}}{{template "head" .}}{{template "admin-crumb" .}}
{{with .Data}}{{$b := .Body}}
<h1>Thay đổi đơn vị</h1>
<p>Người dùng: <strong>{{$b.User.Name}}</strong>. Đơn vị hiện tại: <strong>{{$b.User.Unit}}</strong>.</p>
{{if $b.Units}}
<form method="post" action="{{$b.User.URL}}/don-vi">
{{template "admin-csrf" $.CSRF}}
<label for="don-vi">Đơn vị mới</label>
<select id="don-vi" name="don-vi" required>{{range $b.Units}}<option value="{{.ID}}">{{.Label}}</option>{{end}}</select>
{{template "admin-reason"}}
<p><button type="submit">Lưu lại</button> <a href="{{$b.User.URL}}">Hủy</a></p>
</form>
{{else}}<p>Không có đơn vị nào khác trong phạm vi bạn quản lý.</p><p><a href="{{$b.User.URL}}">Quay lại</a></p>{{end}}
{{end}}
{{template "foot" .}}{{end}}

{{define "admin-grant"}}{{template "head" .}}{{template "admin-crumb" .}}
{{with .Data}}{{$b := .Body}}
<h1>Gán quyền</h1>
<p>Người dùng: <strong>{{$b.User.Name}}</strong> – {{$b.User.Unit}} – {{$b.User.State}}.</p>
{{if not $b.User.Active}}<p>Hãy kích hoạt người dùng trước khi gán quyền.</p><p><a href="{{$b.User.URL}}">Quay lại</a></p>
{{else if $b.Options}}
<form method="post" action="{{$b.User.URL}}/gan-quyen">
{{template "admin-csrf" $.CSRF}}
<fieldset><legend>Quyền được gán</legend>
{{range $i, $o := $b.Options}}<label><input type="radio" name="quyen" value="{{.Value}}" required> {{.Label}}</label>
{{end}}</fieldset>
{{template "admin-reason"}}
<p><button type="submit">Lưu lại</button> <a href="{{$b.User.URL}}">Hủy</a></p>
</form>
{{else}}<p>Bạn không còn quyền nào có thể gán cho người dùng này.</p><p><a href="{{$b.User.URL}}">Quay lại</a></p>{{end}}
{{end}}
{{template "foot" .}}{{end}}

{{define "admin-error"}}{{template "head" .}}{{template "admin-crumb" .}}
{{with .Data}}
<h1>Không thực hiện được</h1>
{{with .Detail}}<p><small>Chi tiết: <span lang="en">{{.}}</span></small></p>{{end}}
<p><a href="{{.Back}}">{{.BackText}}</a></p>
{{end}}
{{template "foot" .}}{{end}}
`)
