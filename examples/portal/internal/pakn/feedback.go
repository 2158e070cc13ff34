package pakn

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
)

// unitOption is one unit in the "Đơn vị tiếp nhận" list.
type unitOption struct {
	ID       rbac.UnitID
	Name     string
	Selected bool
}

// maxUnits bounds the unit list of the form.
const maxUnits = 500

// unitOptions lists the live units below the roots (the national root is
// not a unit people write to), depth first, names indented by depth.
func (s *Screens) unitOptions(ctx context.Context, selected rbac.UnitID) ([]unitOption, error) {
	var out []unitOption
	err := s.cfg.RBAC.Store().View(ctx, func(tx rbac.ReadTx) error {
		var walk func(id rbac.UnitID, depth int) error
		walk = func(id rbac.UnitID, depth int) error {
			kids, err := tx.Children(id)
			if err != nil {
				return err
			}
			for _, u := range kids {
				if len(out) >= maxUnits {
					return nil
				}
				if !u.Live() {
					continue
				}
				d := depth
				if u.Kind != rbac.KindNational {
					out = append(out, unitOption{ID: u.ID, Name: strings.Repeat("— ", depth) + u.Name, Selected: u.ID == selected})
					d++
				}
				if err := walk(u.ID, d); err != nil {
					return err
				}
			}
			return nil
		}
		return walk("", 0)
	})
	return out, err
}

// unitExists reports whether id is a live unit.
func (s *Screens) unitExists(ctx context.Context, id rbac.UnitID) (bool, error) {
	var ok bool
	err := s.cfg.RBAC.Store().View(ctx, func(tx rbac.ReadTx) error {
		u, err := tx.Unit(id)
		switch {
		case errors.Is(err, rbac.ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		ok = u.Live() && u.Kind != rbac.KindNational
		return nil
	})
	return ok, err
}

type submitData struct {
	Units          []unitOption
	Title, Content string
	Problems       []string
}

func (s *Screens) submitForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.identity(w, r); !ok {
		return
	}
	units, err := s.unitOptions(r.Context(), "")
	if err != nil {
		s.internal(w, r, "units", err)
		return
	}
	s.render(w, r, http.StatusOK, "submit", "Gửi phản ánh, kiến nghị", func(p *ui.Page) {
		p.Data = submitData{Units: units}
	})
}

func (s *Screens) submit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.identity(w, r)
	if !ok || !s.form(w, r) {
		return
	}
	ctx := r.Context()
	var d submitData
	title, bad := text(r.PostFormValue("tieu_de"), MaxTitle, false)
	if bad != "" {
		d.Problems = append(d.Problems, "Tiêu đề "+bad+".")
	}
	content, bad := text(r.PostFormValue("noi_dung"), MaxContent, true)
	if bad != "" {
		d.Problems = append(d.Problems, "Nội dung "+bad+".")
	}
	unit := rbac.UnitID(r.PostFormValue("don_vi"))
	if ok, err := s.unitExists(ctx, unit); err != nil {
		s.internal(w, r, "unit", err)
		return
	} else if !ok {
		d.Problems = append(d.Problems, "Hãy chọn đơn vị tiếp nhận trong danh sách.")
		unit = ""
	}
	if len(d.Problems) > 0 {
		units, err := s.unitOptions(ctx, unit)
		if err != nil {
			s.internal(w, r, "units", err)
			return
		}
		d.Units = units
		d.Title, d.Content = clip(r.PostFormValue("tieu_de"), MaxTitle), clip(r.PostFormValue("noi_dung"), MaxContent)
		s.render(w, r, http.StatusUnprocessableEntity, "submit", "Gửi phản ánh, kiến nghị", func(p *ui.Page) {
			p.Error = "Phản ánh chưa được gửi: hãy sửa các mục dưới đây."
			p.Data = d
		})
		return
	}
	if _, err := s.st.insert(ctx, Case{Citizen: id.TechID, CitizenName: id.DisplayName(), Title: title, Content: content, Unit: unit}, s.now()); err != nil {
		s.internal(w, r, "submit", err)
		return
	}
	redirect(w, r, PathMine, "da-gui")
}

// clip shortens an echoed value to max runes.
func clip(v string, max int) string {
	if r := []rune(v); len(r) > max {
		return string(r[:max])
	}
	return v
}

// caseView is a case as a table row shows it.
type caseView struct {
	Case
	UnitName string
	URL      string
}

func (s *Screens) views(ctx context.Context, cases []Case) []caseView {
	n := names{units: map[rbac.UnitID]string{}}
	out := make([]caseView, 0, len(cases))
	for _, c := range cases {
		out = append(out, caseView{Case: c, UnitName: n.unit(ctx, s.cfg.RBAC, c.Unit), URL: PathProcess + "/" + strconv.FormatInt(c.ID, 10)})
	}
	return out
}

func (s *Screens) mine(w http.ResponseWriter, r *http.Request) {
	id, ok := s.identity(w, r)
	if !ok {
		return
	}
	cases, err := s.st.byCitizen(r.Context(), id.TechID)
	if err != nil {
		s.internal(w, r, "mine", err)
		return
	}
	s.render(w, r, http.StatusOK, "mine", "Phản ánh của tôi", func(p *ui.Page) {
		p.Flash = flash(r)
		p.Data = s.views(r.Context(), cases)
	})
}

// processor checks that the person may process feedback on PAKN at all:
// an active, open PAKN membership whose roles carry pakn.process. It has
// answered (403 with the reason) when it returns false.
func (s *Screens) processor(w http.ResponseWriter, r *http.Request, actor string) bool {
	ctx := r.Context()
	if s.cfg.RBAC.IsOperator(actor) {
		return true
	}
	ms, err := s.cfg.RBAC.Memberships(ctx, actor, actor)
	if err != nil {
		s.internal(w, r, "memberships", err)
		return false
	}
	for _, m := range ms {
		if m.Subsystem != rbac.SubsystemPAKN {
			continue
		}
		err := s.cfg.RBAC.Authorize(ctx, actor, rbac.PermPAKNProcess, rbac.SubsystemPAKN, m.Unit)
		if err == nil {
			return true
		}
		if !errors.Is(err, rbac.ErrForbidden) {
			s.internal(w, r, "authorize", err)
			return false
		}
		msg := "Bạn không có quyền xử lý phản ánh, kiến nghị (quyền pakn.process) trên hệ thống PAKN."
		switch {
		case m.State != rbac.Active:
			msg = "Tài khoản của bạn trên hệ thống PAKN chưa được kích hoạt: chưa thể xử lý phản ánh, kiến nghị."
		case m.Locked:
			msg = "Tài khoản của bạn trên hệ thống PAKN đang bị khóa: không thể xử lý phản ánh, kiến nghị."
		}
		s.refuse(w, r, msg, err)
		return false
	}
	s.refuse(w, r, "Tài khoản của bạn chưa được thêm vào hệ thống PAKN nên không thể xử lý phản ánh, kiến nghị. Hãy liên hệ quản trị đơn vị.", nil)
	return false
}

// refuse answers 403 with msg and, when rbac wrote one, its reason.
func (s *Screens) refuse(w http.ResponseWriter, r *http.Request, msg string, err error) {
	if detail, ok := rbac.PublicMessage(err); ok && detail != "" {
		msg += " (" + ruleVI(err, detail) + ")"
	}
	s.fail(w, r, http.StatusForbidden, "Không có quyền", msg)
}

// ruleVI says in Vietnamese which rule refused, falling back to rbac's
// own words.
func ruleVI(err error, detail string) string {
	var de *rbac.DeniedError
	if errors.As(err, &de) {
		switch de.Rule {
		case rbac.RuleNoPermission:
			return "không có vai trò nào mang quyền này trên đơn vị"
		case rbac.RuleOutsideScope:
			return "ngoài phạm vi đơn vị bạn quản lý"
		case rbac.RuleNotAdmin:
			return "bạn không phải quản trị"
		case rbac.RuleInactive:
			return "tài khoản chưa kích hoạt hoặc đang bị khóa"
		case rbac.RulePeerOrSuperior:
			return "tài khoản ngang cấp hoặc cấp trên của bạn"
		}
	}
	return detail
}

type processData struct {
	Mine, Open []caseView
}

func (s *Screens) processList(w http.ResponseWriter, r *http.Request) {
	id, ok := s.identity(w, r)
	if !ok || !s.processor(w, r, id.TechID) {
		return
	}
	ctx := r.Context()
	mine, err := s.st.byOwner(ctx, id.TechID)
	if err != nil {
		s.internal(w, r, "owned", err)
		return
	}
	open, err := s.st.unassigned(ctx)
	if err != nil {
		s.internal(w, r, "unassigned", err)
		return
	}
	open = s.mayProcess(ctx, id.TechID, open)
	s.render(w, r, http.StatusOK, "process", "Xử lý phản ánh", func(p *ui.Page) {
		p.Flash = flash(r)
		p.Data = processData{Mine: s.views(ctx, mine), Open: s.views(ctx, open)}
	})
}

// mayProcess keeps the cases of units where actor holds pakn.process.
func (s *Screens) mayProcess(ctx context.Context, actor string, cases []Case) []Case {
	out := cases[:0]
	for _, c := range cases {
		if s.cfg.RBAC.Authorize(ctx, actor, rbac.PermPAKNProcess, rbac.SubsystemPAKN, c.Unit) == nil {
			out = append(out, c)
		}
	}
	return out
}

type caseData struct {
	caseView
	Mine, CanTake bool
}

// loadCase reads the case in the path that actor may see: one it owns,
// or an unassigned one of a unit it processes for. Anything else is 404,
// as if there were no such case.
func (s *Screens) loadCase(w http.ResponseWriter, r *http.Request, actor string) (Case, bool) {
	// An ID that is not a case number is no case: 404 like any other,
	// not a failure to log.
	var c Case
	err := errNoCase
	if n, perr := strconv.ParseInt(r.PathValue("id"), 10, 64); perr == nil && n > 0 {
		c, err = s.st.get(r.Context(), n)
	}
	if err != nil && !errors.Is(err, errNoCase) {
		s.internal(w, r, "case", err)
		return Case{}, false
	}
	authorized := err == nil && s.cfg.RBAC.Authorize(r.Context(), actor, rbac.PermPAKNProcess, rbac.SubsystemPAKN, c.Unit) == nil
	if !authorized || (c.Owner != actor && c.Owner != "") {
		s.fail(w, r, http.StatusNotFound, "Không tìm thấy", "Không tìm thấy phản ánh này trong danh sách bạn được giao xử lý.")
		return Case{}, false
	}
	return c, true
}

func (s *Screens) processCase(w http.ResponseWriter, r *http.Request) {
	id, ok := s.identity(w, r)
	if !ok || !s.processor(w, r, id.TechID) {
		return
	}
	c, ok := s.loadCase(w, r, id.TechID)
	if !ok {
		return
	}
	s.renderCase(w, r, http.StatusOK, c, id.TechID, "", "")
}

func (s *Screens) renderCase(w http.ResponseWriter, r *http.Request, status int, c Case, actor, errMsg, draft string) {
	v := s.views(r.Context(), []Case{c})[0]
	s.render(w, r, status, "case", "Trả lời phản ánh", func(p *ui.Page) {
		p.Flash = flash(r)
		p.Error = errMsg
		p.Data = struct {
			caseData
			Draft string
		}{caseData{caseView: v, Mine: c.Owner == actor, CanTake: c.Owner == ""}, draft}
	})
}

func (s *Screens) take(w http.ResponseWriter, r *http.Request) {
	id, ok := s.identity(w, r)
	if !ok || !s.form(w, r) || !s.processor(w, r, id.TechID) {
		return
	}
	c, ok := s.loadCase(w, r, id.TechID)
	if !ok {
		return
	}
	if c.Owner == id.TechID {
		redirect(w, r, c.url(), "da-nhan")
		return
	}
	took, err := s.st.take(r.Context(), c.ID, id.TechID, s.now())
	if err != nil {
		s.internal(w, r, "take", err)
		return
	}
	if !took {
		redirect(w, r, PathProcess, "da-nhan-roi")
		return
	}
	redirect(w, r, c.url(), "da-nhan")
}

func (c Case) url() string { return PathProcess + "/" + strconv.FormatInt(c.ID, 10) }

func (s *Screens) answer(w http.ResponseWriter, r *http.Request) {
	id, ok := s.identity(w, r)
	if !ok || !s.form(w, r) || !s.processor(w, r, id.TechID) {
		return
	}
	c, ok := s.loadCase(w, r, id.TechID)
	if !ok {
		return
	}
	if c.Owner != id.TechID {
		s.renderCase(w, r, http.StatusConflict, c, id.TechID, "Hãy nhận xử lý phản ánh này trước khi trả lời.", "")
		return
	}
	if c.State == StateAnswered {
		s.renderCase(w, r, http.StatusConflict, c, id.TechID, "Phản ánh này đã được trả lời.", "")
		return
	}
	text, bad := text(r.PostFormValue("tra_loi"), MaxAnswer, true)
	if bad != "" {
		s.renderCase(w, r, http.StatusUnprocessableEntity, c, id.TechID, "Nội dung trả lời "+bad+".", clip(r.PostFormValue("tra_loi"), MaxAnswer))
		return
	}
	done, err := s.st.answer(r.Context(), c.ID, id.TechID, text, s.now())
	if err != nil {
		s.internal(w, r, "answer", err)
		return
	}
	if !done {
		s.renderCase(w, r, http.StatusConflict, c, id.TechID, "Phản ánh đã thay đổi trong lúc bạn trả lời; hãy xem lại.", "")
		return
	}
	redirect(w, r, PathProcess, "da-tra-loi")
}
