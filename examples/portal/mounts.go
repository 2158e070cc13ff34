package main

import (
	"net/http"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/pakn"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/platform"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
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
func mountScreens(mux *http.ServeMux, env appEnv) ([]ui.Link, error) {
	var nav []ui.Link
	for _, mount := range []func(*http.ServeMux, appEnv) ([]ui.Link, error){mountAdmin, mountAgency, mountPAKN} {
		links, err := mount(mux, env)
		if err != nil {
			return nil, err
		}
		nav = append(nav, links...)
	}
	return nav, nil
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
