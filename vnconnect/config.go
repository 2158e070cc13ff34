package vnconnect

import (
	"io"
	"net/http"
	"time"
)

// AuthStyle selects how the client authenticates to the token, revocation and
// introspection endpoints.
type AuthStyle int

const (
	// AuthStylePost sends client_id and client_secret in the form body
	// (client_secret_post), what Vnconnect registers relying parties with.
	// It is the zero value and the default.
	AuthStylePost AuthStyle = iota
	// AuthStyleBasic sends them in an HTTP Basic Authorization header
	// (client_secret_basic), each form-urlencoded first as RFC 6749 §2.3.1
	// requires.
	AuthStyleBasic
)

// UserInfo request methods (Config.UserInfoMethod).
const (
	UserInfoGET  = http.MethodGet
	UserInfoPOST = http.MethodPost
)

// DefaultLoA is the level of assurance requested when Config.LoA is empty:
// the lowest Vnconnect level, a username/password login.
const DefaultLoA = "LoA1"

// Config describes one relying party registered on Vnconnect. The zero value
// of every optional field is the safe choice; ClientID, RedirectURL and
// Endpoint are required. Build a Client from it with NewClient, which checks
// it; a Config must not be changed while a Client built from it is in use
// (NewClient copies what it needs, but the HTTPClient and KeySet are shared).
type Config struct {
	// ClientID and ClientSecret are the credentials Vnconnect issued.
	// ClientSecret may be empty for a public client (PKCE still protects
	// the code).
	ClientID     string
	ClientSecret string

	// RedirectURL is the callback registered with Vnconnect; it must be an
	// absolute URL and must match the registration exactly.
	RedirectURL string

	// Endpoint is the deployment: Production, Staging, EndpointFor(base) or
	// the result of Discover.
	Endpoint Endpoint

	// Scopes are requested in addition to "openid", which is always sent
	// (once) and need not be listed.
	Scopes []string

	// LoA is the level of assurance requested with acr_values and required
	// of every ID token's "acr" ("LoA1" … "LoA4"). Empty means DefaultLoA.
	LoA string

	// AllowedAlgs restricts the ID token signing algorithms; nil means
	// RS256, what Vnconnect uses. "none" and HMAC are always refused.
	AllowedAlgs []string

	// Leeway tolerates clock skew on exp/nbf/iat/auth_time. Zero means
	// none; a minute is a common choice when the server clock is not
	// NTP-synchronised with Vnconnect.
	Leeway time.Duration

	// MaxAge, when positive, is sent as max_age with every login and
	// Exchange refuses an ID token whose auth_time is older
	// (ErrAuthTooOld). Refresh does not apply it: a refreshed token keeps
	// the original auth_time. WithMaxAge overrides it per login.
	MaxAge time.Duration

	// AuthStyle selects client authentication; the zero value is
	// client_secret_post.
	AuthStyle AuthStyle

	// HTTPClient makes every request. Nil means NewDefaultHTTPClient() (with
	// timeouts), never http.DefaultClient. Redirects of token, revocation
	// and introspection requests to another host are refused whatever this
	// client's CheckRedirect says.
	HTTPClient *http.Client

	// Clock returns the current time; nil means time.Now. Tests inject a
	// fixed clock here instead of touching package state.
	Clock func() time.Time

	// Rand is the source of state, nonce and PKCE verifier; nil means
	// crypto/rand.Reader. It must be cryptographically secure outside tests.
	Rand io.Reader

	// KeySet verifies ID token signatures. Nil means a RemoteKeySet on
	// Endpoint.JWKSURL sharing HTTPClient, MaxResponseBytes, Clock and
	// InsecureAllowHTTP, with JWKSMinRefreshInterval.
	KeySet KeySet

	// JWKSMinRefreshInterval is the least time between two fetches of the
	// JWKS by the default RemoteKeySet (RemoteKeySetConfig.MinRefreshInterval);
	// zero means DefaultMinRefreshInterval. A token with an unknown kid
	// triggers a refetch, so a short interval picks up a key rotation
	// sooner but lets anyone make the relying party call Vnconnect more
	// often. It is ignored when KeySet is set.
	JWKSMinRefreshInterval time.Duration

	// InsecureAllowHTTP permits plain-http endpoints on non-loopback hosts.
	// It exists for lab networks and containers talking over a private
	// bridge. It MUST NOT be set in production: codes, tokens and the
	// client secret would cross the network in clear, and JWKS responses
	// could be replaced, letting anyone forge ID tokens. Loopback hosts
	// (127.0.0.0/8, ::1, localhost) are always allowed over http.
	InsecureAllowHTTP bool

	// MaxResponseBytes caps every response body read (token, userinfo,
	// introspection, JWKS); zero means DefaultMaxResponseBytes. Larger
	// responses fail with ErrResponseTooLarge.
	MaxResponseBytes int64

	// UserInfoMethod is UserInfoGET (the default, also for "") or
	// UserInfoPOST. Both send the access token in the Authorization header.
	UserInfoMethod string
}
