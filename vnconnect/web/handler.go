package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Defaults for the zero values of Config.
const (
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultAbsoluteTimeout = 8 * time.Hour
	DefaultTouchInterval   = time.Minute
	DefaultLoginTTL        = 10 * time.Minute
)

// Paths are where the Handler serves each protocol route, relative to the
// root of BaseURL. An empty field takes the default shown.
type Paths struct {
	Login        string // /auth/login
	Callback     string // /auth/callback (the OIDC redirect_uri's path)
	Logout       string // /auth/logout
	Backchannel  string // /auth/backchannel-logout
	Frontchannel string // /auth/frontchannel-logout
	SAMLLogin    string // /saml/login
	SAMLMetadata string // /saml/metadata
	SAMLACS      string // /saml/acs
	SAMLSLO      string // /saml/slo
}

func (p Paths) withDefaults() Paths {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&p.Login, "/auth/login")
	def(&p.Callback, "/auth/callback")
	def(&p.Logout, "/auth/logout")
	def(&p.Backchannel, "/auth/backchannel-logout")
	def(&p.Frontchannel, "/auth/frontchannel-logout")
	def(&p.SAMLLogin, "/saml/login")
	def(&p.SAMLMetadata, "/saml/metadata")
	def(&p.SAMLACS, "/saml/acs")
	def(&p.SAMLSLO, "/saml/slo")
	return p
}

// Config configures a Handler. Client or SAML and BaseURL are required;
// every other zero value is the safe default.
type Config struct {
	// Client is the OIDC relying party. Its RedirectURL must be BaseURL +
	// Paths.Callback. Nil disables the OIDC routes (SAML only).
	Client *vnconnect.Client
	// SAML, if set, mounts the SAML endpoints (see SAMLProvider).
	SAML SAMLProvider

	// BaseURL is the app's origin as browsers see it, e.g.
	// "https://pakn.example.gov.vn" (a path prefix is allowed). It must be
	// https, except http on a loopback host for local development, which
	// drops the __Host- cookie prefix and the Secure attribute (browsers
	// refuse both over http).
	BaseURL string

	// Paths of the protocol routes.
	Paths Paths

	// Sessions, Pending and Replay are the stores; nil means an in-memory
	// store, right for a single process. Several replicas must share
	// them (redisstore) so that a login started on one finishes on
	// another and a logout on one ends the session on all.
	Sessions SessionStore
	Pending  PendingStore
	Replay   vnconnect.ReplayCache

	// LogoutVerifier verifies back-channel logout tokens. Nil means one
	// built from Client (its key set and Client.VerifierConfig: client ID,
	// issuer, allowed algorithms, leeway) with Replay and Clock.
	LogoutVerifier *vnconnect.LogoutTokenVerifier

	// IdleTimeout ends a session not used for this long; AbsoluteTimeout
	// ends it this long after login whatever happens.
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	// TouchInterval is how often a request pushes the idle deadline
	// forward (a store write). Requests in between only read, which keeps
	// RequireLogin cheap; the idle timeout is thus honoured to within this
	// interval. It is capped at IdleTimeout/2.
	TouchInterval time.Duration
	// LoginTTL bounds the time between the redirect to Vnconnect and the
	// callback.
	LoginTTL time.Duration

	// AfterLogin is where a login without return_to lands; AfterLogout
	// is where the browser ends up after logout (Vnconnect sends it to
	// BaseURL + AfterLogout, which must be registered as a
	// post_logout_redirect_uri; a SAML provider from NewSAMLProvider
	// lands there too once the IdP confirms the logout, unless it was
	// given SAMLAfterLogout). Both default to "/".
	AfterLogin  string
	AfterLogout string

	// OnLogin runs after the person is authenticated and before a session
	// is created: provision the account here, or return an error to refuse
	// the login (the person sees a clear page; no session is created).
	// An error wrapping a *RefusalError shows its public message.
	OnLogin func(ctx context.Context, id *vnconnect.Identity) error

	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// Rand is the source of session IDs, CSRF tokens and browser bindings;
	// nil means crypto/rand.Reader. It must be cryptographically secure
	// outside tests.
	Rand io.Reader
	// Logger receives failures that the browser only sees as a generic
	// page; nil discards them.
	Logger *slog.Logger
}

// Handler serves the protocol routes and provides the RequireLogin
// middleware. It is safe for concurrent use.
type Handler struct {
	client   *vnconnect.Client
	saml     SAMLProvider
	base     *url.URL
	baseStr  string // without a trailing slash
	paths    Paths
	sessions SessionStore
	pending  PendingStore
	logoutV  *vnconnect.LogoutTokenVerifier

	idle, absolute, touch, loginTTL time.Duration
	afterLogin, afterLogout         string
	onLogin                         func(context.Context, *vnconnect.Identity) error

	now    func() time.Time
	rand   io.Reader
	log    *slog.Logger
	cookie cookiePolicy
}

var _ http.Handler = (*Handler)(nil)

// New checks cfg and returns a Handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Client == nil && cfg.SAML == nil {
		return nil, errors.New("web: Config.Client or Config.SAML is required")
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || base.Host == "" || base.RawQuery != "" || base.Fragment != "" || base.User != nil {
		return nil, errors.New("web: Config.BaseURL must be an absolute URL without query or fragment")
	}
	dev := false
	switch base.Scheme {
	case "https":
	case "http":
		if !isLoopback(base.Hostname()) {
			return nil, fmt.Errorf("web: Config.BaseURL %q: https is required except on loopback hosts", cfg.BaseURL)
		}
		dev = true
	default:
		return nil, errors.New("web: Config.BaseURL must be https (or http on loopback)")
	}
	h := &Handler{
		client: cfg.Client, saml: cfg.SAML, base: base,
		baseStr: strings.TrimRight(cfg.BaseURL, "/"),
		paths:   cfg.Paths.withDefaults(),
		idle:    orDuration(cfg.IdleTimeout, DefaultIdleTimeout), absolute: orDuration(cfg.AbsoluteTimeout, DefaultAbsoluteTimeout),
		touch: orDuration(cfg.TouchInterval, DefaultTouchInterval), loginTTL: orDuration(cfg.LoginTTL, DefaultLoginTTL),
		onLogin: cfg.OnLogin, now: cfg.Clock, rand: cfg.Rand, log: cfg.Logger,
		cookie: newCookiePolicy(dev, base.Port()),
	}
	for _, d := range []time.Duration{cfg.IdleTimeout, cfg.AbsoluteTimeout, cfg.TouchInterval, cfg.LoginTTL} {
		if d < 0 {
			return nil, errors.New("web: Config timeouts must not be negative")
		}
	}
	if h.idle > h.absolute {
		h.idle = h.absolute
	}
	if h.touch > h.idle/2 {
		h.touch = h.idle / 2
	}
	for _, p := range []string{h.paths.Login, h.paths.Callback, h.paths.Logout, h.paths.Backchannel, h.paths.Frontchannel,
		h.paths.SAMLLogin, h.paths.SAMLMetadata, h.paths.SAMLACS, h.paths.SAMLSLO} {
		if !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("web: Config.Paths: %q must start with /", p)
		}
	}
	if h.afterLogin, err = defaultPath(cfg.AfterLogin, "AfterLogin"); err != nil {
		return nil, err
	}
	if h.afterLogout, err = defaultPath(cfg.AfterLogout, "AfterLogout"); err != nil {
		return nil, err
	}
	if p, ok := h.saml.(afterLogoutReceiver); ok {
		if err := p.setAfterLogout(h.afterLogout); err != nil {
			return nil, err
		}
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.rand == nil {
		h.rand = rand.Reader
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.sessions = cfg.Sessions
	if h.sessions == nil {
		h.sessions = NewMemorySessionStore(MemoryOptions{Clock: h.now})
	}
	h.pending = cfg.Pending
	if h.pending == nil {
		h.pending = NewMemoryPendingStore(MemoryOptions{Clock: h.now})
	}
	h.logoutV = cfg.LogoutVerifier
	if h.logoutV == nil && h.client != nil {
		// The client's own settings (allowed algorithms, leeway), so that
		// logout tokens are held to what its ID tokens are; the clock is
		// this handler's.
		vcfg := h.client.VerifierConfig()
		vcfg.Clock = h.now
		h.logoutV, err = vnconnect.NewLogoutTokenVerifier(h.client.KeySet(), vcfg, cfg.Replay)
		if err != nil {
			return nil, fmt.Errorf("web: logout token verifier: %w", err)
		}
	}
	return h, nil
}

// ServeHTTP routes the protocol endpoints and answers 404 to anything else,
// so the Handler can be mounted on a prefix ("/auth/") or at the root of a
// mux beside the app.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := h.path(r)
	switch {
	case h.client != nil && p == h.paths.Login:
		h.handleLogin(w, r)
	case h.client != nil && p == h.paths.Callback:
		h.handleCallback(w, r)
	case p == h.paths.Logout:
		h.handleLogout(w, r)
	case h.client != nil && p == h.paths.Backchannel:
		h.handleBackchannel(w, r)
	case h.client != nil && p == h.paths.Frontchannel:
		h.handleFrontchannel(w, r)
	case h.saml != nil && (p == h.paths.SAMLLogin || (h.client == nil && p == h.paths.Login)):
		h.handleSAMLLogin(w, r)
	case h.saml != nil && p == h.paths.SAMLMetadata:
		h.handleSAMLMetadata(w, r)
	case h.saml != nil && p == h.paths.SAMLACS:
		h.handleSAMLACS(w, r)
	case h.saml != nil && p == h.paths.SAMLSLO:
		h.handleSAMLSLO(w, r)
	default:
		http.NotFound(w, r)
	}
}

// path is the request path relative to BaseURL's path prefix.
func (h *Handler) path(r *http.Request) string {
	p := r.URL.Path
	if prefix := strings.TrimRight(h.base.Path, "/"); prefix != "" {
		p = strings.TrimPrefix(p, prefix)
	}
	return p
}

// LoginURL is the login route with return_to, for links and redirects.
func (h *Handler) LoginURL(returnTo string) string {
	u := h.basePath() + h.paths.Login
	if returnTo != "" {
		u += "?return_to=" + url.QueryEscape(returnTo)
	}
	return u
}

// basePath is BaseURL's path prefix without a trailing slash.
func (h *Handler) basePath() string { return strings.TrimRight(h.base.Path, "/") }

// token returns n random bytes, base64url-encoded.
func (h *Handler) token(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(h.rand, b); err != nil {
		return "", fmt.Errorf("web: random source: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func defaultPath(p, field string) (string, error) {
	if p == "" {
		return "/", nil
	}
	clean, err := SanitizeReturnTo(p)
	if err != nil {
		return "", fmt.Errorf("web: Config.%s: %w", field, err)
	}
	return clean, nil
}

// isLoopback reports whether host is localhost or a loopback IP.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
