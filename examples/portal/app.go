package main

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/platform"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// app is one relying-party application of the demo: its pages, the
// screens its areas mount (mountScreens), and the vnconnect/web handler
// for login, callback, logout and the logout channels. Three of them run
// side by side to show single sign-on and single logout.
type app struct {
	title  string
	saml   bool      // SAML login offered beside OIDC
	peers  []ui.Link // the other apps, linked from the header
	nav    []ui.Link // this app's menu: what the screens mounted
	auth   *web.Handler
	mux    *http.ServeMux
	logger *slog.Logger
}

type appConfig struct {
	Title    string
	Kind     appKind
	BaseURL  string
	Client   *vnconnect.Client
	SAML     web.SAMLProvider // nil: OIDC only
	Peers    []ui.Link
	Logger   *slog.Logger
	Stores   stores             // zero: in-memory
	Platform *platform.Platform // nil: the profile pages only (no screens)
}

func newApp(cfg appConfig) (*app, error) {
	if cfg.Client == nil || cfg.BaseURL == "" {
		return nil, errors.New("portal: Client and BaseURL are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	auth, err := web.New(web.Config{
		Client:  cfg.Client,
		SAML:    cfg.SAML,
		BaseURL: cfg.BaseURL,
		Logger:  cfg.Logger,

		Sessions: cfg.Stores.Sessions,
		Pending:  cfg.Stores.Pending,
		Replay:   cfg.Stores.Replay,
	})
	if err != nil {
		return nil, err
	}
	a := &app{title: cfg.Title, saml: cfg.SAML != nil, peers: cfg.Peers, auth: auth, mux: http.NewServeMux(), logger: cfg.Logger}
	a.mux.Handle("/auth/", auth)
	a.mux.Handle("/saml/", auth)
	a.mux.Handle("GET /{$}", auth.LoadSession(http.HandlerFunc(a.home)))
	a.mux.Handle("GET /ho-so", auth.RequireLogin(http.HandlerFunc(a.profile)))
	if cfg.Platform != nil {
		nav, err := mountScreens(a.mux, appEnv{Kind: cfg.Kind, BaseURL: cfg.BaseURL, Platform: cfg.Platform, Auth: auth, Frame: a.frame})
		if err != nil {
			return nil, err
		}
		a.nav = nav
	}
	return a, nil
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	a.mux.ServeHTTP(w, r)
}

// frame is the app's ui.Frame: the request's page with the app's name, its
// menu (the current entry marked), the other apps, and the signed-in
// person with the session's CSRF token.
func (a *app) frame(r *http.Request) ui.Page {
	p := ui.Page{App: a.title, Peers: a.peers, Nav: a.nav}
	if id, ok := web.IdentityFrom(r.Context()); ok {
		p.Person = &ui.Person{Name: id.DisplayName(), TechID: id.TechID}
		p.CSRF = a.auth.CSRFToken(r)
	}
	return p.WithCurrent(r.URL.Path)
}

// home is public: it offers the login buttons, or greets the person.
func (a *app) home(w http.ResponseWriter, r *http.Request) {
	p := a.frame(r)
	p.Data = a.view(r)
	ui.Render(w, pages, http.StatusOK, "home", p)
}

// profile is behind RequireLogin: it shows the verified identity.
func (a *app) profile(w http.ResponseWriter, r *http.Request) {
	p := a.frame(r)
	p.Title = "Thông tin tài khoản"
	p.Data = a.view(r)
	ui.Render(w, pages, http.StatusOK, "profile", p)
}

func (a *app) view(r *http.Request) pageView {
	v := pageView{SAML: a.saml}
	if id, ok := web.IdentityFrom(r.Context()); ok {
		v.Person = newPersonView(id)
		if s, ok := web.SessionFrom(r.Context()); ok {
			v.Protocol = s.Protocol
		}
	}
	return v
}
