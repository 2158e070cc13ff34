package agency

import (
	"net/http"
	"slices"
	"strings"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
)

// The operator's side (Văn phòng Chính phủ): "Phê duyệt đăng ký quản trị".

type approveData struct {
	Pending, Decided []requestRow
}

// maxDecided bounds the decided requests the page lists.
const maxDecided = 20

func (s *Screens) approvePage(w http.ResponseWriter, r *http.Request) {
	me, _ := s.cfg.Identity(r)
	reqs, err := s.cfg.RBAC.SuperAdminRequests(r.Context(), me.TechID, "")
	if err != nil {
		st, msg := rbacRefusal(err)
		if st == http.StatusInternalServerError {
			s.cfg.Logger.ErrorContext(r.Context(), "agency: list requests", "err", err)
		}
		s.fail(w, r, st, msg, "/")
		return
	}
	var d approveData
	err = s.cfg.RBAC.Store().View(r.Context(), func(tx rbac.ReadTx) error {
		for _, q := range reqs {
			u, _ := tx.Unit(q.Unit)
			row := newRequestRow(q, u)
			if row.Pending {
				d.Pending = append(d.Pending, row)
			} else {
				d.Decided = append(d.Decided, row)
			}
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, "/")
		return
	}
	slices.Reverse(d.Decided) // newest first
	if len(d.Decided) > maxDecided {
		d.Decided = d.Decided[:maxDecided]
	}
	p := s.page(r, "Phê duyệt đăng ký quản trị", d)
	p.Flash = flashes[r.URL.Query().Get("tb")]
	ui.Render(w, s.tpl, http.StatusOK, "approve", p)
}

// decide approves or rejects one request.
func (s *Screens) decide(w http.ResponseWriter, r *http.Request) {
	if !s.postForm(w, r, 16<<10, PathApprove) {
		return
	}
	me, _ := s.cfg.Identity(r)
	id := r.PathValue("id")
	reason := clip(strings.TrimSpace(r.PostFormValue("ly-do")), maxReason)
	var err error
	var tb string
	switch r.PostFormValue("quyet-dinh") {
	case "phe-duyet":
		if reason == "" {
			reason = "Mã định danh cơ quan khớp, phê duyệt quản trị cấp cao"
		}
		_, err = s.cfg.RBAC.ApproveSuperAdmin(r.Context(), me.TechID, id, reason)
		tb = "da-phe-duyet"
	case "tu-choi":
		if reason == "" {
			s.fail(w, r, http.StatusBadRequest, "Vui lòng nhập lý do từ chối.", PathApprove)
			return
		}
		_, err = s.cfg.RBAC.RejectSuperAdmin(r.Context(), me.TechID, id, reason)
		tb = "da-tu-choi"
	default:
		s.fail(w, r, http.StatusBadRequest, "Chọn “Phê duyệt” hoặc “Từ chối”.", PathApprove)
		return
	}
	if err != nil {
		st, msg := rbacRefusal(err)
		if st == http.StatusInternalServerError {
			s.cfg.Logger.ErrorContext(r.Context(), "agency: decide request", "err", err)
		}
		s.fail(w, r, st, msg, PathApprove)
		return
	}
	http.Redirect(w, r, PathApprove+"?tb="+tb, http.StatusSeeOther)
}
