package main

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// app is one relying-party application of the demo: its pages, and the
// vnconnect/web handler for login, callback, logout and the logout
// channels. Two of them run side by side to show single sign-on and
// single logout.
type app struct {
	title  string
	saml   bool   // SAML login offered beside OIDC
	peers  []peer // the other apps, linked from the header
	auth   *web.Handler
	mux    *http.ServeMux
	logger *slog.Logger
}

type peer struct{ Title, URL string }

type appConfig struct {
	Title   string
	BaseURL string
	Client  *vnconnect.Client
	SAML    web.SAMLProvider // nil: OIDC only
	Peers   []peer
	Logger  *slog.Logger
	Stores  stores // zero: in-memory
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
	return a, nil
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	a.mux.ServeHTTP(w, r)
}

// home is public: it offers the login buttons, or greets the person.
func (a *app) home(w http.ResponseWriter, r *http.Request) {
	v := a.page(r)
	v.SAML = a.saml
	render(w, http.StatusOK, "home", v)
}

// profile is behind RequireLogin: it shows the verified identity.
func (a *app) profile(w http.ResponseWriter, r *http.Request) {
	render(w, http.StatusOK, "profile", a.page(r))
}

func (a *app) page(r *http.Request) pageView {
	v := pageView{Title: a.title, Peers: a.peers}
	if id, ok := web.IdentityFrom(r.Context()); ok {
		v.Person = newPersonView(id)
		v.CSRF = a.auth.CSRFToken(r)
		if s, ok := web.SessionFrom(r.Context()); ok {
			v.Protocol = s.Protocol
		}
	}
	return v
}
