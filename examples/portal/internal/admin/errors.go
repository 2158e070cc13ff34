package admin

import (
	"context"
	"errors"
	"net/http"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// explain turns an error of rbac (or of the Vnconnect search) into a
// status, a Vietnamese message for the person, and rbac's own explanation
// (rbac.PublicMessage, English) shown beneath it. Nothing else of an
// error's text reaches the page: a store's or driver's words go to the log.
func explain(err error) (status int, msg, detail string) {
	detail, _ = rbac.PublicMessage(err)
	var de *rbac.DeniedError
	var qe *vnconnect.QueryError
	switch {
	case errors.As(err, &de):
		return http.StatusForbidden, deniedMessage(de.Rule), detail
	case errors.As(err, &qe):
		return http.StatusBadRequest, queryMessage(qe.Field), ""
	case errors.Is(err, rbac.ErrForbidden):
		return http.StatusForbidden, "Bạn không có quyền thực hiện thao tác này.", detail
	case errors.Is(err, rbac.ErrAlreadyMember):
		return http.StatusConflict, "Tài khoản này đã có trong hệ thống.", detail
	case errors.Is(err, rbac.ErrConflict):
		return http.StatusConflict, "Thao tác không phù hợp với trạng thái hiện tại của tài khoản; chưa có thay đổi nào được lưu.", detail
	case errors.Is(err, rbac.ErrNotFound):
		return http.StatusNotFound, "Không tìm thấy người dùng hoặc đơn vị.", detail
	case errors.Is(err, rbac.ErrInvalid):
		return http.StatusBadRequest, "Thông tin nhập chưa hợp lệ; chưa có thay đổi nào được lưu.", detail
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "Hệ thống đang bận, vui lòng thử lại.", ""
	}
	return http.StatusInternalServerError, "Đã có lỗi hệ thống; chưa có thay đổi nào được lưu.", ""
}

// deniedMessage says, per rbac rule, why the actor was refused.
func deniedMessage(rule string) string {
	switch rule {
	case rbac.RuleOutsideScope:
		return "Bạn không có quyền quản trị người dùng này: tài khoản hoặc đơn vị nằm ngoài phạm vi đơn vị bạn quản lý. Chưa có thay đổi nào được lưu."
	case rbac.RulePeerOrSuperior:
		return "Bạn không thể thao tác trên tài khoản quản trị ngang cấp hoặc cấp trên của mình. Chưa có thay đổi nào được lưu."
	case rbac.RuleLevel:
		return "Bạn chỉ được gán quyền quản trị ở cấp thấp hơn cấp của mình. Chưa có thay đổi nào được lưu."
	case rbac.RuleSelf:
		return "Bạn không thể tự thay đổi tài khoản hoặc quyền của chính mình."
	case rbac.RuleRoleNotGrantable:
		return "Quyền này không gán được cho người dùng thuộc loại đơn vị hiện tại. Chưa có thay đổi nào được lưu."
	case rbac.RuleNotAdmin, rbac.RuleNoActor:
		return "Bạn không có quyền quản trị người dùng."
	case rbac.RuleInactive:
		return "Tài khoản quản trị của bạn chưa kích hoạt hoặc đang bị khóa."
	}
	return "Bạn không có quyền thực hiện thao tác này."
}

// queryMessage names the search field Vnconnect's checks refused.
func queryMessage(field string) string {
	switch field {
	case "CCCD":
		return "Số CCCD chưa hợp lệ (12 chữ số)."
	case "CMND":
		return "Số CMND chưa hợp lệ (9 chữ số)."
	case "Phone":
		return "Số điện thoại chưa hợp lệ."
	case "Email":
		return "Địa chỉ email chưa hợp lệ."
	case "Name":
		return "Họ và tên tìm kiếm chưa hợp lệ."
	}
	return "Hãy nhập ít nhất một thông tin tìm kiếm hợp lệ: số CMND/CCCD, số điện thoại, email hoặc họ tên."
}
