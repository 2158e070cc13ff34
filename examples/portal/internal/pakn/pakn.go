package pakn

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/internal/sqldialect"
	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// Auth is what the screens need of the app's vnconnect/web handler.
type Auth interface {
	RequireLogin(next http.Handler) http.Handler
	VerifyCSRF(r *http.Request) error
}

var _ Auth = (*web.Handler)(nil)

// Config is what the PAKN screens are built from. DB, Dialect, RBAC, Auth
// and Frame are required.
type Config struct {
	DB      *sql.DB
	Dialect migrate.Dialect
	RBAC    *rbac.Service
	// Convert runs "Chuyển đổi tài khoản"; nil leaves the screen out. It
	// must have been built with Movers so that cases move with accounts.
	Convert *migrate.Converter
	// Legacy holds the username/password accounts for "Đăng nhập bằng tên
	// đăng nhập"; nil leaves that page out. Hashers are their formats
	// (default bcrypt).
	Legacy  migrate.LegacyAccounts
	Hashers []migrate.PasswordHasher
	// LegacyUsers and LegacyClients limit legacy login attempts per
	// username and per client address; defaults: migrate.MemoryLimiters
	// with migrate's default policies (per process).
	LegacyUsers, LegacyClients migrate.Limiter
	// Linker, when set, is offered at PathLink ("Liên kết tài khoản cũ")
	// behind RequireLogin, through a migrate.LinkHandler rendering inside
	// the app's frame.
	Linker *migrate.Linker

	Auth  Auth
	Frame ui.Frame
	// Identity reads the logged-in person; default web.IdentityFrom.
	Identity func(r *http.Request) (*vnconnect.Identity, bool)
	// Now defaults to time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Routes of the screens.
const (
	PathSubmit      = "/phan-anh/gui"
	PathMine        = "/phan-anh/cua-toi"
	PathProcess     = "/xu-ly-phan-anh"
	PathConvert     = "/quan-tri/chuyen-doi-tai-khoan"
	PathLegacyLogin = "/dang-nhap-tai-khoan-cu"
	PathLink        = "/lien-ket-tai-khoan-cu"
)

// Screens are PAKN's pages.
type Screens struct {
	cfg            Config
	st             store
	now            func() time.Time
	id             func(r *http.Request) (*vnconnect.Identity, bool)
	log            *slog.Logger
	users, clients migrate.Limiter
	hash           []migrate.PasswordHasher
	dummy          migrate.PasswordHasher
	link           http.Handler // migrate.LinkHandler, when Config.Linker is set
}

// New returns the screens of cfg.
func New(cfg Config) (*Screens, error) {
	switch {
	case cfg.DB == nil, cfg.RBAC == nil, cfg.Auth == nil, cfg.Frame == nil:
		return nil, errors.New("pakn: Config.DB, RBAC, Auth and Frame are required")
	case !sqldialect.Dialect(cfg.Dialect).Valid():
		return nil, errors.New("pakn: Config.Dialect is required")
	}
	s := &Screens{cfg: cfg, st: store{db: cfg.DB, d: sqldialect.Dialect(cfg.Dialect)}, now: cfg.Now, id: cfg.Identity, log: cfg.Logger,
		users: cfg.LegacyUsers, clients: cfg.LegacyClients, hash: cfg.Hashers}
	if s.now == nil {
		s.now = time.Now
	}
	if s.id == nil {
		s.id = func(r *http.Request) (*vnconnect.Identity, bool) { return web.IdentityFrom(r.Context()) }
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.users == nil {
		s.users = migrate.NewMemoryLimiter(migrate.DefaultUserPolicy, 0)
	}
	if s.clients == nil {
		s.clients = migrate.NewMemoryLimiter(migrate.DefaultClientPolicy, 0)
	}
	if len(s.hash) == 0 {
		s.hash = []migrate.PasswordHasher{migrate.Bcrypt{}}
	}
	for _, h := range s.hash {
		if h.Recognizes(migrate.DefaultDummyHash) {
			s.dummy = h
		}
	}
	if s.dummy == nil && cfg.Legacy != nil {
		return nil, errors.New("pakn: no hasher recognises migrate.DefaultDummyHash")
	}
	if cfg.Linker != nil {
		var err error
		if s.link, err = s.linkHandler(cfg.Linker); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Mount adds the routes to mux and returns the menu entries.
func (s *Screens) Mount(mux *http.ServeMux) []ui.Link {
	login := func(h http.HandlerFunc) http.Handler { return s.cfg.Auth.RequireLogin(h) }
	mux.Handle("GET "+PathSubmit, login(s.submitForm))
	mux.Handle("POST "+PathSubmit, login(s.submit))
	mux.Handle("GET "+PathMine, login(s.mine))
	mux.Handle("GET "+PathProcess, login(s.processList))
	mux.Handle("GET "+PathProcess+"/{id}", login(s.processCase))
	mux.Handle("POST "+PathProcess+"/{id}/nhan", login(s.take))
	mux.Handle("POST "+PathProcess+"/{id}/tra-loi", login(s.answer))
	nav := []ui.Link{
		{Title: "Gửi phản ánh, kiến nghị", URL: PathSubmit},
		{Title: "Phản ánh của tôi", URL: PathMine},
		{Title: "Xử lý phản ánh", URL: PathProcess},
	}
	if s.cfg.Convert != nil {
		mux.Handle("GET "+PathConvert, login(s.convertSearch))
		mux.Handle("GET "+PathConvert+"/ke-hoach", login(s.convertPlan))
		mux.Handle("POST "+PathConvert+"/thuc-hien", login(s.convertExecute))
		mux.Handle("GET "+PathConvert+"/ket-qua/{id}", login(s.convertResult))
		nav = append(nav, ui.Link{Title: "Chuyển đổi tài khoản", URL: PathConvert})
	}
	if s.link != nil {
		link := s.cfg.Auth.RequireLogin(s.link)
		mux.Handle(PathLink, link)
		mux.Handle(PathLink+"/", link)
		nav = append(nav, ui.Link{Title: linkTitle, URL: PathLink})
	}
	if s.cfg.Legacy != nil {
		mux.HandleFunc("GET "+PathLegacyLogin, s.legacyForm)
		mux.HandleFunc("POST "+PathLegacyLogin, s.legacyLogin)
		nav = append(nav, ui.Link{Title: "Đăng nhập bằng tên đăng nhập", URL: PathLegacyLogin})
	}
	return nav
}

// page is the request's frame with title and the current menu entry.
func (s *Screens) page(r *http.Request, title string) ui.Page {
	p := s.cfg.Frame(r).WithCurrent(r.URL.Path)
	p.Title = title
	return p
}

func (s *Screens) render(w http.ResponseWriter, r *http.Request, status int, name, title string, fill func(*ui.Page)) {
	p := s.page(r, title)
	if fill != nil {
		fill(&p)
	}
	ui.Render(w, tpl, status, name, p)
}

// fail shows a page with only an error message.
func (s *Screens) fail(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	s.render(w, r, status, "message", title, func(p *ui.Page) { p.Error = msg })
}

// internal logs err and shows a generic failure, never err's text.
func (s *Screens) internal(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.log.ErrorContext(r.Context(), "pakn: "+what, "err", err)
	s.fail(w, r, http.StatusInternalServerError, "Lỗi hệ thống", "Hệ thống đang gặp sự cố, xin thử lại sau.")
}

// maxForm bounds a form body.
const maxForm = 64 << 10

// form limits the body, parses it and checks the CSRF token. It has
// answered when it returns false.
func (s *Screens) form(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusRequestEntityTooLarge, "Dữ liệu gửi lên không hợp lệ", "Nội dung gửi lên quá lớn hoặc không hợp lệ.")
		return false
	}
	if err := s.cfg.Auth.VerifyCSRF(r); err != nil {
		s.fail(w, r, http.StatusForbidden, "Yêu cầu bị từ chối",
			"Yêu cầu bị từ chối vì thiếu mã xác thực biểu mẫu (CSRF). Hãy tải lại trang và thử lại.")
		return false
	}
	return true
}

// redirect answers a POST with 303 to path and a flash code.
func redirect(w http.ResponseWriter, r *http.Request, path, code string) {
	if code != "" {
		path += "?" + url.Values{"tb": {code}}.Encode()
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// flashes are the fixed messages a redirect's ?tb= may ask for.
var flashes = map[string]string{
	"da-gui":      "Đã gửi phản ánh, kiến nghị. Cơ quan tiếp nhận sẽ trả lời bạn.",
	"da-nhan":     "Bạn đã nhận xử lý phản ánh này.",
	"da-tra-loi":  "Đã gửi trả lời.",
	"da-chuyen":   "Đã chuyển đổi tài khoản.",
	"da-nhan-roi": "Phản ánh này đã có người khác nhận xử lý.",
}

func flash(r *http.Request) string { return flashes[r.URL.Query().Get("tb")] }

// identity returns the logged-in person (RequireLogin put them there).
func (s *Screens) identity(w http.ResponseWriter, r *http.Request) (*vnconnect.Identity, bool) {
	id, ok := s.id(r)
	if !ok || id == nil || id.TechID == "" {
		s.fail(w, r, http.StatusUnauthorized, "Chưa đăng nhập", "Bạn cần đăng nhập bằng Vnconnect.")
		return nil, false
	}
	return id, true
}

// text validates one form field: trimmed, valid UTF-8, at most max runes,
// no control characters (newlines and tabs allowed where multi is true).
func text(v string, max int, multi bool) (string, string) {
	v = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
	switch {
	case v == "":
		return "", "không được để trống"
	case !utf8.ValidString(v):
		return "", "không hợp lệ"
	case utf8.RuneCountInString(v) > max:
		return "", "dài quá " + strconv.Itoa(max) + " ký tự"
	}
	for _, c := range v {
		if unicode.IsControl(c) && !(multi && (c == '\n' || c == '\t')) {
			return "", "chứa ký tự không hợp lệ"
		}
	}
	return v, ""
}

// names resolves unit, group and role IDs to their names for display.
type names struct {
	units  map[rbac.UnitID]string
	groups map[rbac.GroupID]string
	roles  map[rbac.RoleID]string
}

func (s *Screens) names(ctx context.Context) names {
	n := names{units: map[rbac.UnitID]string{}, groups: map[rbac.GroupID]string{}, roles: map[rbac.RoleID]string{}}
	_ = s.cfg.RBAC.Store().View(ctx, func(tx rbac.ReadTx) error {
		if sub, err := tx.Subsystem(rbac.SubsystemPAKN); err == nil {
			for _, g := range sub.Groups {
				n.groups[g.ID] = g.Name
			}
			for _, r := range sub.Roles {
				n.roles[r.ID] = r.Name
			}
		}
		return nil
	})
	return n
}

func (n names) unit(ctx context.Context, svc *rbac.Service, id rbac.UnitID) string {
	if id == "" {
		return ""
	}
	if v, ok := n.units[id]; ok {
		return v
	}
	name := string(id)
	_ = svc.Store().View(ctx, func(tx rbac.ReadTx) error {
		if u, err := tx.Unit(id); err == nil {
			name = u.Name
		}
		return nil
	})
	n.units[id] = name
	return name
}

func (n names) group(id rbac.GroupID) string {
	if v, ok := n.groups[id]; ok {
		return v
	}
	if id == "" {
		return "(không nhóm)"
	}
	return string(id)
}

func (n names) role(id rbac.RoleID) string {
	if v, ok := n.roles[id]; ok {
		return v
	}
	return string(id)
}
