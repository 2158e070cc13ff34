package vnconnecttest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Paths of the WSO2 Identity Server endpoints the fake serves, relative to
// the base URL. They are the ones Vnconnect uses in production.
const (
	PathAuthorize     = "/oauth2/authorize"
	PathToken         = "/oauth2/token"
	PathDiscovery     = "/oauth2/token/.well-known/openid-configuration"
	PathJWKS          = "/oauth2/jwks"
	PathUserInfo      = "/oauth2/userinfo"
	PathRevoke        = "/oauth2/revoke"
	PathIntrospect    = "/oauth2/introspect"
	PathLogout        = "/oidc/logout"
	PathLoginPage     = "/authenticationendpoint/login.do"
	PathSearch        = "/api/vnconnect/search"
	PathTraCuuTechID  = "/api/TraCuuTechID"
	pathLoggedOutPage = "/authenticationendpoint/logout.do"
)

// Server is a fake Vnconnect. All methods are safe for concurrent use.
type Server struct {
	base       string // BaseURL without a trailing slash
	clock      func() time.Time
	httpClient *http.Client
	logf       func(string, ...any)
	ttl        lifetimes
	jwksCache  string
	dropOld    bool
	handler    http.Handler
	ts         *httptest.Server // nil when built with New

	randMu sync.Mutex // an io.Reader is not promised to be concurrency-safe
	rand   io.Reader

	mu       sync.Mutex
	clients  map[string]ClientReg
	accounts map[string]Account
	order    []string // account TechIDs in insertion order, for stable listings
	keys     keyring
	pending  map[string]*pendingLogin // by sessionDataKey
	codes    map[string]*codeGrant
	access   map[string]*accessGrant
	refresh  map[string]*refreshGrant
	sessions map[string]*session // by sid

	// SAML IdP and browser SSO (saml*.go, sso*.go). The SAML keys are
	// fixed at New; the maps are guarded by mu.
	saml       *samlKeys
	samlSPs    map[string]SAMLSP     // by entity ID
	ssoCookies map[string]string     // commonAuthId value → sid
	logouts    map[string]*logoutRun // single-logout runs in progress, by ID
	ssoTTL     time.Duration

	faultMu sync.RWMutex
	faults  Faults
}

type lifetimes struct{ code, access, id, refresh, login time.Duration }

// New builds a fake for standalone use: the caller serves Handler on the
// listener that BaseURL names. For tests, NewServer is simpler.
func New(cfg Config) (*Server, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("vnconnecttest: Config.BaseURL must be an absolute http(s) URL without query")
	}
	s := &Server{
		base:       strings.TrimSuffix(cfg.BaseURL, "/"),
		clock:      cfg.Clock,
		rand:       cfg.Rand,
		httpClient: cfg.HTTPClient,
		logf:       cfg.Logf,
		jwksCache:  cfg.JWKSCacheControl,
		dropOld:    cfg.DropRetiredKeys,
		ttl: lifetimes{
			code:    orDuration(cfg.CodeTTL, DefaultCodeTTL),
			access:  orDuration(cfg.AccessTokenTTL, DefaultAccessTokenTTL),
			id:      orDuration(cfg.IDTokenTTL, DefaultIDTokenTTL),
			refresh: orDuration(cfg.RefreshTokenTTL, DefaultRefreshTokenTTL),
			login:   orDuration(cfg.LoginTTL, DefaultLoginTTL),
		},
		clients:  make(map[string]ClientReg),
		accounts: make(map[string]Account),
		pending:  make(map[string]*pendingLogin),
		codes:    make(map[string]*codeGrant),
		access:   make(map[string]*accessGrant),
		refresh:  make(map[string]*refreshGrant),
		sessions: make(map[string]*session),

		samlSPs:    make(map[string]SAMLSP),
		ssoCookies: make(map[string]string),
		logouts:    make(map[string]*logoutRun),
		ssoTTL:     orDuration(cfg.SSOSessionTTL, DefaultSSOSessionTTL),
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.httpClient == nil {
		s.httpClient = &http.Client{Timeout: 10 * time.Second}
	}
	if s.logf == nil {
		s.logf = func(string, ...any) {}
	}
	if s.jwksCache == "" {
		s.jwksCache = "public, max-age=300"
	}
	if err := s.keys.init(cfg.SigningKey, s.rand); err != nil {
		return nil, err
	}
	if err := s.initSAML(cfg); err != nil {
		return nil, err
	}
	s.clients[DefaultClientID] = defaultClient()
	for _, c := range cfg.Clients {
		if err := c.validate(); err != nil {
			return nil, err
		}
		s.clients[c.ID] = c
	}
	var accounts []Account
	if !cfg.NoSeedAccounts {
		accounts = SeedAccounts()
	}
	for _, a := range append(accounts, cfg.Accounts...) {
		if err := s.addAccount(a); err != nil {
			return nil, err
		}
	}
	s.handler = s.routes()
	return s, nil
}

// NewServer starts a fake on 127.0.0.1 over plain HTTP (the relying party
// allows http on loopback) and closes it when the test ends. It calls
// t.Fatal if the server cannot be built.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	cfg := Config{Logf: t.Logf}
	for _, o := range opts {
		o(&cfg)
	}
	cfg.BaseURL = "http://" + ts.Listener.Addr().String()
	s, err := New(cfg)
	if err != nil {
		ts.Close()
		t.Fatalf("vnconnecttest.NewServer: %v", err)
	}
	ts.Config.Handler = s.handler
	ts.Start()
	s.ts = ts
	t.Cleanup(s.Close)
	return s
}

// Handler serves every route of the fake, rooted at "/".
func (s *Server) Handler() http.Handler { return s.handler }

// URL is the base URL, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.base }

// Issuer is the "iss" of every token: WSO2 uses its token endpoint URL.
func (s *Server) Issuer() string { return s.base + PathToken }

// Close stops the server started by NewServer; for New it does nothing.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

func (s *Server) now() time.Time { return s.clock() }

// randomBytes reads n bytes from the injected source.
func (s *Server) randomBytes(n int) []byte {
	b := make([]byte, n)
	s.randMu.Lock()
	_, err := io.ReadFull(s.rand, b)
	s.randMu.Unlock()
	if err != nil {
		panic(fmt.Sprintf("vnconnecttest: Config.Rand failed: %v", err))
	}
	return b
}

// randomToken is an opaque, URL-safe value for codes and tokens.
func (s *Server) randomToken() string {
	return base64.RawURLEncoding.EncodeToString(s.randomBytes(32))
}

// randomUUID is a version-4 UUID, the shape WSO2 uses for sid and jti.
func (s *Server) randomUUID() string {
	b := s.randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
