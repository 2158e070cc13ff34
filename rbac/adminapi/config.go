package adminapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/changeform"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// Config configures the API. Service and one of Auth or Web are required;
// every other zero value is the safe default.
type Config struct {
	// Service applies the delegation rules. Required.
	Service *rbac.Service
	// Auth says who is calling. Nil means WebAuthenticator{Web}.
	Auth Authenticator
	// Web is the vnconnect/web handler whose sessions authenticate the
	// API when Auth is nil.
	Web *web.Handler
	// Directory looks people up on Vnconnect for the change form (POST
	// /change-form), which answers 501 without one. It should be the
	// directory Service was built with. Searches (GET /vnconnect/search)
	// go through Service, which checks that the actor is an admin.
	Directory vnconnect.Directory
	// Aliases maps the change form's subsystem names to IDs; nil means
	// changeform.DefaultAliases.
	Aliases *changeform.AliasTable
	// Credentials yields the verified agency credential for super-admin
	// requests; nil disables POST /super-admin/requests (501).
	Credentials CredentialSource
	// Logger receives internal errors, which clients only see as a
	// generic 500; nil discards them.
	Logger *slog.Logger
	// MaxBodyBytes caps a JSON request body; default 64 KiB.
	MaxBodyBytes int64
	// FormLimits bound the change-form upload; the multipart body may be
	// FormLimits.MaxFileBytes plus 64 KiB.
	FormLimits changeform.Limits
	// Converter runs account conversions (the /conversions routes, which
	// answer 501 without one). It should be built on Service.
	Converter *migrate.Converter
}

// DefaultMaxBodyBytes is the default cap of a JSON request body.
const DefaultMaxBodyBytes = 64 << 10

// api is the mounted handler's state.
type api struct {
	svc      *rbac.Service
	auth     Authenticator
	creds    CredentialSource
	importer *changeform.Importer // nil without a directory
	log      *slog.Logger
	maxBody  int64
	limits   changeform.Limits
	maxForm  int64
	conv     *migrate.Converter // nil: /conversions answers 501
}

// New checks cfg and returns the API as an http.Handler, to be mounted
// under a prefix with http.StripPrefix:
//
//	mux.Handle("/admin/api/", http.StripPrefix("/admin/api", h))
func New(cfg Config) (http.Handler, error) {
	if cfg.Service == nil {
		return nil, errors.New("adminapi: Config.Service is required")
	}
	a := &api{svc: cfg.Service, auth: cfg.Auth, creds: cfg.Credentials, log: cfg.Logger, maxBody: cfg.MaxBodyBytes, limits: cfg.FormLimits, conv: cfg.Converter}
	if a.auth == nil {
		if cfg.Web == nil {
			return nil, errors.New("adminapi: Config.Auth or Config.Web is required")
		}
		a.auth = WebAuthenticator{Handler: cfg.Web}
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.maxBody <= 0 {
		a.maxBody = DefaultMaxBodyBytes
	}
	if a.limits.MaxFileBytes <= 0 {
		a.limits.MaxFileBytes = changeform.DefaultMaxFileBytes
	}
	a.maxForm = a.limits.MaxFileBytes + 64<<10
	if cfg.Directory != nil {
		im, err := changeform.New(changeform.Config{Service: cfg.Service, Directory: cfg.Directory, Aliases: cfg.Aliases, Logger: cfg.Logger})
		if err != nil {
			return nil, err
		}
		a.importer = im
	}
	return a.routes(), nil
}
