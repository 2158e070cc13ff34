package remotesign

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Config configures a Client. The zero value of every field except BaseURL
// and the credentials is safe; NewClient fills in defaults and refuses what
// is unsafe.
type Config struct {
	// BaseURL is the CSC API root, e.g. "https://rs.example.vn/csc/v2".
	// Method names ("credentials/list", …) are appended to it. It must be
	// https unless the host is loopback or InsecureAllowHTTP is set.
	BaseURL string

	// Service authentication: exactly one of BearerToken, TokenSource or
	// BasicUser/BasicPassword. TokenSource is called before every request,
	// so it can refresh an OAuth2 client-credentials token.
	BearerToken   string
	TokenSource   func(ctx context.Context) (string, error)
	BasicUser     string
	BasicPassword string

	// HTTPClient performs the requests (default: a private client with
	// timeouts and TLS ≥ 1.2). Its redirects are not followed.
	HTTPClient *http.Client
	// InsecureAllowHTTP allows plain http to non-loopback hosts. It exposes
	// the bearer token and the SAD to the network: it MUST NOT be set in
	// production.
	InsecureAllowHTTP bool

	// MaxResponseBytes caps every response body (default 1 MiB).
	MaxResponseBytes int64
	// RequestTimeout bounds one HTTP exchange (default 30s), inside the
	// caller's context.
	RequestTimeout time.Duration
	// ConfirmTimeout is how long Wait lets the user take to confirm
	// (default 3 minutes); a 202 from credentials/authorize may shorten it
	// with expiresIn.
	ConfirmTimeout time.Duration
	// SignTimeout is how long Wait waits for the signatures once the user
	// has confirmed (default 1 minute). It is also sent as validity_period.
	SignTimeout time.Duration
	// MaxHashes caps len(Request.Hashes) (default 50).
	MaxHashes int
	// Backoff is the polling schedule.
	Backoff Backoff

	// Callbacks, when set, receives result callbacks: every transaction is
	// registered with it and Wait returns as soon as a callback arrives.
	// CallbackURL is then sent to the service as response_uri.
	Callbacks   *CallbackHandler
	CallbackURL string

	// Clock and Rand are injected for tests (defaults: wall clock,
	// crypto/rand). Rand provides transaction IDs and polling jitter.
	Clock Clock
	Rand  io.Reader
}

const (
	defaultMaxResponseBytes int64 = 1 << 20
	defaultRequestTimeout         = 30 * time.Second
	defaultConfirmTimeout         = 3 * time.Minute
	defaultSignTimeout            = time.Minute
	defaultMaxHashes              = 50
	// maxDescriptionRunes is CSC's limit on "description" (500 characters).
	maxDescriptionRunes = 500
)

// Client is a CSC API v2 remote-signing client. It implements Signer and is
// safe for concurrent use.
type Client struct {
	cfg  Config
	base *url.URL
	hc   *http.Client
}

var _ Signer = (*Client)(nil)

// NewClient validates cfg and returns a Client.
func NewClient(cfg Config) (*Client, error) {
	base, err := checkBaseURL(cfg.BaseURL, cfg.InsecureAllowHTTP)
	if err != nil {
		return nil, err
	}
	n := 0
	if cfg.BearerToken != "" {
		n++
	}
	if cfg.TokenSource != nil {
		n++
	}
	if cfg.BasicUser != "" || cfg.BasicPassword != "" {
		n++
	}
	if n != 1 {
		return nil, errors.New("remotesign: config: set exactly one of BearerToken, TokenSource, BasicUser/BasicPassword")
	}
	if cfg.BasicUser != "" && strings.Contains(cfg.BasicUser, ":") {
		return nil, errors.New("remotesign: config: BasicUser must not contain ':'")
	}
	if cfg.CallbackURL != "" {
		if _, err := checkBaseURL(cfg.CallbackURL, cfg.InsecureAllowHTTP); err != nil {
			return nil, fmt.Errorf("remotesign: config: CallbackURL: %w", err)
		}
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = defaultMaxResponseBytes
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = defaultRequestTimeout
	}
	if cfg.ConfirmTimeout <= 0 {
		cfg.ConfirmTimeout = defaultConfirmTimeout
	}
	if cfg.SignTimeout <= 0 {
		cfg.SignTimeout = defaultSignTimeout
	}
	if cfg.MaxHashes <= 0 {
		cfg.MaxHashes = defaultMaxHashes
	}
	cfg.Backoff = cfg.Backoff.withDefaults()
	if cfg.Clock == nil {
		cfg.Clock = realClock{}
	}
	if cfg.Rand == nil {
		cfg.Rand = defaultRand()
	}
	c := &Client{cfg: cfg, base: base, hc: noRedirects(cfg.HTTPClient)}
	return c, nil
}

// noRedirects returns a shallow copy of hc (or a default client) that does
// not follow redirects: a redirect could carry the bearer token and the SAD
// to another origin or downgrade to http. The caller's client is not
// modified.
func noRedirects(hc *http.Client) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	} else {
		var tr *http.Transport
		if dt, ok := http.DefaultTransport.(*http.Transport); ok {
			tr = dt.Clone()
		} else {
			tr = &http.Transport{Proxy: http.ProxyFromEnvironment}
		}
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		tr.TLSHandshakeTimeout = 10 * time.Second
		tr.ResponseHeaderTimeout = 30 * time.Second
		c = http.Client{Transport: tr, Timeout: 2 * defaultRequestTimeout}
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// checkBaseURL enforces https except to loopback hosts (which cannot be
// observed on the network) or with the Insecure switch.
func checkBaseURL(raw string, insecure bool) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("remotesign: config: BaseURL is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("remotesign: config: invalid URL: %w", err)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("remotesign: config: URL %q must be absolute, without credentials, query or fragment", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !insecure && !isLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("remotesign: config: URL %q: https is required (InsecureAllowHTTP is for tests only)", u.Redacted())
		}
	default:
		return nil, fmt.Errorf("remotesign: config: URL %q: scheme must be https", u.Redacted())
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

// isLoopbackHost reports whether host names the local machine.
func isLoopbackHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
