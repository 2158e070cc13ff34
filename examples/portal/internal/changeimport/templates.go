package changeimport

const pagesSrc = `
{{define "refused"}}{{template "head" .}}
<h1>Không thực hiện được</h1>
<p><a href="/quan-tri/phieu-thay-doi">Quay lại</a></p>
{{template "foot" .}}{{end}}

{{define "form"}}{{template "head" .}}
<h1>Nhập phiếu thay đổi</h1>
{{with .Data}}
<p>Phiếu thay đổi là danh sách bổ sung tài khoản xử lý trên các phân hệ của Cổng Dịch vụ công quốc gia
(biểu mẫu kèm Công văn 6112/VP-KGVX): các cột <strong>STT</strong>, <strong>Phân hệ cần bổ sung CCVC xử lý</strong>,
<strong>Họ và tên CCVC</strong>, <strong>Số CMND/CCCD</strong>, <strong>Ghi chú</strong>. Tải lên tệp Excel (.xlsx) hoặc CSV,
xem trước kết quả từng dòng, rồi bấm “Áp dụng”. Những người được thêm ở trạng thái Chưa kích hoạt; nhập lại cùng phiếu
không thêm ai hai lần.</p>
<form method="post" action="/quan-tri/phieu-thay-doi/xem-truoc" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{{$.CSRF}}">
<label for="tep">Tệp phiếu thay đổi (.xlsx hoặc .csv, tối đa {{.MaxBytes}})</label>
<input id="tep" name="tep" type="file" accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv" required>
<label for="don-vi">Đơn vị của những người trong phiếu</label>
<select id="don-vi" name="don-vi">{{range .Units}}<option value="{{.ID}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select>
<label for="ly-do">Căn cứ</label>
<input id="ly-do" name="ly-do" value="{{.Reason}}" size="60" maxlength="500">
<p><button type="submit">Tải lên và xem trước</button></p>
</form>
{{end}}
{{template "foot" .}}{{end}}

{{define "report"}}{{template "head" .}}
{{with .Data}}
<h1>{{if .Applied}}Kết quả áp dụng phiếu thay đổi{{else}}Xem trước phiếu thay đổi{{end}}</h1>
<dl>
<dt>Tệp</dt><dd>{{.FileName}}</dd>
<dt>Đơn vị</dt><dd>{{.Unit}}</dd>
<dt>Căn cứ</dt><dd>{{.Reason}}</dd>
</dl>
<table>
<caption>Tổng hợp</caption>
<tbody>{{range .Counts}}<tr><th scope="row">{{.Label}}</th><td>{{.N}}</td></tr>{{end}}</tbody>
</table>
<table>
<caption>{{if .Applied}}Kết quả từng dòng{{else}}Dự kiến từng dòng{{end}}</caption>
<thead><tr><th scope="col">Dòng</th><th scope="col">STT</th><th scope="col">Phân hệ</th><th scope="col">Họ và tên</th><th scope="col">Số CMND/CCCD</th><th scope="col">Ghi chú (trong phiếu)</th><th scope="col">Kết quả</th><th scope="col">Giải thích</th></tr></thead>
<tbody>{{range .Rows}}<tr><td>{{.Line}}</td><td>{{.STT}}</td><td>{{with .Target}}{{.}}{{else}}{{.Subsystem}}{{end}}</td><td>{{.Name}}</td><td>{{.ID}}</td><td>{{.Note}}</td><td>{{if .Ok}}<strong>{{.Outcome}}</strong>{{else}}{{.Outcome}}{{end}}</td><td>{{.Detail}}</td></tr>{{end}}</tbody>
</table>
{{if .Applied}}
<p><a href="/quan-tri/phieu-thay-doi">Nhập phiếu khác</a></p>
{{else if .ToAdd}}
<form method="post" action="/quan-tri/phieu-thay-doi/ap-dung">
<input type="hidden" name="csrf" value="{{$.CSRF}}">
<input type="hidden" name="tep" value="{{.File}}">
<input type="hidden" name="ten-tep" value="{{.FileName}}">
<input type="hidden" name="don-vi" value="{{.UnitID}}">
<input type="hidden" name="ly-do" value="{{.Reason}}">
<p><button type="submit">Áp dụng</button> <a href="/quan-tri/phieu-thay-doi">Hủy</a></p>
</form>
{{else}}
<p>Không có dòng nào cần thêm. <a href="/quan-tri/phieu-thay-doi">Nhập phiếu khác</a></p>
{{end}}
{{end}}
{{template "foot" .}}{{end}}
`
