package pakn

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// "Chuyển đổi tài khoản" (Quản trị hệ thống → Chuyển đổi tài khoản): look
// the source up ("Tra cứu tài khoản username/password", or "Tra cứu tài
// khoản Vnconnect" for a Vnconnect source), look the target up among the
// accounts saved to PAKN ("Tra cứu tài khoản Vnconnect"), "Chuyển đổi"
// shows the plan, "Đồng ý" runs it, and the result page shows what Verify
// found. The rules are migrate's and rbac's; this file only shows them.

// The two kinds, as the page's query names them.
const (
	kindLegacy    = "tai-khoan-cu"
	kindVnconnect = "vnconnect"
)

const (
	maxQuery        = 100
	maxReason       = 500
	maxResults      = 20
	defaultReason   = "Chuyển đổi tài khoản trên hệ thống PAKN"
	convertTitle    = "Chuyển đổi tài khoản"
	convertPlanName = "Chuyển đổi tài khoản: kế hoạch"
)

// convertForm is the conversion page's state, carried in its query.
type convertForm struct {
	Kind   string // kindLegacy or kindVnconnect
	Source string // the username / source TechID typed in
	From   string // the chosen source
	Query  string // the target search
	To     string // the chosen target
}

func (f convertForm) legacy() bool { return f.Kind != kindVnconnect }

func (f convertForm) values() url.Values {
	return url.Values{"loai": {f.Kind}, "tk": {f.Source}, "nguon": {f.From}, "q": {f.Query}, "den": {f.To}}
}

// URL is the search page with the form's state.
func (f convertForm) URL() string { return PathConvert + "?" + f.values().Encode() }

// readConvertForm reads the state from the query or a posted form,
// clipping every value.
func readConvertForm(get func(string) string) convertForm {
	v := func(k string) string { return strings.TrimSpace(clip(get(k), maxQuery)) }
	f := convertForm{Kind: v("loai"), Source: v("tk"), From: v("nguon"), Query: v("q"), To: v("den")}
	if f.Kind != kindVnconnect {
		f.Kind = kindLegacy
	}
	return f
}

// accountChoice is one account in a result list.
type accountChoice struct {
	Name    string // the radio group: "nguon" or "den"
	Key     string // the radio's value: username or TechID
	Label   string // what the label starts with: the name, or the username
	Details string
	Checked bool
}

type convertData struct {
	Form                         convertForm
	Legacy                       bool
	SourceResults, TargetResults []accountChoice
	SourceSearched               bool
	TargetSearched               bool
	LegacyURL, VnconnectURL      string
}

// admin checks the person manages users on PAKN somewhere (or is the
// operator). It has answered 403 when it returns false.
func (s *Screens) admin(w http.ResponseWriter, r *http.Request, actor string) bool {
	if s.cfg.RBAC.IsOperator(actor) {
		return true
	}
	units, err := s.cfg.RBAC.ManagedUnits(r.Context(), actor, rbac.SubsystemPAKN)
	if err != nil && !errors.Is(err, rbac.ErrForbidden) && !errors.Is(err, rbac.ErrNotFound) {
		s.internal(w, r, "managed units", err)
		return false
	}
	if len(units) == 0 {
		s.fail(w, r, http.StatusForbidden, "Không có quyền",
			"Chỉ quản trị hệ thống PAKN (quản trị cấp cao, quản trị đơn vị) mới được chuyển đổi tài khoản.")
		return false
	}
	return true
}

func (s *Screens) convertSearch(w http.ResponseWriter, r *http.Request) {
	id, ok := s.identity(w, r)
	if !ok || !s.admin(w, r, id.TechID) {
		return
	}
	ctx := r.Context()
	f := readConvertForm(r.URL.Query().Get)
	d := convertData{Form: f, Legacy: f.legacy(),
		LegacyURL:    convertForm{Kind: kindLegacy}.URL(),
		VnconnectURL: convertForm{Kind: kindVnconnect}.URL()}
	n := s.names(ctx)
	var err error
	if f.Source != "" {
		d.SourceSearched = true
		if f.legacy() {
			d.SourceResults, err = s.legacyChoices(ctx, n, id.TechID, f.Source, f.From)
		} else {
			d.SourceResults, err = s.savedChoices(ctx, n, id.TechID, "nguon", f.Source, f.From)
		}
		if err != nil {
			s.convertFailed(w, r, err)
			return
		}
	}
	if f.Query != "" {
		d.TargetSearched = true
		if d.TargetResults, err = s.savedChoices(ctx, n, id.TechID, "den", f.Query, f.To); err != nil {
			s.convertFailed(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "convert", convertTitle, func(p *ui.Page) { p.Data = d })
}

// legacyChoices is "Tra cứu tài khoản username/password": the username's
// accounts within the actor's scope.
func (s *Screens) legacyChoices(ctx context.Context, n names, actor, username, chosen string) ([]accountChoice, error) {
	accts, err := s.cfg.Convert.LookupLegacy(ctx, actor, username)
	if err != nil {
		return nil, err
	}
	var out []accountChoice
	for _, a := range accts {
		state := "Đang sử dụng"
		switch {
		case a.ConvertedTo != "":
			state = "Đã chuyển đổi sang " + a.ConvertedTo
		case a.Disabled:
			state = "Đã khóa"
		}
		out = append(out, accountChoice{Name: "nguon", Key: a.Username, Label: a.Username, Checked: a.Username == chosen,
			Details: "phân hệ " + string(a.Subsystem) + " – " + n.unit(ctx, s.cfg.RBAC, a.Unit) + " – " + n.group(a.Group) + " – " + state})
	}
	return out, nil
}

// savedChoices is "Tra cứu tài khoản Vnconnect" among the accounts saved
// to PAKN within the actor's scope: by name (without diacritics),
// CCCD/CMND, phone, email or TechID.
func (s *Screens) savedChoices(ctx context.Context, n names, actor, group, q, chosen string) ([]accountChoice, error) {
	page, err := s.cfg.RBAC.ListUsers(ctx, actor, rbac.UserFilter{Subsystem: rbac.SubsystemPAKN, Limit: rbac.MaxPageSize})
	if err != nil {
		return nil, err
	}
	fq := vnid.FoldName(q)
	digits := strings.TrimLeft(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, q), "0")
	var out []accountChoice
	for _, u := range page.Users {
		a := u.Account
		match := a.TechID == q || strings.EqualFold(a.Email, q) || (a.CCCD != "" && a.CCCD == q) || (a.CMND != "" && a.CMND == q) ||
			(fq != "" && strings.Contains(vnid.FoldName(a.FullName), fq)) ||
			(len(digits) >= 6 && strings.Contains(a.Phone, digits))
		if !match {
			continue
		}
		name := a.FullName
		if name == "" {
			name = a.TechID
		}
		state := u.State.Label() + ", " + u.LockLabel()
		out = append(out, accountChoice{Name: group, Key: a.TechID, Label: name, Checked: a.TechID == chosen,
			Details: a.TechID + " – " + n.unit(ctx, s.cfg.RBAC, u.Unit) + " – " + n.group(u.Group) + " – " + state})
		if len(out) == maxResults {
			break
		}
	}
	return out, nil
}

// request builds the migrate request of f for actor.
func (f convertForm) request(actor, reason string) migrate.Request {
	kind := migrate.FromLegacy
	if !f.legacy() {
		kind = migrate.FromVnconnect
	}
	return migrate.Request{Kind: kind, From: f.From, To: f.To, Subsystems: []rbac.SubsystemID{rbac.SubsystemPAKN}, Actor: actor, Reason: reason}
}

// tableRow is one line of the plan's or result's table.
type tableRow struct {
	Key         string
	Label       string
	Rows        int64
	TargetHas   int64
	MovedNow    int64
	ShowMovedOK bool
}

// rightsRow is one subsystem's rights, before and after.
type rightsRow struct {
	Subsystem                 string
	Unit, Group               string
	SourceRoles               string
	TargetBefore, TargetAfter string
	Legacy                    bool
}

type planData struct {
	Form      convertForm
	KindLabel string
	FromLabel string
	ToLabel   string
	Tables    []tableRow
	Total     int64
	Rights    []rightsRow
	Reason    string
	BackURL   string
	Refused   bool
}

// tableLabel names a plan's count in Vietnamese.
func tableLabel(key string) string {
	if key == MoverName+":"+Table+".owner" {
		return "Phản ánh, kiến nghị được giao xử lý (bảng feedback)"
	}
	return key
}

func (s *Screens) planView(ctx context.Context, f convertForm, plan migrate.Plan) planData {
	n := s.names(ctx)
	d := planData{Form: f, BackURL: f.URL(), Reason: defaultReason}
	d.KindLabel, d.FromLabel = "Tài khoản username/password → tài khoản Vnconnect", f.From
	if !f.legacy() {
		d.KindLabel = "Tài khoản Vnconnect → tài khoản Vnconnect khác"
		d.FromLabel = s.accountLabel(ctx, f.From)
	}
	d.ToLabel = s.accountLabel(ctx, f.To)
	keys := make([]string, 0, len(plan.Rows))
	for k := range plan.Rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		d.Tables = append(d.Tables, tableRow{Key: k, Label: tableLabel(k), Rows: plan.Rows[k], TargetHas: plan.TargetBefore[k]})
		d.Total += plan.Rows[k]
	}
	for _, rc := range plan.Rights {
		row := rightsRow{Subsystem: string(rc.Subsystem), Unit: n.unit(ctx, s.cfg.RBAC, rc.TargetBefore.Unit), Group: n.group(rc.TargetBefore.Group),
			TargetBefore: roles(n, rc.TargetBefore), TargetAfter: roles(n, rc.TargetAfter), Legacy: rc.SourceBefore == nil}
		if rc.SourceBefore != nil {
			row.SourceRoles = roles(n, *rc.SourceBefore)
		} else {
			row.SourceRoles = "tên đăng nhập và mật khẩu bị vô hiệu hóa"
		}
		d.Rights = append(d.Rights, row)
	}
	return d
}

func roles(n names, r migrate.Rights) string {
	var out []string
	for _, g := range r.Roles {
		name := n.role(g.Role)
		if g.Level > 0 {
			name += " (cấp " + strconv.Itoa(int(g.Level)) + ")"
		}
		out = append(out, name)
	}
	slices.Sort(out)
	if len(out) == 0 {
		return "(không có vai trò)"
	}
	return strings.Join(out, ", ")
}

// accountLabel is "Name (TechID)" for a saved account.
func (s *Screens) accountLabel(ctx context.Context, techID string) string {
	label := techID
	_ = s.cfg.RBAC.Store().View(ctx, func(tx rbac.ReadTx) error {
		if a, err := tx.Account(techID); err == nil && a.FullName != "" {
			label = a.FullName + " (" + techID + ")"
		}
		return nil
	})
	return label
}

func (s *Screens) convertPlan(w http.ResponseWriter, r *http.Request) {
	id, ok := s.identity(w, r)
	if !ok || !s.admin(w, r, id.TechID) {
		return
	}
	f := readConvertForm(r.URL.Query().Get)
	if f.From == "" || f.To == "" {
		s.render(w, r, http.StatusUnprocessableEntity, "plan", convertPlanName, func(p *ui.Page) {
			p.Error = "Hãy tra cứu và chọn cả tài khoản cần chuyển đổi và tài khoản Vnconnect nhận chuyển đổi."
			p.Data = planData{Form: f, BackURL: f.URL(), Refused: true}
		})
		return
	}
	plan, err := s.cfg.Convert.Plan(r.Context(), f.request(id.TechID, defaultReason))
	if err != nil {
		s.convertRefused(w, r, f, err)
		return
	}
	s.render(w, r, http.StatusOK, "plan", convertPlanName, func(p *ui.Page) { p.Data = s.planView(r.Context(), f, plan) })
}

func (s *Screens) convertExecute(w http.ResponseWriter, r *http.Request) {
	id, ok := s.identity(w, r)
	if !ok || !s.form(w, r) || !s.admin(w, r, id.TechID) {
		return
	}
	f := readConvertForm(r.PostFormValue)
	reason, bad := text(r.PostFormValue("ly_do"), maxReason, false)
	if bad != "" {
		s.render(w, r, http.StatusUnprocessableEntity, "plan", convertPlanName, func(p *ui.Page) {
			p.Error = "Lý do chuyển đổi " + bad + "."
			p.Data = planData{Form: f, BackURL: f.URL(), Refused: true}
		})
		return
	}
	cv, err := s.cfg.Convert.Execute(r.Context(), f.request(id.TechID, reason))
	if err != nil {
		s.convertRefused(w, r, f, err)
		return
	}
	redirect(w, r, PathConvert+"/ket-qua/"+url.PathEscape(cv.ID), "da-chuyen")
}

type resultData struct {
	ID        string
	KindLabel string
	FromLabel string
	ToLabel   string
	State     string
	Tables    []tableRow
	Rights    []rightsRow
	Legacy    bool
	Verified  bool
	Problems  []string
	NewURL    string
}

func stateLabel(s migrate.State) string {
	switch s {
	case migrate.StateDone:
		return "Hoàn thành"
	case migrate.StateReverted:
		return "Đã hoàn tác"
	case migrate.StateFailed:
		return "Không thành công"
	}
	return "Đang thực hiện (" + string(s) + ")"
}

func (s *Screens) convertResult(w http.ResponseWriter, r *http.Request) {
	id, ok := s.identity(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	cv, err := s.cfg.Convert.GetFor(ctx, id.TechID, r.PathValue("id"))
	if err != nil {
		s.convertFailed(w, r, err)
		return
	}
	f := convertForm{Kind: kindLegacy, From: cv.From, To: cv.To}
	if cv.Kind == migrate.FromVnconnect {
		f.Kind = kindVnconnect
	}
	pv := s.planView(ctx, f, cv.Plan)
	d := resultData{ID: cv.ID, KindLabel: pv.KindLabel, FromLabel: pv.FromLabel, ToLabel: pv.ToLabel, State: stateLabel(cv.State),
		Rights: pv.Rights, NewURL: convertForm{Kind: f.Kind}.URL(), Legacy: f.legacy()}
	for _, t := range pv.Tables {
		if mover, label, ok := strings.Cut(t.Key, ":"); ok {
			t.MovedNow = int64(len(cv.Moved[mover][label].Keys))
		}
		t.ShowMovedOK = true
		d.Tables = append(d.Tables, t)
	}
	if cv.State == migrate.StateDone {
		err := s.cfg.Convert.Verify(ctx, cv.ID)
		var ve *migrate.VerifyError
		switch {
		case err == nil:
			d.Verified = true
		case errors.As(err, &ve):
			d.Problems = ve.Problems
		default:
			s.internal(w, r, "verify", err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "result", "Kết quả chuyển đổi tài khoản", func(p *ui.Page) {
		p.Flash = flash(r)
		p.Data = d
	})
}

// convertRefused shows a refused plan or execution on the plan page.
func (s *Screens) convertRefused(w http.ResponseWriter, r *http.Request, f convertForm, err error) {
	status, msg, ok := convertMessage(err)
	if !ok {
		s.convertFailed(w, r, err)
		return
	}
	s.render(w, r, status, "plan", convertPlanName, func(p *ui.Page) {
		p.Error = msg
		p.Data = planData{Form: f, BackURL: f.URL(), Refused: true}
	})
}

// convertFailed answers an error outside the precondition checks.
func (s *Screens) convertFailed(w http.ResponseWriter, r *http.Request, err error) {
	if status, msg, ok := convertMessage(err); ok {
		s.fail(w, r, status, convertTitle, msg)
		return
	}
	s.internal(w, r, "convert", err)
}

// convertMessage is the Vietnamese message and status of a refusal, or
// false for a failure to log.
func convertMessage(err error) (int, string, bool) {
	const rule = " Lưu ý: thao tác chuyển đổi tài khoản chỉ thực hiện thành công khi 2 tài khoản cùng đơn vị, nhóm người dùng."
	if code := migrate.PreconditionCode(err); code != "" {
		switch code {
		case migrate.CodeSameAccount:
			return http.StatusUnprocessableEntity, "Tài khoản cần chuyển đổi và tài khoản nhận là một: hãy chọn tài khoản Vnconnect khác.", true
		case migrate.CodeSourceNotFound:
			return http.StatusUnprocessableEntity, "Tài khoản cần chuyển đổi không có dữ liệu hay quyền nào trên hệ thống PAKN để chuyển đổi.", true
		case migrate.CodeAlreadyConverted:
			return http.StatusConflict, "Tài khoản này đã được chuyển đổi trước đó.", true
		case migrate.CodeTargetNotFound:
			return http.StatusUnprocessableEntity, "Tài khoản Vnconnect nhận chuyển đổi chưa được thêm vào hệ thống PAKN: hãy “Thêm mới vnconnect” trước.", true
		case migrate.CodeTargetInactive:
			return http.StatusConflict, "Tài khoản Vnconnect nhận chuyển đổi chưa được kích hoạt hoặc đang bị khóa trên hệ thống PAKN: hãy kích hoạt và mở tài khoản trước.", true
		case migrate.CodeTargetNotOnVN:
			return http.StatusUnprocessableEntity, "Vnconnect không còn tài khoản nhận chuyển đổi này.", true
		case migrate.CodeUnitMismatch:
			return http.StatusConflict, "Hai tài khoản không cùng đơn vị." + rule, true
		case migrate.CodeGroupMismatch:
			return http.StatusConflict, "Hai tài khoản không cùng nhóm người dùng." + rule, true
		case migrate.CodeForbidden:
			msg := "Bạn không có quyền quản lý cả hai tài khoản này"
			if detail, ok := rbac.PublicMessage(err); ok {
				msg += " (" + ruleVI(err, detail) + ")"
			}
			return http.StatusForbidden, msg + ".", true
		case migrate.CodeInFlight:
			return http.StatusConflict, "Một thao tác chuyển đổi khác đang xử lý một trong hai tài khoản; hãy thử lại sau.", true
		case migrate.CodeRevertWindow:
			return http.StatusConflict, "Đã quá thời hạn hoàn tác chuyển đổi.", true
		case migrate.CodeLegacyDisabled:
			return http.StatusConflict, "Tài khoản username/password này đã bị vô hiệu hóa.", true
		}
		return http.StatusConflict, "Không thể chuyển đổi tài khoản (" + code + ").", true
	}
	switch {
	case errors.Is(err, migrate.ErrNotFound):
		return http.StatusNotFound, "Không tìm thấy lần chuyển đổi này.", true
	case errors.Is(err, migrate.ErrConflict):
		return http.StatusConflict, "Dữ liệu đã thay đổi trong lúc chuyển đổi; hãy tra cứu lại và thử lại.", true
	case errors.Is(err, migrate.ErrInvalid):
		return http.StatusUnprocessableEntity, "Yêu cầu chuyển đổi không hợp lệ: hãy tra cứu và chọn lại hai tài khoản.", true
	case errors.Is(err, rbac.ErrForbidden):
		return http.StatusForbidden, "Bạn không có quyền thực hiện thao tác này.", true
	case errors.Is(err, rbac.ErrInvalid):
		return http.StatusUnprocessableEntity, "Thông tin tra cứu không hợp lệ.", true
	}
	return 0, "", false
}
