package agency

import (
	"errors"
	"net/http"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/rbac"
)

// Fixed messages: the pages never echo request text in a refusal.
const (
	msgCSRF        = "Phiên làm việc không hợp lệ hoặc biểu mẫu đã cũ (thiếu mã chống giả mạo). Vui lòng tải lại trang và thực hiện lại."
	msgNotOrg      = "Chức năng này dành cho tài khoản tổ chức của cơ quan nhà nước: đăng nhập Vnconnect bằng tài khoản của cơ quan (Bộ, UBND tỉnh/thành phố) rồi đăng ký."
	msgOtherAgency = "Chứng thư số đã ký không phải của cơ quan đang đăng nhập: mã định danh trong chứng thư số khác mã định danh của tài khoản tổ chức."
	msgNoCode      = "Chứng thư số không có mã định danh cơ quan (MDV) nên không dùng được để đăng ký quản trị cấp cao."
	msgPendingGone = "Phiên xác nhận đăng ký đã hết hạn hoặc đã được dùng. Vui lòng ký số lại từ đầu."
	msgInternal    = "Hệ thống đang gặp sự cố, vui lòng thử lại sau."
)

// challengeRefusal maps a refused answer to what the person reads, and
// the status: 400 for an unreadable answer, 403 for a refusal.
func challengeRefusal(err error) (int, string) {
	switch {
	case errors.Is(err, pki.ErrChallengeUnknown):
		return http.StatusForbidden, "Kết quả ký này đã được sử dụng hoặc yêu cầu ký không tồn tại (mỗi yêu cầu ký chỉ dùng được một lần). Vui lòng bấm “Đăng ký bằng USB ký số” để ký lại."
	case errors.Is(err, pki.ErrChallengeExpired):
		return http.StatusForbidden, "Yêu cầu ký số đã hết hạn. Vui lòng bấm “Đăng ký bằng USB ký số” để ký lại."
	case errors.Is(err, pki.ErrChallengePurpose), errors.Is(err, pki.ErrChallengeAudience):
		return http.StatusForbidden, "Kết quả ký không dành cho chức năng đăng ký quản trị cấp cao của hệ thống này."
	case errors.Is(err, pki.ErrChallengeSignature):
		return http.StatusForbidden, "Chữ ký số không hợp lệ: dữ liệu đã ký không khớp với yêu cầu ký."
	case errors.Is(err, pki.ErrRevoked):
		return http.StatusForbidden, "Chứng thư số đã bị thu hồi, không dùng được để đăng ký."
	case errors.Is(err, pki.ErrRevocationUnknown):
		return http.StatusForbidden, "Chưa kiểm tra được tình trạng thu hồi của chứng thư số. Vui lòng thử lại sau ít phút."
	case errors.Is(err, pki.ErrExpired), errors.Is(err, pki.ErrNotYetValid):
		return http.StatusForbidden, "Chứng thư số đã hết hạn hoặc chưa có hiệu lực."
	case errors.Is(err, pki.ErrChallengeCertificate):
		return http.StatusForbidden, "Chứng thư số không được chấp nhận: phải là chứng thư số còn hiệu lực do Ban Cơ yếu Chính phủ cấp cho cơ quan, dùng để ký."
	case errors.Is(err, pki.ErrChallengeMalformed):
		return http.StatusBadRequest, "Không đọc được kết quả ký số. Vui lòng ký lại."
	}
	return http.StatusInternalServerError, msgInternal
}

// rbacRefusal maps an rbac error to what the person reads, and the
// status. rbac's own detail (rbac.PublicMessage, in English) follows the
// Vietnamese sentence, for the operator's support desk.
func rbacRefusal(err error) (int, string) {
	with := func(s string) string { return ui.WithDetail(s, err) }
	var de *rbac.DeniedError
	if errors.As(err, &de) {
		switch de.Rule {
		case rbac.RuleCodeMismatch:
			return http.StatusForbidden, with("Mã định danh cơ quan trong chứng thư số không khớp với mã định danh của đơn vị đã chọn.")
		case rbac.RuleOperatorOnly:
			return http.StatusForbidden, "Chỉ Văn phòng Chính phủ (đơn vị vận hành nền tảng) được xem và phê duyệt đăng ký quản trị cấp cao."
		}
		return http.StatusForbidden, with("Bạn không có quyền thực hiện thao tác này.")
	}
	switch rbac.ErrorCode(err) {
	case rbac.CodeNotFound:
		return http.StatusNotFound, with("Không tìm thấy thông tin cần thiết.")
	case rbac.CodeConflict:
		return http.StatusConflict, with("Thao tác không thực hiện được với trạng thái hiện tại (có thể đã được xử lý).")
	case rbac.CodeInvalid:
		return http.StatusBadRequest, with("Thông tin nhập chưa hợp lệ.")
	}
	return http.StatusInternalServerError, msgInternal
}

// stateLabel is a request state as the pages show it.
func stateLabel(s rbac.RequestState) string {
	switch s {
	case rbac.RequestPending:
		return "Chờ phê duyệt"
	case rbac.RequestApproved:
		return "Đã phê duyệt"
	case rbac.RequestRejected:
		return "Bị từ chối"
	}
	return string(s)
}

// flashes are the outcomes a redirect may announce (?tb=code).
var flashes = map[string]string{
	"da-gui":       "Đã gửi đăng ký tài khoản quản trị cấp cao. Trạng thái: Chờ phê duyệt của Văn phòng Chính phủ.",
	"da-phe-duyet": "Đã phê duyệt: tài khoản cơ quan đã là quản trị cấp cao của đơn vị.",
	"da-tu-choi":   "Đã từ chối đăng ký.",
}
