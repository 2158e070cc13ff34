package sysadmin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
)

// DefaultTitle is the menu entry and the page's heading.
const DefaultTitle = "Quản trị hệ thống"

// DefaultPath is where the page lives; the screens it lists live under it,
// so that the menu entry is marked current on them too (ui.WithCurrent).
const DefaultPath = "/quan-tri/"

// Item is one screen the page lists.
type Item struct {
	Title, URL string
	// About is one sentence saying what the screen is for.
	About string
}

// Config configures the page of one app.
type Config struct {
	// Subsystem is the app's rbac subsystem: who administers something
	// there sees the page.
	Subsystem rbac.SubsystemID
	// SubsystemName names it in the refusal ("Phản ánh, kiến nghị").
	SubsystemName string
	// RBAC answers who administers what.
	RBAC *rbac.Service
	// Items are the screens listed, in order.
	Items []Item
	// Title defaults to DefaultTitle, Path to DefaultPath (it must start
	// and end with "/").
	Title, Path string

	Frame        ui.Frame
	RequireLogin func(http.Handler) http.Handler
	// Actor returns the signed-in person's TechID; by default the identity
	// RequireLogin put in the request's context.
	Actor  func(*http.Request) (string, bool)
	Logger *slog.Logger
}

// Page serves "Quản trị hệ thống".
type Page struct{ cfg Config }

// New checks cfg and returns the page.
func New(cfg Config) (*Page, error) {
	if cfg.Subsystem == "" || cfg.RBAC == nil || cfg.Frame == nil || cfg.RequireLogin == nil {
		return nil, errors.New("sysadmin: Subsystem, RBAC, Frame and RequireLogin are required")
	}
	if cfg.Title == "" {
		cfg.Title = DefaultTitle
	}
	if cfg.Path == "" {
		cfg.Path = DefaultPath
	}
	if !strings.HasPrefix(cfg.Path, "/") || !strings.HasSuffix(cfg.Path, "/") {
		return nil, errors.New("sysadmin: Path must start and end with /")
	}
	if cfg.SubsystemName == "" {
		cfg.SubsystemName = string(cfg.Subsystem)
	}
	if cfg.Actor == nil {
		cfg.Actor = ui.Actor
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Page{cfg: cfg}, nil
}

// Link is the app menu's entry.
func (p *Page) Link() ui.Link { return ui.Link{Title: p.cfg.Title, URL: p.cfg.Path} }

// Mount registers the page (GET Path exactly) behind RequireLogin.
func (p *Page) Mount(mux *http.ServeMux) {
	mux.Handle("GET "+p.cfg.Path+"{$}", p.cfg.RequireLogin(http.HandlerFunc(p.serve)))
}

// Administers reports whether actor administers something on sub: the
// operator, a super admin (every subsystem), or an active, open admin of
// some unit on sub.
func Administers(ctx context.Context, svc *rbac.Service, actor string, sub rbac.SubsystemID) (bool, error) {
	if actor == "" {
		return false, nil
	}
	if svc.IsOperator(actor) {
		return true, nil
	}
	scopes, err := svc.Scopes(ctx, actor)
	if err != nil {
		return false, err
	}
	for _, sc := range scopes {
		if sc.Subsystem == "" || sc.Subsystem == sub {
			return true, nil
		}
	}
	return false, nil
}

type view struct {
	Items   []Item
	Refused bool
}

const (
	msgRefused = "Bạn không có quyền quản trị trên hệ thống %s. Mục “%s” chỉ dành cho quản trị viên của đơn vị; nếu cần, hãy đề nghị quản trị viên cấp trên cấp quyền cho bạn."
	msgFailed  = "Hệ thống đang gặp sự cố, chưa kiểm tra được quyền quản trị của bạn. Vui lòng thử lại sau."
)

func (p *Page) serve(w http.ResponseWriter, r *http.Request) {
	page := p.cfg.Frame(r).WithCurrent(r.URL.Path)
	page.Title = p.cfg.Title
	actor, ok := p.cfg.Actor(r)
	if !ok {
		page.Error = "Bạn cần đăng nhập để dùng chức năng này."
		page.Data = view{Refused: true}
		ui.Render(w, tpl, http.StatusUnauthorized, "sysadmin", page)
		return
	}
	admin, err := Administers(r.Context(), p.cfg.RBAC, actor, p.cfg.Subsystem)
	switch {
	case err != nil:
		p.cfg.Logger.ErrorContext(r.Context(), "sysadmin: scopes", "err", err)
		page.Error = msgFailed
		page.Data = view{Refused: true}
		ui.Render(w, tpl, http.StatusInternalServerError, "sysadmin", page)
	case !admin:
		page.Error = fmt.Sprintf(msgRefused, p.cfg.SubsystemName, p.cfg.Title)
		page.Data = view{Refused: true}
		ui.Render(w, tpl, http.StatusForbidden, "sysadmin", page)
	default:
		page.Data = view{Items: p.cfg.Items}
		ui.Render(w, tpl, http.StatusOK, "sysadmin", page)
	}
}

var tpl = ui.Templates(`{{define "sysadmin"}}{{template "head" .}}
<h1>{{.Title}}</h1>
{{if not .Data.Refused}}<p>Chọn chức năng quản trị:</p>
<ul>
{{range .Data.Items}}<li><a href="{{.URL}}">{{.Title}}</a>{{with .About}} – {{.}}{{end}}</li>
{{end}}</ul>{{else}}<p><a href="/">Về trang chủ</a></p>{{end}}
{{template "foot" .}}{{end}}`)
