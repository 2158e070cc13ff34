package changeimport

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/changeform"
)

const (
	msgCSRF     = "Phiên làm việc không hợp lệ hoặc biểu mẫu đã cũ (thiếu mã chống giả mạo). Vui lòng tải lại trang và thực hiện lại."
	msgNotAdmin = "Chỉ quản trị viên (quản trị cấp cao, quản trị cấp 1, 2, 3…) được nhập phiếu thay đổi."
	msgInternal = "Hệ thống đang gặp sự cố, vui lòng thử lại sau."
)

// outcomeOrder is the order of the counts on the page.
var outcomeOrder = []changeform.Outcome{
	changeform.Add, changeform.Added, changeform.AlreadyPresent, changeform.NotRegistered, changeform.NameMismatch,
	changeform.InvalidID, changeform.UnknownSubsystem, changeform.Forbidden, changeform.MissingName,
	changeform.Duplicate, changeform.Ambiguous, changeform.Failed,
}

// outcomeLabel is a row's outcome as the page shows it.
func outcomeLabel(o changeform.Outcome) string {
	switch o {
	case changeform.Add:
		return "Sẽ thêm (Chưa kích hoạt)"
	case changeform.Added:
		return "Đã thêm – Chưa kích hoạt"
	case changeform.AlreadyPresent:
		return "Đã có trên phân hệ"
	case changeform.NotRegistered:
		return "Chưa đăng ký Vnconnect"
	case changeform.NameMismatch:
		return "Họ tên không khớp Vnconnect"
	case changeform.InvalidID:
		return "Số CMND/CCCD không hợp lệ"
	case changeform.UnknownSubsystem:
		return "Không xác định được phân hệ"
	case changeform.Forbidden:
		return "Không có quyền"
	case changeform.MissingName:
		return "Thiếu họ tên"
	case changeform.Duplicate:
		return "Trùng dòng trước"
	case changeform.Ambiguous:
		return "Nhiều tài khoản trùng số"
	case changeform.Failed:
		return "Lỗi, hãy nhập lại phiếu"
	}
	return string(o)
}

// outcomeDetail explains a row in Vietnamese; only what the row itself
// holds, never a library's English text.
func outcomeDetail(r changeform.Result) string {
	var s string
	switch r.Outcome {
	case changeform.NotRegistered:
		s = "Cán bộ cần đăng ký tài khoản tại dangky.dichvucong.gov.vn trước."
	case changeform.NameMismatch:
		s = "Tài khoản Vnconnect giữ số này mang họ tên khác."
	case changeform.Forbidden:
		s = "Bạn không được thêm người vào phân hệ này ở đơn vị đã chọn, hoặc người này là quản trị ngang cấp/cấp trên."
	case changeform.UnknownSubsystem:
		s = "Tên phân hệ không khớp (hoặc khớp nhiều) phân hệ của Cổng."
	case changeform.Duplicate:
		s = "Cùng người, cùng phân hệ với một dòng phía trên."
	case changeform.InvalidID:
		s = "Cần 9 số (CMND) hoặc 12 số (CCCD)."
	}
	if r.IDRepaired {
		if s != "" {
			s += " "
		}
		s += "Đã khôi phục số 0 đầu bị mất khi lưu dạng số."
	}
	if r.SubsystemFromAbove {
		if s != "" {
			s += " "
		}
		s += "Phân hệ lấy theo dòng trên."
	}
	return s
}

// parseRefusal maps a parse failure to the admin's message and status.
func parseRefusal(err error, lim changeform.Limits) (int, string) {
	where := ""
	var pe *changeform.ParseError
	if errors.As(err, &pe) {
		if pe.Line > 0 {
			where = " (dòng " + strconv.Itoa(pe.Line)
			if pe.Column != "" {
				where += ", cột " + pe.Column
			}
			where += ")"
		}
	}
	switch {
	case errors.Is(err, changeform.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "Tệp quá lớn: tối đa " + sizeLabel(lim.MaxFileBytes) + "."
	case errors.Is(err, changeform.ErrTooManyRows):
		return http.StatusRequestEntityTooLarge, "Phiếu có quá nhiều dòng; hãy chia thành nhiều phiếu."
	case errors.Is(err, changeform.ErrCellTooLong):
		return http.StatusBadRequest, "Có ô quá dài" + where + "."
	case errors.Is(err, changeform.ErrNoHeader):
		return http.StatusBadRequest, "Không tìm thấy dòng tiêu đề của biểu mẫu (STT, Phân hệ, Họ và tên, Số CMND/CCCD, Ghi chú)."
	case errors.Is(err, changeform.ErrEncoding):
		return http.StatusBadRequest, "Tệp CSV không ở bảng mã UTF-8" + where + "."
	case errors.Is(err, changeform.ErrFormat):
		return http.StatusBadRequest, "Không đọc được tệp: cần tệp Excel (.xlsx) hoặc CSV theo biểu mẫu" + where + "."
	}
	return refusal(err)
}

// refusal maps an rbac error (or the importer's request errors, which
// wrap rbac's sentinels) to the admin's message and status.
func refusal(err error) (int, string) {
	with := func(s string) string { return ui.WithDetail(s, err) }
	switch rbac.ErrorCode(err) {
	case rbac.CodeForbidden:
		return http.StatusForbidden, with("Bạn không có quyền thực hiện thao tác này.")
	case rbac.CodeNotFound:
		return http.StatusNotFound, "Không tìm thấy đơn vị đã chọn."
	case rbac.CodeConflict:
		return http.StatusConflict, with("Đơn vị đã chọn không còn hoạt động (đã sáp nhập).")
	case rbac.CodeInvalid:
		return http.StatusBadRequest, "Chưa chọn đơn vị hoặc thông tin nhập chưa hợp lệ."
	}
	return http.StatusInternalServerError, msgInternal
}
