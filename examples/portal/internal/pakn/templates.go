package pakn

import "github.com/rpkit-vn/rpkit/examples/portal/internal/ui"

// tpl holds the PAKN pages, over the shared layout.
var tpl = ui.Templates(`
{{define "message"}}{{template "head" .}}<h1>{{.Title}}</h1>{{template "foot" .}}{{end}}

{{define "framed"}}{{template "head" .}}{{.Data}}{{template "foot" .}}{{end}}

{{define "cases"}}<table>
<thead><tr><th scope="col">Số</th><th scope="col">Tiêu đề</th><th scope="col">Đơn vị tiếp nhận</th><th scope="col">Người gửi</th><th scope="col">Trạng thái</th><th scope="col">Ngày gửi</th></tr></thead>
<tbody>{{range .}}<tr><td>{{.ID}}</td><td>{{.Title}}</td><td>{{.UnitName}}</td><td>{{.CitizenName}}</td><td>{{.State}}</td><td>{{.CreatedAt.Format "02/01/2006"}}</td></tr>
{{end}}</tbody></table>{{end}}

{{define "submit"}}{{template "head" .}}
<h1>Gửi phản ánh, kiến nghị</h1>
{{with .Data.Problems}}<ul role="alert">{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
<form method="post" action="/phan-anh/gui">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<label for="tieu_de">Tiêu đề</label>
<input id="tieu_de" name="tieu_de" required maxlength="200" size="60" value="{{.Data.Title}}">
<label for="noi_dung">Nội dung phản ánh, kiến nghị</label>
<textarea id="noi_dung" name="noi_dung" required maxlength="5000" rows="8" cols="60">{{.Data.Content}}</textarea>
<label for="don_vi">Đơn vị tiếp nhận</label>
<select id="don_vi" name="don_vi" required>
<option value="">– Chọn đơn vị –</option>
{{range .Data.Units}}<option value="{{.ID}}"{{if .Selected}} selected{{end}}>{{.Name}}</option>
{{end}}</select>
<p><button type="submit">Gửi phản ánh</button></p>
</form>
{{template "foot" .}}{{end}}

{{define "mine"}}{{template "head" .}}
<h1>Phản ánh của tôi</h1>
{{if .Data}}<table>
<thead><tr><th scope="col">Số</th><th scope="col">Tiêu đề</th><th scope="col">Đơn vị tiếp nhận</th><th scope="col">Trạng thái</th><th scope="col">Trả lời</th></tr></thead>
<tbody>{{range .Data}}<tr><td>{{.ID}}</td><td>{{.Title}}</td><td>{{.UnitName}}</td><td>{{.State}}</td><td>{{.Answer}}</td></tr>
{{end}}</tbody></table>
{{else}}<p>Bạn chưa gửi phản ánh, kiến nghị nào.</p>{{end}}
<p><a class="button" href="/phan-anh/gui">Gửi phản ánh, kiến nghị</a></p>
{{template "foot" .}}{{end}}

{{define "process"}}{{template "head" .}}
<h1>Xử lý phản ánh</h1>
<h2>Phản ánh được giao cho tôi</h2>
{{if .Data.Mine}}<table>
<thead><tr><th scope="col">Số</th><th scope="col">Tiêu đề</th><th scope="col">Đơn vị tiếp nhận</th><th scope="col">Người gửi</th><th scope="col">Trạng thái</th><th scope="col">Thao tác</th></tr></thead>
<tbody>{{range .Data.Mine}}<tr><td>{{.ID}}</td><td>{{.Title}}</td><td>{{.UnitName}}</td><td>{{.CitizenName}}</td><td>{{.State}}</td>
<td>{{if ne .State "Đã trả lời"}}<a href="{{.URL}}" aria-label="Trả lời phản ánh số {{.ID}}: {{.Title}}">Trả lời</a>{{else}}<a href="{{.URL}}">Xem</a>{{end}}</td></tr>
{{end}}</tbody></table>
{{else}}<p>Chưa có phản ánh nào được giao cho bạn.</p>{{end}}
<h2>Phản ánh chưa có người xử lý</h2>
{{if .Data.Open}}<table>
<thead><tr><th scope="col">Số</th><th scope="col">Tiêu đề</th><th scope="col">Đơn vị tiếp nhận</th><th scope="col">Người gửi</th><th scope="col">Trạng thái</th><th scope="col">Thao tác</th></tr></thead>
<tbody>{{range .Data.Open}}<tr><td>{{.ID}}</td><td>{{.Title}}</td><td>{{.UnitName}}</td><td>{{.CitizenName}}</td><td>{{.State}}</td>
<td><a href="{{.URL}}">Xem</a></td></tr>
{{end}}</tbody></table>
{{else}}<p>Không có phản ánh mới trong các đơn vị bạn xử lý.</p>{{end}}
{{template "foot" .}}{{end}}

{{define "case"}}{{template "head" .}}
<h1>Phản ánh số {{.Data.ID}}: {{.Data.Title}}</h1>
<table><tbody>
<tr><th scope="row">Người gửi</th><td>{{.Data.CitizenName}}</td></tr>
<tr><th scope="row">Đơn vị tiếp nhận</th><td>{{.Data.UnitName}}</td></tr>
<tr><th scope="row">Trạng thái</th><td>{{.Data.State}}</td></tr>
<tr><th scope="row">Nội dung</th><td style="white-space:pre-wrap">{{.Data.Content}}</td></tr>
{{if .Data.Answer}}<tr><th scope="row">Trả lời</th><td style="white-space:pre-wrap">{{.Data.Answer}}</td></tr>{{end}}
</tbody></table>
{{if .Data.CanTake}}<form method="post" action="{{.Data.URL}}/nhan">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<p><button type="submit">Nhận xử lý</button></p>
</form>{{end}}
{{if and .Data.Mine (ne .Data.State "Đã trả lời")}}<form method="post" action="{{.Data.URL}}/tra-loi">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<label for="tra_loi">Nội dung trả lời</label>
<textarea id="tra_loi" name="tra_loi" required maxlength="5000" rows="8" cols="60">{{.Data.Draft}}</textarea>
<p><button type="submit">Gửi trả lời</button></p>
</form>{{end}}
<p><a href="/xu-ly-phan-anh">Về danh sách xử lý phản ánh</a></p>
{{template "foot" .}}{{end}}

{{define "choices"}}{{range .}}<div><input type="radio" id="{{.Name}}-{{.Key}}" name="{{.Name}}" value="{{.Key}}"{{if .Checked}} checked{{end}}>
<label for="{{.Name}}-{{.Key}}" style="display:inline">{{.Label}} – {{.Details}}</label></div>
{{end}}{{end}}

{{define "convert"}}{{template "head" .}}
<nav aria-label="Vị trí"><p><a href="/quan-tri/">Quản trị hệ thống</a> › Chuyển đổi tài khoản</p></nav>
<h1>Chuyển đổi tài khoản</h1>
<p>Chuyển tài khoản username/password sang tài khoản Vnconnect, hoặc chuyển đổi từ tài khoản Vnconnect này sang tài khoản Vnconnect khác khi thay đổi cán bộ. Lưu ý: thao tác chuyển đổi chỉ thực hiện thành công khi 2 tài khoản cùng đơn vị, nhóm người dùng.</p>
<nav aria-label="Loại chuyển đổi"><a href="{{.Data.LegacyURL}}"{{if .Data.Legacy}} aria-current="page"{{end}}>Chuyển đổi tài khoản username/password sang Vnconnect</a>
<a href="{{.Data.VnconnectURL}}"{{if not .Data.Legacy}} aria-current="page"{{end}}>Chuyển đổi từ tài khoản Vnconnect sang tài khoản Vnconnect khác</a></nav>
<form method="get" action="/quan-tri/chuyen-doi-tai-khoan">
<input type="hidden" name="loai" value="{{.Data.Form.Kind}}">
<fieldset><legend>{{if .Data.Legacy}}Tài khoản username/password cần chuyển đổi{{else}}Tài khoản Vnconnect cần chuyển đổi (cán bộ cũ){{end}}</legend>
<label for="tk">{{if .Data.Legacy}}Tên đăng nhập{{else}}Họ tên, số CCCD/CMND, điện thoại, email hoặc TechID{{end}}</label>
<input id="tk" name="tk" maxlength="100" value="{{.Data.Form.Source}}">
<button type="submit" name="tim" value="nguon">{{if .Data.Legacy}}Tra cứu tài khoản username/password{{else}}Tra cứu tài khoản Vnconnect cần chuyển đổi{{end}}</button>
{{if .Data.SourceSearched}}{{if .Data.SourceResults}}<p>Tìm thấy {{len .Data.SourceResults}} kết quả:</p>{{template "choices" .Data.SourceResults}}
{{else}}<p role="status">Không tìm thấy tài khoản nào trong phạm vi bạn quản lý.</p>{{end}}{{end}}
</fieldset>
<fieldset><legend>Tài khoản Vnconnect nhận chuyển đổi</legend>
<label for="q">Nhập thông tin tìm kiếm họ tên, số CCCD/CMND, số điện thoại, email</label>
<input id="q" name="q" maxlength="100" value="{{.Data.Form.Query}}">
<button type="submit" name="tim" value="den">Tra cứu tài khoản Vnconnect</button>
{{if .Data.TargetSearched}}{{if .Data.TargetResults}}<p>Tìm thấy {{len .Data.TargetResults}} kết quả:</p>{{template "choices" .Data.TargetResults}}
{{else}}<p role="status">Không tìm thấy tài khoản Vnconnect nào đã thêm vào hệ thống PAKN trong phạm vi bạn quản lý.</p>{{end}}{{end}}
</fieldset>
<p><button type="submit" formaction="/quan-tri/chuyen-doi-tai-khoan/ke-hoach">Chuyển đổi</button></p>
</form>
{{template "foot" .}}{{end}}

{{define "plan"}}{{template "head" .}}
<h1>Chuyển đổi tài khoản</h1>
{{if not .Data.Refused}}
<table><tbody>
<tr><th scope="row">Loại chuyển đổi</th><td>{{.Data.KindLabel}}</td></tr>
<tr><th scope="row">Tài khoản cần chuyển đổi</th><td>{{.Data.FromLabel}}</td></tr>
<tr><th scope="row">Tài khoản Vnconnect nhận</th><td>{{.Data.ToLabel}}</td></tr>
</tbody></table>
<h2>Dữ liệu sẽ chuyển</h2>
<table><thead><tr><th scope="col">Dữ liệu</th><th scope="col">Số bản ghi chuyển</th><th scope="col">Tài khoản nhận đang có</th></tr></thead>
<tbody>{{range .Data.Tables}}<tr><td>{{.Label}}</td><td>{{.Rows}}</td><td>{{.TargetHas}}</td></tr>{{end}}</tbody></table>
<h2>Quyền sẽ chuyển</h2>
{{template "rights" .Data.Rights}}
<form method="post" action="/quan-tri/chuyen-doi-tai-khoan/thuc-hien">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<input type="hidden" name="loai" value="{{.Data.Form.Kind}}">
<input type="hidden" name="nguon" value="{{.Data.Form.From}}">
<input type="hidden" name="den" value="{{.Data.Form.To}}">
<label for="ly_do">Lý do chuyển đổi</label>
<input id="ly_do" name="ly_do" required maxlength="500" size="60" value="{{.Data.Reason}}">
<p>Bạn có đồng ý chuyển {{.Data.Total}} bản ghi và các quyền trên sang tài khoản Vnconnect nhận?</p>
<p><button type="submit">Đồng ý</button> <a class="button secondary" href="{{.Data.BackURL}}">Quay lại</a></p>
</form>
{{else}}<p><a class="button secondary" href="{{.Data.BackURL}}">Quay lại tra cứu</a></p>{{end}}
{{template "foot" .}}{{end}}

{{define "rights"}}<table><thead><tr><th scope="col">Phân hệ</th><th scope="col">Đơn vị</th><th scope="col">Nhóm người dùng</th><th scope="col">Tài khoản cần chuyển đổi</th><th scope="col">Vai trò của tài khoản nhận: trước</th><th scope="col">sau</th></tr></thead>
<tbody>{{range .}}<tr><td>{{.Subsystem}}</td><td>{{.Unit}}</td><td>{{.Group}}</td><td>{{.SourceRoles}}</td><td>{{.TargetBefore}}</td><td>{{.TargetAfter}}</td></tr>{{end}}</tbody></table>{{end}}

{{define "result"}}{{template "head" .}}
<h1>Kết quả chuyển đổi tài khoản</h1>
<table><tbody>
<tr><th scope="row">Mã chuyển đổi</th><td>{{.Data.ID}}</td></tr>
<tr><th scope="row">Loại chuyển đổi</th><td>{{.Data.KindLabel}}</td></tr>
<tr><th scope="row">Tài khoản đã chuyển đổi</th><td>{{.Data.FromLabel}}</td></tr>
<tr><th scope="row">Tài khoản Vnconnect nhận</th><td>{{.Data.ToLabel}}</td></tr>
<tr><th scope="row">Trạng thái</th><td>{{.Data.State}}</td></tr>
</tbody></table>
<h2>Dữ liệu đã chuyển</h2>
<table><thead><tr><th scope="col">Dữ liệu</th><th scope="col">Theo kế hoạch</th><th scope="col">Đã chuyển</th></tr></thead>
<tbody>{{range .Data.Tables}}<tr><td>{{.Label}}</td><td>{{.Rows}}</td><td>{{.MovedNow}}</td></tr>{{end}}</tbody></table>
<h2>Quyền đã chuyển</h2>
{{template "rights" .Data.Rights}}
<h2>Kiểm tra dữ liệu chuyển đổi</h2>
{{if .Data.Verified}}<p class="status" role="status">Kiểm tra: dữ liệu chuyển đổi đầy đủ — tài khoản cũ không còn dữ liệu, tài khoản nhận có đủ dữ liệu và quyền theo kế hoạch{{if .Data.Legacy}}, tên đăng nhập cũ đã bị vô hiệu hóa{{end}}.</p>
{{else if .Data.Problems}}<div class="alert" role="alert"><p>Kiểm tra phát hiện sai khác so với kế hoạch:</p><ul>{{range .Data.Problems}}<li>{{.}}</li>{{end}}</ul></div>
{{else}}<p>Chuyển đổi chưa hoàn thành nên chưa kiểm tra được.</p>{{end}}
<p>Người nhận hãy đăng nhập bằng tài khoản Vnconnect và kiểm tra lại dữ liệu chuyển đổi đã đầy đủ hay chưa.</p>
<p><a href="{{.Data.NewURL}}">Chuyển đổi tài khoản khác</a></p>
{{template "foot" .}}{{end}}

{{define "legacy"}}{{template "head" .}}
<h1>Đăng nhập bằng tên đăng nhập</h1>
<p>Hình thức đăng nhập bằng tên người dùng, mật khẩu đang được thay bằng Vnconnect. Tài khoản đã chuyển đổi sang Vnconnect không đăng nhập bằng mật khẩu cũ được nữa.</p>
{{if .Data.LoggedIn}}
<h2>Phản ánh được giao cho tài khoản {{.Data.Username}}</h2>
{{if .Data.Cases}}{{template "cases" .Data.Cases}}{{else}}<p>Tài khoản chưa được giao phản ánh nào.</p>{{end}}
{{else}}
<form method="post" action="/dang-nhap-tai-khoan-cu">
<input type="hidden" name="csrf" value="{{.Data.CSRF}}">
<label for="ten_dang_nhap">Tên đăng nhập</label>
<input id="ten_dang_nhap" name="ten_dang_nhap" required maxlength="100" autocomplete="username" value="{{.Data.Username}}">
<label for="mat_khau">Mật khẩu</label>
<input id="mat_khau" name="mat_khau" type="password" required maxlength="1024" autocomplete="current-password">
<p><button type="submit">Đăng nhập</button></p>
</form>
{{end}}
<p><a href="/">Đăng nhập bằng Vnconnect</a></p>
{{template "foot" .}}{{end}}
`)
