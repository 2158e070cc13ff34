package main

import (
	"net/http"
	"strings"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/pakn"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/platform"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/sysadmin"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// appKind tells which of the three demo apps an instance is.
type appKind int

const (
	kindPortal appKind = iota // the portal with the quantri-like console
	kindPAKN                  // feedback (PAKN-like)
	kindCSDL                  // procedures database (CSDL-like)
)

// appEnv is what an app instance's screens are built from: the shared
// platform, the instance's vnconnect/web handler (RequireLogin, CSRF, the
// session's identity) and its page frame.
type appEnv struct {
	Kind     appKind
	BaseURL  string // the app's public URL (its proxy's, with replicas)
	Platform *platform.Platform
	Auth     *web.Handler
	Frame    ui.Frame
}

// mountScreens adds every screen package's routes for env.Kind to mux,
// and returns the app menu entries they add. Each area has its own file.
// On PAKN and CSDL the administration screens (those under
// sysadmin.DefaultPath) are not in the menu themselves: the menu has
// "Quản trị hệ thống", whose page lists them, as the platform's guidance
// walks it ("Quản trị hệ thống" → "Quản trị người dùng").
func mountScreens(mux *http.ServeMux, env appEnv) ([]ui.Link, error) {
	var nav []ui.Link
	for _, mount := range []func(*http.ServeMux, appEnv) ([]ui.Link, error){mountAdmin, mountAgency, mountPAKN} {
		links, err := mount(mux, env)
		if err != nil {
			return nil, err
		}
		nav = append(nav, links...)
	}
	return mountSystemAdmin(mux, env, nav)
}

// sysadminApps are the apps with a "Quản trị hệ thống" menu: their
// subsystem and its name in a refusal.
var sysadminApps = map[appKind]struct {
	sub  rbac.SubsystemID
	name string
}{
	kindPAKN: {rbac.SubsystemPAKN, "Phản ánh, kiến nghị"},
	kindCSDL: {rbac.SubsystemCSDL, "Cơ sở dữ liệu quốc gia về thủ tục hành chính"},
}

// sysadminAbout says what each administration screen is for, on the
// "Quản trị hệ thống" page.
var sysadminAbout = map[string]string{
	adminPrefix:      "thêm người dùng từ Vnconnect, kích hoạt, khóa, thay đổi đơn vị, nhóm người dùng và quyền.",
	pakn.PathConvert: "chuyển tài khoản username/password sang tài khoản Vnconnect, hoặc từ tài khoản Vnconnect này sang tài khoản khác khi thay đổi cán bộ.",
}

// mountSystemAdmin moves the menu entries under sysadmin.DefaultPath to
// the "Quản trị hệ thống" page of the apps that have one, and returns the
// menu with that page's entry last.
func mountSystemAdmin(mux *http.ServeMux, env appEnv, nav []ui.Link) ([]ui.Link, error) {
	app, ok := sysadminApps[env.Kind]
	if !ok || env.Platform == nil || env.Platform.RBAC == nil || env.Auth == nil {
		return nav, nil
	}
	var keep []ui.Link
	var items []sysadmin.Item
	for _, l := range nav {
		if strings.HasPrefix(l.URL, sysadmin.DefaultPath) {
			items = append(items, sysadmin.Item{Title: l.Title, URL: l.URL, About: sysadminAbout[l.URL]})
			continue
		}
		keep = append(keep, l)
	}
	if len(items) == 0 {
		return nav, nil
	}
	page, err := sysadmin.New(sysadmin.Config{Subsystem: app.sub, SubsystemName: app.name, RBAC: env.Platform.RBAC,
		Items: items, Frame: env.Frame, RequireLogin: env.Auth.RequireLogin})
	if err != nil {
		return nil, err
	}
	page.Mount(mux)
	return append(keep, page.Link()), nil
}

// areaData plugs the areas' own tables into the shared database: their
// schema (run at every start), their seed (once per fresh database) and
// the movers a conversion runs, so that converting an account moves its
// feedback cases in the same transaction as its rights.
func areaData(cfg *platform.Config) {
	cfg.AppSchema = append(cfg.AppSchema, pakn.Migrate)
	cfg.Movers = append(cfg.Movers, pakn.Movers)
	// PAKN's seed: the cases of the legacy accounts, of Outgoing, and a
	// new one (mount_pakn.go).
	cfg.AppSeed = append(cfg.AppSeed, seedPAKN)
}
