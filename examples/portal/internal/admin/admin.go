package admin

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// Labels are the words of one app's screens. Zero fields take the
// quantri-like console's words (DefaultLabels).
type Labels struct {
	// Section is the menu the screens sit under ("Quản trị hệ thống"),
	// shown as a breadcrumb; "" for none. SectionURL, if set, is that
	// menu's page, linked from the breadcrumb.
	Section, SectionURL string
	// Title is the menu entry and the list's heading ("Quản lý người dùng").
	Title string
	// Add opens the add screen ("Thêm mới", "Thêm mới vnconnect").
	Add string
	// Search runs the Vnconnect search ("Tìm kiếm trên Vnconnect").
	Search string
	// Save saves the chosen account ("Lưu vào hệ thống", "Lưu").
	Save string
	// Unit labels the unit chooser of the add screen ("Đơn vị",
	// "Cơ quan quản lý").
	Unit string
}

// DefaultLabels are the quantri-like console's.
func DefaultLabels() Labels {
	return Labels{Title: "Quản lý người dùng", Add: "Thêm mới", Search: "Tìm kiếm trên Vnconnect",
		Save: "Lưu vào hệ thống", Unit: "Đơn vị"}
}

func (l Labels) withDefaults() Labels {
	d := DefaultLabels()
	for _, p := range []struct {
		v *string
		d string
	}{{&l.Title, d.Title}, {&l.Add, d.Add}, {&l.Search, d.Search}, {&l.Save, d.Save}, {&l.Unit, d.Unit}} {
		if *p.v == "" {
			*p.v = p.d
		}
	}
	return l
}

// SearchFields says which criteria the add screen offers beside "Số
// CMND/CCCD" and "Số điện thoại".
type SearchFields struct {
	Name  bool // Họ và tên (PAKN)
	Email bool // Email (quantri)
	// AccountType offers "Đối tượng tìm kiếm": người dân or tổ chức.
	AccountType bool
}

// Config configures the screens of one subsystem in one app.
type Config struct {
	// Subsystem is the rbac subsystem whose users the screens manage.
	Subsystem rbac.SubsystemID
	// RBAC decides and records every change.
	RBAC *rbac.Service
	// Prefix is where the screens live, e.g. "/quan-tri/nguoi-dung"
	// (no trailing slash).
	Prefix string
	// Frame gives each request's page frame (app, menu, person, CSRF).
	Frame ui.Frame

	// Auth, when set, supplies RequireLogin, VerifyCSRF and the actor
	// (the session's TechID). The three fields below override it; tests
	// set them instead of a *web.Handler.
	Auth         *web.Handler
	RequireLogin func(http.Handler) http.Handler
	VerifyCSRF   func(*http.Request) error
	// Actor returns the signed-in person's TechID; by default the
	// identity RequireLogin put in the request's context.
	Actor func(*http.Request) (string, bool)

	Labels Labels
	Search SearchFields
	// WithGroup makes the add screen pick a user group and a status (Mở /
	// Khóa), as PAKN's "Thêm mới vnconnect" does: saving adds, activates,
	// puts in the group and, for Khóa, locks — one rbac.Add with initial
	// settings, all or nothing. Group is preselected.
	WithGroup bool
	Group     rbac.GroupID

	// PageSize is the list's page size; 0 means 20.
	PageSize int
	Logger   *slog.Logger
}

// Screens serves the user administration of one subsystem.
type Screens struct {
	cfg    Config
	labels Labels
	log    *slog.Logger
}

// New checks cfg and returns the screens.
func New(cfg Config) (*Screens, error) {
	if cfg.Subsystem == "" || cfg.RBAC == nil || cfg.Frame == nil {
		return nil, errors.New("admin: Subsystem, RBAC and Frame are required")
	}
	if cfg.Prefix == "" || cfg.Prefix[0] != '/' || strings.HasSuffix(cfg.Prefix, "/") {
		return nil, errors.New("admin: Prefix must start with / and not end with it")
	}
	if cfg.Auth != nil {
		if cfg.RequireLogin == nil {
			cfg.RequireLogin = cfg.Auth.RequireLogin
		}
		if cfg.VerifyCSRF == nil {
			cfg.VerifyCSRF = cfg.Auth.VerifyCSRF
		}
	}
	if cfg.RequireLogin == nil || cfg.VerifyCSRF == nil {
		return nil, errors.New("admin: Auth, or RequireLogin and VerifyCSRF, are required")
	}
	if cfg.Actor == nil {
		cfg.Actor = ui.Actor
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Screens{cfg: cfg, labels: cfg.Labels.withDefaults(), log: cfg.Logger}, nil
}

// Link is the screens' menu entry.
func (s *Screens) Link() ui.Link { return ui.Link{Title: s.labels.Title, URL: s.cfg.Prefix} }

// Mount registers the screens on mux, every route behind RequireLogin.
func (s *Screens) Mount(mux *http.ServeMux) {
	p := s.cfg.Prefix
	h := func(pattern string, f func(http.ResponseWriter, *http.Request, string)) {
		mux.Handle(pattern, s.cfg.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			actor, ok := s.cfg.Actor(r)
			if !ok {
				s.fail(w, r, http.StatusUnauthorized, "Bạn cần đăng nhập để dùng chức năng này.", "")
				return
			}
			f(w, r, actor)
		})))
	}
	post := func(pattern string, f func(http.ResponseWriter, *http.Request, string)) {
		h("POST "+pattern, func(w http.ResponseWriter, r *http.Request, actor string) {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				s.fail(w, r, http.StatusBadRequest, "Biểu mẫu không hợp lệ.", "")
				return
			}
			if err := s.cfg.VerifyCSRF(r); err != nil {
				s.fail(w, r, http.StatusForbidden, msgCSRF, "")
				return
			}
			f(w, r, actor)
		})
	}
	h("GET "+p, s.list)
	h("GET "+p+"/them-moi", s.addForm)
	post(p+"/them-moi/tim-kiem", s.search)
	post(p+"/them-moi", s.add)
	h("GET "+p+"/{account}", s.user)
	post(p+"/{account}/kich-hoat", s.activate)
	post(p+"/{account}/khoa", s.lock)
	post(p+"/{account}/mo-khoa", s.open)
	h("GET "+p+"/{account}/don-vi", s.unitForm)
	post(p+"/{account}/don-vi", s.changeUnit)
	h("GET "+p+"/{account}/gan-quyen", s.grantForm)
	post(p+"/{account}/gan-quyen", s.grant)
	post(p+"/{account}/thu-hoi", s.revoke)
	post(p+"/{account}/nhom", s.setGroup)
}

// maxForm bounds a form's body: the largest carries a search and a reason.
const maxForm = 16 << 10

const msgCSRF = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang rồi thử lại; chưa có thay đổi nào được lưu."

// page is the frame of r with this screen's title and menu entry marked.
func (s *Screens) page(r *http.Request, title string) ui.Page {
	p := s.cfg.Frame(r).WithCurrent(r.URL.Path)
	p.Title = title
	return p
}

// view is what every template of the package gets as Page.Data.
type view struct {
	Labels Labels
	Prefix string
	// Detail is rbac's own (English) explanation of a refusal, shown
	// under the Vietnamese message.
	Detail string
	// Back is where the error page leads.
	Back, BackText string
	Body           any
}

func (s *Screens) render(w http.ResponseWriter, r *http.Request, status int, name, title string, body any, mod func(*ui.Page)) {
	p := s.page(r, title)
	p.Data = view{Labels: s.labels, Prefix: s.cfg.Prefix, Body: body}
	if mod != nil {
		mod(&p)
	}
	ui.Render(w, tpl, status, name, p)
}

// fail shows a refusal or an error on its own page, with a way back.
func (s *Screens) fail(w http.ResponseWriter, r *http.Request, status int, msg, detail string) {
	back, text := s.cfg.Prefix, "Quay lại danh sách người dùng"
	if acc := r.PathValue("account"); acc != "" {
		// Back to the user's page only when the actor may see it.
		if actor, ok := s.cfg.Actor(r); ok && s.cfg.RBAC.Can(r.Context(), actor, rbac.ActView,
			rbac.Target{Account: acc, Subsystem: s.cfg.Subsystem}) == nil {
			back, text = s.userURL(acc), "Quay lại trang người dùng"
		}
	}
	p := s.page(r, "Không thực hiện được")
	p.Error = msg
	p.Data = view{Labels: s.labels, Prefix: s.cfg.Prefix, Detail: detail, Back: back, BackText: text}
	ui.Render(w, tpl, status, "admin-error", p)
}

// failErr shows err as rbac's refusal or failure.
func (s *Screens) failErr(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, detail := explain(err)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "admin: internal error", "path", r.URL.Path, "err", err)
	}
	s.fail(w, r, status, msg, detail)
}

// failScope is failErr for the screens that need some admin power (the
// list, the add screen): someone with none at all is told so plainly,
// rather than that the users are outside their scope.
func (s *Screens) failScope(w http.ResponseWriter, r *http.Request, actor string, err error) {
	if errors.Is(err, rbac.ErrForbidden) {
		if scopes, e := s.cfg.RBAC.Scopes(r.Context(), actor); e == nil && len(scopes) == 0 {
			_, _, detail := explain(err)
			s.fail(w, r, http.StatusForbidden, deniedMessage(rbac.RuleNotAdmin), detail)
			return
		}
	}
	s.failErr(w, r, err)
}

// done redirects after a change (POST-redirect-GET) with the outcome code.
func (s *Screens) done(w http.ResponseWriter, r *http.Request, to, code string) {
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to+"?tb="+url.QueryEscape(code), http.StatusSeeOther)
}

func (s *Screens) userURL(account string) string {
	return s.cfg.Prefix + "/" + url.PathEscape(account)
}

// flashes are the fixed outcome messages a redirect may name.
var flashes = map[string]string{
	"them":      "Đã lưu người dùng vào hệ thống.",
	"kich-hoat": "Đã kích hoạt người dùng.",
	"khoa":      "Đã khóa người dùng.",
	"mo-khoa":   "Đã mở khóa người dùng.",
	"don-vi":    "Đã thay đổi đơn vị.",
	"gan-quyen": "Đã gán quyền.",
	"thu-hoi":   "Đã thu hồi quyền.",
	"nhom":      "Đã cập nhật nhóm người dùng.",
}

func flash(r *http.Request) string { return flashes[r.URL.Query().Get("tb")] }

// reason is the person's "Lý do" if they wrote one, else the fixed reason
// naming the screen: rbac records it in the audit log.
func (s *Screens) reason(r *http.Request, fixed string) string {
	typed := clean(r.PostFormValue("ly-do"), 300)
	if typed == "" {
		return fixed + " (" + s.labels.Title + ")"
	}
	return typed
}

// clean trims v, drops control characters and bounds it to n runes.
func clean(v string, n int) string {
	v = strings.Map(func(c rune) rune {
		if unicode.IsControl(c) {
			return ' '
		}
		return c
	}, strings.ToValidUTF8(v, ""))
	v = strings.Join(strings.Fields(v), " ")
	if utf8.RuneCountInString(v) > n {
		v = string([]rune(v)[:n])
	}
	return v
}
