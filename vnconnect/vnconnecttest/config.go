package vnconnecttest

import (
	"crypto/rsa"
	"io"
	"net/http"
	"time"
)

// Default lifetimes. They are WSO2-like but shorter where a test benefits:
// an authorization code lives one minute (WSO2: five) so expiry tests need
// only a small clock jump.
const (
	DefaultCodeTTL         = time.Minute
	DefaultAccessTokenTTL  = time.Hour
	DefaultIDTokenTTL      = time.Hour
	DefaultRefreshTokenTTL = 24 * time.Hour
	DefaultLoginTTL        = 10 * time.Minute
)

// Config configures a standalone fake built with New. The zero value is
// usable except for BaseURL, which New needs to write absolute URLs into
// discovery and tokens.
type Config struct {
	// BaseURL is where the caller serves Handler, e.g.
	// "http://127.0.0.1:9000". It may carry a path prefix, in which case
	// the caller strips that prefix before calling Handler (http.StripPrefix).
	BaseURL string

	// Clock gives the time used for every timestamp, expiry and lifetime.
	// nil means time.Now. Delays from Faults.Slow are real time.
	Clock func() time.Time

	// Rand is the source of codes, tokens, session and token IDs. nil
	// means crypto/rand.Reader. If it fails, the server panics: the fake
	// is a test tool and a broken random source is a bug in the test.
	// RSA key generation ignores it (Go 1.26 always uses a secure source);
	// set SigningKey for a fixed key.
	Rand io.Reader

	// SigningKey is the first RS256 signing key. nil generates a 2048-bit
	// key (about 100 ms); tests creating many servers can share one key.
	SigningKey *rsa.PrivateKey

	// Clients are registered in addition to the default client (see
	// DefaultClientID).
	Clients []ClientReg

	// Accounts are added after the seeded accounts (SeedAccounts). Set
	// NoSeedAccounts to start with only these.
	Accounts       []Account
	NoSeedAccounts bool

	// Lifetimes; zero means the Default… constant.
	CodeTTL, AccessTokenTTL, IDTokenTTL, RefreshTokenTTL, LoginTTL time.Duration

	// DropRetiredKeys makes RotateKeys remove the previous keys from the
	// JWKS at once, so tokens signed before the rotation stop verifying.
	// By default retired keys stay published until RemoveRetiredKeys.
	DropRetiredKeys bool

	// JWKSCacheControl is the Cache-Control header of /oauth2/jwks. Empty
	// means "public, max-age=300".
	JWKSCacheControl string

	// HTTPClient sends back-channel logout requests. nil means a client
	// with a 10-second timeout.
	HTTPClient *http.Client

	// SAMLSigningKey signs SAML responses and logout messages; its
	// self-signed certificate is in /samlsso/metadata. nil reuses the
	// first OIDC signing key (SigningKey or the generated one), which
	// later RotateKeys calls do not change.
	SAMLSigningKey *rsa.PrivateKey

	// SAMLServiceProviders are registered at start
	// (RegisterSAMLServiceProvider adds more later).
	SAMLServiceProviders []SAMLSP

	// SSOSessionTTL is the idle timeout of the browser SSO session (the
	// commonAuthId cookie). Zero means DefaultSSOSessionTTL.
	SSOSessionTTL time.Duration

	// Logf, if set, receives one line per notable event (back-channel
	// logout failures). NewServer sets it to t.Logf.
	Logf func(format string, args ...any)
}

// Option adjusts the Config NewServer builds.
type Option func(*Config)

// WithClock sets Config.Clock.
func WithClock(clock func() time.Time) Option { return func(c *Config) { c.Clock = clock } }

// WithRand sets Config.Rand.
func WithRand(r io.Reader) Option { return func(c *Config) { c.Rand = r } }

// WithSigningKey sets Config.SigningKey.
func WithSigningKey(k *rsa.PrivateKey) Option { return func(c *Config) { c.SigningKey = k } }

// WithClient registers an extra client.
func WithClient(reg ClientReg) Option {
	return func(c *Config) { c.Clients = append(c.Clients, reg) }
}

// WithAccounts adds accounts after the seeded ones.
func WithAccounts(accounts ...Account) Option {
	return func(c *Config) { c.Accounts = append(c.Accounts, accounts...) }
}

// WithoutSeedAccounts starts the server with no seeded accounts.
func WithoutSeedAccounts() Option { return func(c *Config) { c.NoSeedAccounts = true } }

// WithDropRetiredKeys sets Config.DropRetiredKeys.
func WithDropRetiredKeys() Option { return func(c *Config) { c.DropRetiredKeys = true } }

// WithHTTPClient sets Config.HTTPClient.
func WithHTTPClient(hc *http.Client) Option { return func(c *Config) { c.HTTPClient = hc } }

// WithSAMLServiceProvider registers a SAML service provider at start.
func WithSAMLServiceProvider(sp SAMLSP) Option {
	return func(c *Config) { c.SAMLServiceProviders = append(c.SAMLServiceProviders, sp) }
}

// WithConfig lets a test change any Config field not covered by an option.
// BaseURL is overwritten by NewServer.
func WithConfig(f func(*Config)) Option { return f }

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
