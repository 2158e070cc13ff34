// Package changeimport is the quantri-like console's import of the
// provinces' change form ("phiếu thay đổi"): the table the Kiên Giang
// letter (6112/VP-KGVX, 2020) attaches for units to report the civil
// servants to add to each subsystem of the National Public Service Portal
// — STT, Phân hệ, Họ và tên, Số CMND/CCCD, Ghi chú.
//
// An admin uploads the form as XLSX or CSV ("Nhập phiếu thay đổi"), picks
// the unit the people join, and sees the plan: per row what will happen
// (added pending activation, already present, not on Vnconnect, name does
// not match, …) or the row's error. "Áp dụng" adds them (rbac re-checks
// the admin's rights on every row) and shows the per-row results. The
// import is idempotent: uploading the same form again adds nobody twice.
//
// Parsing, planning and applying are rbac/changeform's; this package is
// the pages. The uploaded file travels back with the "Áp dụng" form (a
// hidden field), so any replica can apply it and nothing is kept between
// the two steps; applying plans again against the current data.
package changeimport

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/changeform"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// Routes.
const (
	PathForm    = "/quan-tri/phieu-thay-doi"
	PathPreview = PathForm + "/xem-truoc"
	PathApply   = PathForm + "/ap-dung"
)

// DefaultMaxFileBytes bounds an uploaded form on this screen (a form of a
// few hundred rows is a few tens of KiB).
const DefaultMaxFileBytes = 1 << 20

const (
	maxReason   = 500
	maxUnits    = 2000 // unit options listed
	formSlack   = 64 << 10
	defaultNote = "Phiếu thay đổi theo Công văn 6112/VP-KGVX"
)

// Config is what the screen needs; RBAC, Importer, Frame and VerifyCSRF
// are required.
type Config struct {
	RBAC     *rbac.Service
	Importer *changeform.Importer
	// Limits for parsing; MaxFileBytes defaults to DefaultMaxFileBytes.
	Limits changeform.Limits

	Frame        ui.Frame
	VerifyCSRF   func(*http.Request) error
	RequireLogin func(http.Handler) http.Handler                 // default: refuse without Identity
	Identity     func(*http.Request) (*vnconnect.Identity, bool) // default web.IdentityFrom
	Logger       *slog.Logger
}

// Screen serves the change-form import.
type Screen struct {
	cfg Config
	tpl *template.Template
}

// New checks cfg and applies its defaults.
func New(cfg Config) (*Screen, error) {
	if cfg.RBAC == nil || cfg.Importer == nil || cfg.Frame == nil || cfg.VerifyCSRF == nil {
		return nil, errors.New("changeimport: RBAC, Importer, Frame and VerifyCSRF are required")
	}
	if cfg.Limits.MaxFileBytes <= 0 {
		cfg.Limits.MaxFileBytes = DefaultMaxFileBytes
	}
	if cfg.Identity == nil {
		cfg.Identity = func(r *http.Request) (*vnconnect.Identity, bool) { return web.IdentityFrom(r.Context()) }
	}
	if cfg.RequireLogin == nil {
		id := cfg.Identity
		cfg.RequireLogin = func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if _, ok := id(r); !ok {
					http.Error(w, "Vui lòng đăng nhập", http.StatusUnauthorized)
					return
				}
				next.ServeHTTP(w, r)
			})
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Screen{cfg: cfg, tpl: ui.Templates(pagesSrc)}, nil
}

// Mount adds the routes to mux.
func (s *Screen) Mount(mux *http.ServeMux) {
	mux.Handle("GET "+PathForm, s.cfg.RequireLogin(http.HandlerFunc(s.form)))
	mux.Handle("POST "+PathPreview, s.cfg.RequireLogin(http.HandlerFunc(s.preview)))
	mux.Handle("POST "+PathApply, s.cfg.RequireLogin(http.HandlerFunc(s.apply)))
}

// Links are the menu entries.
func (s *Screen) Links() []ui.Link {
	return []ui.Link{{Title: "Nhập phiếu thay đổi", URL: PathForm}}
}

type unitOption struct {
	ID, Label string
	Selected  bool
}

type formData struct {
	Units    []unitOption
	Reason   string
	MaxBytes string
}

func (s *Screen) page(r *http.Request, title string, data any) ui.Page {
	p := s.cfg.Frame(r).WithCurrent(r.URL.Path)
	p.Title = title
	p.Data = data
	return p
}

func (s *Screen) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p := s.page(r, "Không thực hiện được", nil)
	p.Error = msg
	ui.Render(w, s.tpl, status, "refused", p)
}

// units lists where the admin manages users, or renders the refusal.
func (s *Screen) units(w http.ResponseWriter, r *http.Request, me string, selected rbac.UnitID) ([]unitOption, bool) {
	us, err := s.cfg.RBAC.ManagedUnits(r.Context(), me, "")
	if err != nil {
		st, msg := refusal(err)
		s.logIfInternal(r.Context(), st, "list managed units", err)
		s.fail(w, r, st, msg)
		return nil, false
	}
	if len(us) == 0 {
		s.fail(w, r, http.StatusForbidden, msgNotAdmin)
		return nil, false
	}
	if len(us) > maxUnits {
		us = us[:maxUnits]
	}
	out := make([]unitOption, 0, len(us))
	for i, u := range us {
		label := u.Name
		if u.Code != "" {
			label += " – " + u.Code
		}
		out = append(out, unitOption{ID: string(u.ID), Label: label, Selected: u.ID == selected || (selected == "" && i == 0)})
	}
	return out, true
}

func (s *Screen) form(w http.ResponseWriter, r *http.Request) {
	me, _ := s.cfg.Identity(r)
	units, ok := s.units(w, r, me.TechID, "")
	if !ok {
		return
	}
	d := formData{Units: units, Reason: defaultNote, MaxBytes: sizeLabel(s.cfg.Limits.MaxFileBytes)}
	ui.Render(w, s.tpl, http.StatusOK, "form", s.page(r, "Nhập phiếu thay đổi", d))
}

type row struct {
	Line                           string
	STT, Subsystem, Name, ID, Note string
	Target, Outcome, Detail        string
	Ok                             bool
}

type planData struct {
	Applied      bool
	FileName     string
	UnitID       string
	Unit, Reason string
	File         string // base64, for "Áp dụng"
	Rows         []row
	Counts       []countRow
	ToAdd        int
}

type countRow struct {
	Label string
	N     int
}

// preview reads the upload, parses and plans it.
func (s *Screen) preview(w http.ResponseWriter, r *http.Request) {
	limit := s.cfg.Limits.MaxFileBytes + formSlack
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(limit); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.fail(w, r, http.StatusRequestEntityTooLarge, "Tệp quá lớn: tối đa "+sizeLabel(s.cfg.Limits.MaxFileBytes)+".")
		} else {
			s.fail(w, r, http.StatusBadRequest, "Chưa chọn tệp phiếu thay đổi (XLSX hoặc CSV).")
		}
		return
	}
	defer r.MultipartForm.RemoveAll()
	if err := s.cfg.VerifyCSRF(r); err != nil {
		s.fail(w, r, http.StatusForbidden, msgCSRF)
		return
	}
	files := r.MultipartForm.File["tep"]
	if len(files) != 1 {
		s.fail(w, r, http.StatusBadRequest, "Chưa chọn tệp phiếu thay đổi (XLSX hoặc CSV).")
		return
	}
	f, err := files[0].Open()
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "Không đọc được tệp đã tải lên.")
		return
	}
	var buf bytes.Buffer
	_, err = buf.ReadFrom(f)
	f.Close()
	if err != nil || int64(buf.Len()) > s.cfg.Limits.MaxFileBytes {
		s.fail(w, r, http.StatusRequestEntityTooLarge, "Tệp quá lớn: tối đa "+sizeLabel(s.cfg.Limits.MaxFileBytes)+".")
		return
	}
	s.run(w, r, false, buf.Bytes(), clip(files[0].Filename, 200))
}

// apply applies the form the preview showed (sent back by the page).
func (s *Screen) apply(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.Limits.MaxFileBytes*4/3+formSlack)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusRequestEntityTooLarge, "Tệp quá lớn: tối đa "+sizeLabel(s.cfg.Limits.MaxFileBytes)+".")
		return
	}
	if err := s.cfg.VerifyCSRF(r); err != nil {
		s.fail(w, r, http.StatusForbidden, msgCSRF)
		return
	}
	data, err := base64.StdEncoding.DecodeString(r.PostFormValue("tep"))
	if err != nil || len(data) == 0 || int64(len(data)) > s.cfg.Limits.MaxFileBytes {
		s.fail(w, r, http.StatusBadRequest, "Không đọc được phiếu thay đổi: vui lòng tải tệp lên lại.")
		return
	}
	s.run(w, r, true, data, clip(r.PostFormValue("ten-tep"), 200))
}

// run parses data and plans (or applies) it for the admin and renders the
// report.
func (s *Screen) run(w http.ResponseWriter, r *http.Request, apply bool, data []byte, name string) {
	me, _ := s.cfg.Identity(r)
	unit := rbac.UnitID(r.PostFormValue("don-vi"))
	reason := clip(strings.TrimSpace(r.PostFormValue("ly-do")), maxReason)
	if reason == "" {
		reason = defaultNote
	}
	if _, ok := s.units(w, r, me.TechID, unit); !ok {
		return // not an admin anywhere
	}
	form, err := changeform.Parse(r.Context(), bytes.NewReader(data), s.cfg.Limits)
	if err != nil {
		st, msg := parseRefusal(err, s.cfg.Limits)
		s.logIfInternal(r.Context(), st, "parse change form", err)
		s.fail(w, r, st, msg)
		return
	}
	req := changeform.Request{Actor: me.TechID, Unit: unit, Reason: reason}
	var rep *changeform.Report
	if apply {
		rep, err = s.cfg.Importer.Apply(r.Context(), form, req)
	} else {
		rep, err = s.cfg.Importer.Plan(r.Context(), form, req)
	}
	if err != nil && rep == nil {
		st, msg := refusal(err)
		s.logIfInternal(r.Context(), st, "change form", err)
		s.fail(w, r, st, msg)
		return
	}
	if err != nil {
		s.cfg.Logger.WarnContext(r.Context(), "changeimport: interrupted", "err", err)
	}
	d := planData{Applied: apply, FileName: name, UnitID: string(unit), Reason: reason, ToAdd: rep.Counts[changeform.Add]}
	if !apply {
		d.File = base64.StdEncoding.EncodeToString(data)
	}
	names := map[rbac.SubsystemID]string{}
	_ = s.cfg.RBAC.Store().View(r.Context(), func(tx rbac.ReadTx) error {
		u, _ := tx.Unit(unit)
		d.Unit = u.Name
		subs, _ := tx.Subsystems()
		for _, sub := range subs {
			names[sub.ID] = sub.Name
		}
		return nil
	})
	for _, res := range rep.Results {
		d.Rows = append(d.Rows, row{Line: strconv.Itoa(res.Line), STT: res.STT, Subsystem: res.Subsystem, Name: res.FullName,
			ID: res.ID, Note: res.Note, Target: names[res.SubsystemID], Outcome: outcomeLabel(res.Outcome),
			Detail: outcomeDetail(res), Ok: res.Outcome == changeform.Add || res.Outcome == changeform.Added})
	}
	for _, o := range outcomeOrder {
		if n := rep.Counts[o]; n > 0 {
			d.Counts = append(d.Counts, countRow{Label: outcomeLabel(o), N: n})
		}
	}
	title := "Xem trước phiếu thay đổi"
	p := s.page(r, title, d)
	if apply {
		p.Title = "Kết quả áp dụng phiếu thay đổi"
		p.Flash = "Đã áp dụng phiếu thay đổi: " + strconv.Itoa(rep.Counts[changeform.Added]) +
			" người được thêm vào phân hệ, ở trạng thái Chưa kích hoạt."
	}
	ui.Render(w, s.tpl, http.StatusOK, "report", p)
}

func (s *Screen) logIfInternal(ctx context.Context, status int, what string, err error) {
	if status >= 500 {
		s.cfg.Logger.ErrorContext(ctx, "changeimport: "+what, "err", err)
	}
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

func sizeLabel(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt((n+1023)>>10, 10) + " KB"
}
