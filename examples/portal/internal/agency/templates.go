package agency

// The screens' templates, over ui's "head" and "foot".
const pagesSrc = `
{{define "refused"}}{{template "head" .}}
<h1>Không thực hiện được</h1>
<p><a href="{{.Data.Back}}">Quay lại</a></p>
{{template "foot" .}}{{end}}

{{define "register"}}{{template "head" .}}
<h1>Đăng ký tài khoản quản trị cấp cao</h1>
{{with .Data}}
<p>Tài khoản quản trị cấp cao là tài khoản có quyền cao nhất của Bộ, ngành, địa phương. Nó được cấp cho tài khoản
cơ quan nhà nước đăng ký bằng thiết bị chứng thư số (USB ký số) do Ban Cơ yếu Chính phủ cấp cho cơ quan, sau khi
Văn phòng Chính phủ phê duyệt.</p>
<h2>Trạng thái</h2>
<dl>
<dt>Tài khoản đang đăng nhập</dt><dd>{{.Name}}</dd>
{{with .AgencyCode}}<dt>Mã định danh cơ quan (Vnconnect)</dt><dd>{{.}}</dd>{{end}}
</dl>
{{if .Supers}}
<table>
<caption>Quản trị cấp cao</caption>
<thead><tr><th scope="col">Đơn vị</th><th scope="col">Mã định danh</th><th scope="col">Trạng thái</th><th scope="col">Từ</th></tr></thead>
<tbody>{{range .Supers}}<tr><td>{{.Unit}}</td><td>{{.Code}}</td><td>Quản trị cấp cao (đã phê duyệt)</td><td>{{.GrantedAt}}</td></tr>{{end}}</tbody>
</table>
<p>Tài khoản này là <strong>quản trị cấp cao</strong>: vào <a href="/quan-tri/nguoi-dung">Quản lý người dùng</a> để thêm mới và phân quyền cho quản trị cấp 1.</p>
{{end}}
{{if .Requests}}
<table>
<caption>Đăng ký đã gửi</caption>
<thead><tr><th scope="col">Đơn vị</th><th scope="col">Chứng thư số</th><th scope="col">Gửi lúc</th><th scope="col">Trạng thái</th><th scope="col">Ghi chú của Văn phòng Chính phủ</th></tr></thead>
<tbody>{{range .Requests}}<tr><td>{{.Unit}}</td><td>{{.Agency}} ({{.CertCode}}), số hiệu {{.Serial}}</td><td>{{.CreatedAt}}</td><td><strong>{{.State}}</strong></td><td>{{.Note}}</td></tr>{{end}}</tbody>
</table>
{{end}}
{{if not .Supers}}{{if not .Requests}}<p>Chưa đăng ký.</p>{{end}}{{end}}
<h2>Đăng ký bằng USB ký số</h2>
{{if .IsOrg}}
<ol>
<li>Cắm USB ký số (thiết bị chứng thư số) của cơ quan vào máy tính.</li>
<li>Bấm “Đăng ký bằng USB ký số”, rồi “Ký số bằng USB token”: chọn chứng thư số và nhập mã PIN.</li>
<li>Kiểm tra thông tin đọc từ chứng thư số, chọn đơn vị và bấm “Đăng ký”.</li>
<li>Văn phòng Chính phủ kiểm tra mã định danh cơ quan và phê duyệt.</li>
</ol>
<form method="post" action="/quan-tri/dang-ky-quan-tri/ky-so">
<input type="hidden" name="csrf" value="{{$.CSRF}}">
<button type="submit">Đăng ký bằng USB ký số</button>
</form>
{{else}}
<p class="alert" role="alert">Chức năng này dành cho tài khoản tổ chức của cơ quan nhà nước: đăng nhập Vnconnect bằng tài khoản của cơ quan (Bộ, UBND tỉnh/thành phố) rồi đăng ký.</p>
{{end}}
{{end}}
{{template "foot" .}}{{end}}

{{define "challenge"}}{{template "head" .}}
<h1>Ký số bằng USB token</h1>
{{with .Data}}
<p>Cổng đã tạo yêu cầu ký số dưới đây, dùng được một lần, hết hạn lúc {{.Expires}}. Bấm “Ký số bằng USB token”:
phần mềm ký số trên máy tính hỏi chứng thư số và mã PIN, ký, rồi gửi kết quả về cổng.</p>
<p><strong>Bản demo:</strong> phần mềm ký số ở đây là <em>trình ký số mô phỏng</em> (đường dẫn /dev/plugin-ky-so/),
giữ khóa của các cơ quan thử nghiệm do PKI thử nghiệm cấp. Thực tế đó là phần mềm của Ban Cơ yếu Chính phủ cài trên máy,
khóa nằm trong USB.</p>
<h2>Dữ liệu cần ký</h2>
<pre>{{.Input}}</pre>
<form method="post" action="{{.PluginPath}}">
<input type="hidden" name="csrf" value="{{$.CSRF}}">
<input type="hidden" name="ma" value="{{.ID}}">
<input type="hidden" name="du-lieu" value="{{.InputB64}}">
<button type="submit">Ký số bằng USB token</button>
</form>
<p><a href="/quan-tri/dang-ky-quan-tri">Hủy</a></p>
{{end}}
{{template "foot" .}}{{end}}

{{define "confirm"}}{{template "head" .}}
<h1>Xác nhận đăng ký quản trị cấp cao</h1>
{{with .Data}}
<table>
<caption>Thông tin đọc từ chứng thư số</caption>
<tbody>
<tr><th scope="row">Tên cơ quan</th><td>{{.Cred.Name}}</td></tr>
<tr><th scope="row">Mã định danh cơ quan</th><td>{{.Cred.AgencyCode}}</td></tr>
<tr><th scope="row">Mã số thuế</th><td>{{.Cred.MST}}</td></tr>
<tr><th scope="row">Số hiệu chứng thư số</th><td>{{.Cred.CertSerial}}</td></tr>
<tr><th scope="row">Tổ chức cấp</th><td>{{.Cred.CertIssuer}}</td></tr>
<tr><th scope="row">Hiệu lực đến</th><td>{{.NotAfter}}</td></tr>
</tbody>
</table>
<form method="post" action="/quan-tri/dang-ky-quan-tri/gui">
<input type="hidden" name="csrf" value="{{$.CSRF}}">
<input type="hidden" name="ma-xac-nhan" value="{{.Token}}">
<label for="don-vi">Đơn vị đăng ký quản trị cấp cao</label>
<select id="don-vi" name="don-vi">{{range .Units}}<option value="{{.ID}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select>
<label for="ly-do">Lý do</label>
<input id="ly-do" name="ly-do" value="{{.Reason}}" size="60" maxlength="500">
<p><button type="submit">Đăng ký</button></p>
</form>
<p><a href="/quan-tri/dang-ky-quan-tri">Hủy</a></p>
{{end}}
{{template "foot" .}}{{end}}

{{define "approve"}}{{template "head" .}}
<h1>Phê duyệt đăng ký quản trị</h1>
{{with .Data}}
<h2>Chờ phê duyệt</h2>
{{range .Pending}}
<section aria-labelledby="r-{{.ID}}">
<h3 id="r-{{.ID}}">{{.Agency}}{{if ne .Agency .Unit}} – {{.Unit}}{{end}}</h3>
<dl>
<dt>Đơn vị</dt><dd>{{.Unit}} ({{.Code}})</dd>
<dt>Mã định danh trong chứng thư số</dt><dd>{{.CertCode}}</dd>
<dt>Mã số thuế</dt><dd>{{.MST}}</dd>
<dt>Số hiệu chứng thư số</dt><dd>{{.Serial}}</dd>
<dt>Tổ chức cấp</dt><dd>{{.Issuer}}</dd>
<dt>Gửi lúc</dt><dd>{{.CreatedAt}}</dd>
<dt>Lý do</dt><dd>{{.Reason}}</dd>
<dt>Trạng thái</dt><dd>{{.State}}</dd>
</dl>
<form method="post" action="/quan-tri/phe-duyet-dang-ky/{{.ID}}">
<input type="hidden" name="csrf" value="{{$.CSRF}}">
<label for="ly-do-{{.ID}}">Ghi chú (bắt buộc khi từ chối)</label>
<input id="ly-do-{{.ID}}" name="ly-do" size="60" maxlength="500">
<p><button type="submit" name="quyet-dinh" value="phe-duyet">Phê duyệt</button>
<button type="submit" name="quyet-dinh" value="tu-choi" class="secondary">Từ chối</button></p>
</form>
</section>
{{else}}
<p>Không có đăng ký nào chờ phê duyệt.</p>
{{end}}
{{if .Decided}}
<table>
<caption>Đã xử lý gần đây</caption>
<thead><tr><th scope="col">Cơ quan</th><th scope="col">Đơn vị</th><th scope="col">Trạng thái</th><th scope="col">Ghi chú</th></tr></thead>
<tbody>{{range .Decided}}<tr><td>{{.Agency}} ({{.CertCode}})</td><td>{{.Unit}}</td><td>{{.State}}</td><td>{{.Note}}</td></tr>{{end}}</tbody>
</table>
{{end}}
{{end}}
{{template "foot" .}}{{end}}
`

// The simulated plugin's templates: its own window, not the portal's.
const pluginSrc = `
{{define "plugin-notice"}}<p class="alert"><strong>Trình ký số mô phỏng – chỉ có trong bản demo.</strong>
Nó thay cho phần mềm ký số của Ban Cơ yếu Chính phủ (dịch vụ chạy trên máy, khóa nằm trong USB token) và giữ khóa
của các cơ quan thử nghiệm do PKI thử nghiệm của bản demo cấp. Hệ thống thật không có trang này.</p>{{end}}

{{define "plugin-refused"}}{{template "head" .}}
<h1>Không ký được</h1>
{{template "plugin-notice"}}
{{template "foot" .}}{{end}}

{{define "plugin-choose"}}{{template "head" .}}
<h1>Chọn chứng thư số</h1>
{{template "plugin-notice"}}
{{with .Data}}
<h2>Dữ liệu cần ký</h2>
<pre>{{.Input}}</pre>
<form method="post" action="/dev/plugin-ky-so/ky">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<input type="hidden" name="ma" value="{{.ChallengeID}}">
<input type="hidden" name="du-lieu" value="{{.InputB64}}">
<fieldset>
<legend>Chứng thư số trên USB token</legend>
{{range .Certs}}
<p><input type="radio" name="chung-thu" id="ct-{{.Index}}" value="{{.Index}}">
<label for="ct-{{.Index}}" style="display:inline">{{.Name}} – Mã định danh: {{.Code}} – MST: {{.MST}} – Số hiệu: {{.Serial}} – Cấp bởi: {{.Issuer}} – Hiệu lực đến {{.End}}</label></p>
{{end}}
</fieldset>
<label for="pin">Mã PIN</label>
<input id="pin" name="pin" type="password" autocomplete="off" inputmode="numeric" maxlength="16">
<p><small>Mã PIN của USB token thử nghiệm: {{.PIN}}</small></p>
<p><button type="submit">Ký số</button></p>
</form>
{{end}}
{{template "foot" .}}{{end}}

{{define "plugin-signed"}}{{template "head" .}}
<h1>Đã ký số</h1>
{{template "plugin-notice"}}
{{with .Data}}
<p>Đã ký dữ liệu bằng chứng thư số <strong>{{.Signed.Name}}</strong> (mã định danh {{.Signed.Code}}, số hiệu {{.Signed.Serial}}).
Bấm “Gửi kết quả ký” để gửi chữ ký (CMS/PKCS#7) về cổng.</p>
<form method="post" action="{{.AnswerPath}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<input type="hidden" name="challenge_id" value="{{.ChallengeID}}">
<input type="hidden" name="cms" value="{{.CMS}}">
<button type="submit">Gửi kết quả ký</button>
</form>
{{end}}
{{template "foot" .}}{{end}}
`
