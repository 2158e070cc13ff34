package agency

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// Routes of the console's screens (Vietnamese slugs without diacritics).
const (
	PathRegister = "/quan-tri/dang-ky-quan-tri"  // the agency's page
	PathSign     = PathRegister + "/ky-so"       // POST: issue a challenge
	PathAnswer   = PathRegister + "/ket-qua-ky"  // POST: the plugin's answer
	PathSubmit   = PathRegister + "/gui"         // POST: confirm the unit
	PathApprove  = "/quan-tri/phe-duyet-dang-ky" // the operator's page
	PathDecide   = PathApprove + "/{id}"         // POST: Phê duyệt / Từ chối
	Purpose      = "dang-ky-quan-tri"            // the challenges' purpose
	pendingTTL   = 15 * time.Minute              // verified, not yet confirmed
	maxFormBytes = 2*pki.MaxAnswerBytes + 16<<10 // the answer form is the largest
	maxReason    = 500                           // runes of a reason
)

// Config is what the screens need. RBAC, Challenger, Frame and VerifyCSRF
// are required.
type Config struct {
	RBAC       *rbac.Service
	Challenger *pki.Challenger // its Verifier trusts the VGCA (demo) root

	// PluginPath is where the page sends the data to sign: the simulated
	// plugin's chooser (default PluginPrefix + "/chon-chung-thu").
	PluginPath string

	// Pending keeps a verified certificate identity between the answer
	// and the confirmation (single use, 15 minutes). Default: an
	// in-process store; share one (the challenger's) between replicas.
	Pending pki.NonceStore

	Frame      ui.Frame
	VerifyCSRF func(*http.Request) error
	// RequireLogin wraps every page (default: refuse without Identity).
	RequireLogin func(http.Handler) http.Handler
	// Identity is the logged-in person (default web.IdentityFrom).
	Identity func(*http.Request) (*vnconnect.Identity, bool)
	Logger   *slog.Logger
	Clock    func() time.Time
}

// Screens serves the registration and approval pages.
type Screens struct {
	cfg Config
	tpl *template.Template
}

// New checks cfg and applies its defaults.
func New(cfg Config) (*Screens, error) {
	if cfg.RBAC == nil || cfg.Challenger == nil || cfg.Frame == nil || cfg.VerifyCSRF == nil {
		return nil, errors.New("agency: RBAC, Challenger, Frame and VerifyCSRF are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Pending == nil {
		cfg.Pending = pki.NewMemoryNonceStore(cfg.Clock, 10_000)
	}
	if cfg.PluginPath == "" {
		cfg.PluginPath = PluginPrefix + "/chon-chung-thu"
	}
	if cfg.Identity == nil {
		cfg.Identity = func(r *http.Request) (*vnconnect.Identity, bool) { return web.IdentityFrom(r.Context()) }
	}
	if cfg.RequireLogin == nil {
		cfg.RequireLogin = requireIdentity(cfg.Identity)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Screens{cfg: cfg, tpl: ui.Templates(pagesSrc)}, nil
}

// Mount adds the screens' routes to mux.
func (s *Screens) Mount(mux *http.ServeMux) {
	h := func(f http.HandlerFunc) http.Handler { return s.cfg.RequireLogin(f) }
	mux.Handle("GET "+PathRegister, h(s.registerPage))
	mux.Handle("POST "+PathSign, h(s.sign))
	mux.Handle("POST "+PathAnswer, h(s.answer))
	mux.Handle("POST "+PathSubmit, h(s.submit))
	mux.Handle("GET "+PathApprove, h(s.approvePage))
	mux.Handle("POST "+PathDecide, h(s.decide))
}

// Links are the menu entries of the screens.
func (s *Screens) Links() []ui.Link {
	return []ui.Link{
		{Title: "Đăng ký quản trị cấp cao", URL: PathRegister},
		{Title: "Phê duyệt đăng ký quản trị", URL: PathApprove},
	}
}

func requireIdentity(id func(*http.Request) (*vnconnect.Identity, bool)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, ok := id(r); !ok {
				http.Error(w, "Vui lòng đăng nhập", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// page is the request's frame with title, the current menu entry and data.
func (s *Screens) page(r *http.Request, title string, data any) ui.Page {
	p := s.cfg.Frame(r).WithCurrent(r.URL.Path)
	p.Title = title
	p.Data = data
	return p
}

// postForm limits the body, parses it and checks the CSRF token. It
// renders the refusal and returns false when any of that fails.
func (s *Screens) postForm(w http.ResponseWriter, r *http.Request, limit int64, back string) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusRequestEntityTooLarge, "Dữ liệu gửi lên quá lớn hoặc không đọc được.", back)
		return false
	}
	if err := s.cfg.VerifyCSRF(r); err != nil {
		s.fail(w, r, http.StatusForbidden, msgCSRF, back)
		return false
	}
	return true
}

// fail renders a refusal page: the message in role=alert and a way back.
func (s *Screens) fail(w http.ResponseWriter, r *http.Request, status int, msg, back string) {
	p := s.page(r, "Không thực hiện được", map[string]string{"Back": back})
	p.Error = msg
	ui.Render(w, s.tpl, status, "refused", p)
}

// randomToken is 32 random bytes, base64url.
func randomToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// clip cuts s to n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// vnTime formats t for the pages (Asia/Ho_Chi_Minh is UTC+7, no DST).
func vnTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(time.FixedZone("ICT", 7*3600)).Format("15:04 02/01/2006")
}
