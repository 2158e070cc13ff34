package saml

import (
	"crypto"
	"crypto/x509"
	"io"
	"net/http"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// SignaturePolicy says which element of a Response the IdP's signature
// must cover. Every policy reads the assertion only from the bytes a
// verified signature covers, never from the surrounding document.
type SignaturePolicy int

const (
	// SignatureEither (the zero value, the default): the Assertion is
	// signed, or the Response is signed and contains exactly one
	// Assertion (which the Response signature then covers). If both carry
	// a signature, the one the policy relies on must verify: the Response
	// signature when present, otherwise the Assertion's. WSO2 signs the
	// Response by default and the Assertion when "Enable Assertion
	// Signing" is ticked; both work.
	SignatureEither SignaturePolicy = iota
	// SignatureAssertion: the Assertion itself must carry a valid
	// signature; a Response signature alone is not enough.
	SignatureAssertion
	// SignatureResponse: the Response must carry a valid signature.
	SignatureResponse
	// SignatureBoth: both must carry a valid signature.
	SignatureBoth
)

func (p SignaturePolicy) String() string {
	switch p {
	case SignatureEither:
		return "either"
	case SignatureAssertion:
		return "assertion"
	case SignatureResponse:
		return "response"
	case SignatureBoth:
		return "both"
	}
	return "unknown"
}

// Defaults applied by New when the corresponding Config field is zero.
const (
	DefaultMaxClockSkew       = 2 * time.Minute
	DefaultMaxIssueDelay      = 5 * time.Minute
	DefaultRequestTTL         = 10 * time.Minute
	DefaultMetadataRefresh    = time.Hour
	DefaultMaxMetadataBytes   = 1 << 20
	DefaultMaxMessageBytes    = 256 << 10
	DefaultBindingCookieName  = "__Host-rpkit-saml"
	insecureBindingCookieName = "rpkit-saml"
)

// Config configures a ServiceProvider. Its zero value is not usable (the
// entity ID, ACS URL and IdP metadata are required) but every optional
// field's zero value selects the safe default.
type Config struct {
	// EntityID is this SP's entity ID, the only accepted Audience.
	EntityID string
	// ACSURL is the Assertion Consumer Service (HTTP-POST binding). It is
	// the only accepted Recipient and Destination of a Response.
	ACSURL string
	// SLOURL is the Single Logout endpoint (HTTP-Redirect and HTTP-POST).
	// Empty disables single logout.
	SLOURL string
	// MetadataURL is where the SP metadata is published (informational).
	MetadataURL string

	// Key signs AuthnRequests (when SignAuthnRequests is set),
	// LogoutRequests and LogoutResponses; Certificate is its certificate,
	// published in the SP metadata. RSA or ECDSA. Required when SLOURL is
	// set or SignAuthnRequests is true.
	Key         crypto.Signer
	Certificate *x509.Certificate

	// IdPMetadata is the IdP's metadata document. Used as is, never
	// refreshed. Exactly one of IdPMetadata and IdPMetadataURL is set.
	IdPMetadata []byte
	// IdPMetadataURL is fetched on first use and refreshed every
	// MetadataRefresh; when a refresh fails the last good metadata stays
	// in use (an IdP outage must not lock everyone out). https is
	// required except for loopback hosts.
	IdPMetadataURL string
	// MetadataRefresh is the refresh interval (default 1h).
	MetadataRefresh time.Duration
	// MaxMetadataBytes caps the metadata document (default 1 MiB).
	MaxMetadataBytes int64
	// InsecureAllowHTTPMetadata permits an http IdPMetadataURL on a
	// non-loopback host. The metadata carries the IdP's signing key: an
	// attacker on the path could replace it and sign anything. MUST NOT be
	// set in production.
	InsecureAllowHTTPMetadata bool
	// HTTPClient fetches the metadata; nil means
	// vnconnect.NewDefaultHTTPClient().
	HTTPClient *http.Client

	// Requests holds pending AuthnRequests and LogoutRequests between the
	// redirect to the IdP and its answer. Share it between replicas so the
	// answer may land on any of them. nil means a per-process memory store.
	Requests RequestStore
	// Replay remembers accepted assertion IDs (and IdP LogoutRequest IDs)
	// until they expire. Share it between replicas. nil means
	// vnconnect.NewMemoryReplayCache(Clock).
	Replay vnconnect.ReplayCache

	// Clock returns the current time; nil means time.Now. Every time
	// check of this package uses it (never crewjam's package globals).
	Clock func() time.Time
	// Rand is the source of request IDs and relay-state handles; nil
	// means crypto/rand.
	Rand io.Reader
	// MaxClockSkew is the tolerance applied to every time condition
	// (default 2 minutes; negative means none).
	MaxClockSkew time.Duration
	// MaxIssueDelay bounds how old a Response's IssueInstant may be
	// (default 5 minutes), whatever NotOnOrAfter says.
	MaxIssueDelay time.Duration
	// RequestTTL is how long a login or logout may stay pending at the
	// IdP (default 10 minutes).
	RequestTTL time.Duration

	// AllowIdPInitiated accepts responses that answer no AuthnRequest.
	// They are still signature-, audience-, recipient-, time- and
	// replay-checked, but a stolen response can then be used by whoever
	// posts it first, and login CSRF becomes possible. Default off.
	AllowIdPInitiated bool
	// Signature selects the signature policy (default SignatureEither).
	Signature SignaturePolicy
	// SignAuthnRequests signs AuthnRequests (Redirect: SigAlg/Signature
	// query parameters; POST: enveloped XML signature).
	SignAuthnRequests bool
	// Binding is how AuthnRequest sends the browser to the IdP (default
	// BindingRedirect).
	Binding Binding
	// AllowUnsignedLogoutResponse accepts an IdP LogoutResponse without a
	// signature. A LogoutResponse only reports a status, but by default
	// it must still be signed. IdP LogoutRequests are always required to
	// be signed.
	AllowUnsignedLogoutResponse bool

	// InsecureAllowSHA1 accepts RSA-SHA1 / ECDSA-SHA1 signatures and SHA-1
	// digests. SHA-1 collisions are practical; older WSO2 releases sign
	// with RSA-SHA1 by default, so switch the IdP to RSA-SHA256 rather
	// than set this. MUST NOT be set in production.
	InsecureAllowSHA1 bool

	// MaxMessageBytes caps a decoded (and, for Redirect, inflated) SAML
	// message (default 256 KiB). The HTTP body limit is derived from it.
	MaxMessageBytes int
	// AttributeNames renames SAML attributes to Vnconnect claim names
	// before mapping (for an IdP that sends claim URIs); attributes not
	// listed keep their Name. Vnconnect's IdP sends the claim names
	// (TechID, HoVaTen, SoDinhDanh, …) as attribute names.
	AttributeNames map[string]string
	// BindingCookie names the cookie that binds a pending login to the
	// browser that started it (default "__Host-rpkit-saml"; "rpkit-saml"
	// when ACSURL is plain http on loopback, where __Host- cannot be set).
	BindingCookie string
}
