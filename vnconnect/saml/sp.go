package saml

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"io"
	"net/url"
	"time"

	dsig "github.com/russellhaering/goxmldsig"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// ServiceProvider is a SAML 2.0 service provider for Vnconnect's WSO2
// /samlsso endpoint. It is safe for concurrent use; its state lives in
// the configured RequestStore and ReplayCache, so several replicas sharing
// those behave as one SP.
type ServiceProvider struct {
	entityID    string
	acsURL      string
	sloURL      string
	metadataURL string

	key       crypto.Signer
	cert      *x509.Certificate
	signer    *dsig.SigningContext // nil without Key
	sigMethod string

	md       *metadataSource
	requests RequestStore
	replay   vnconnect.ReplayCache

	now        func() time.Time
	rand       io.Reader
	skew       time.Duration
	issueDelay time.Duration
	requestTTL time.Duration

	allowIdPInitiated           bool
	policy                      SignaturePolicy
	signAuthn                   bool
	binding                     Binding
	allowUnsignedLogoutResponse bool
	maxMsg                      int
	attrNames                   map[string]string
	cookieName                  string
	cookieSecure                bool
}

// New checks cfg and builds a ServiceProvider. With IdPMetadataURL the
// metadata is fetched on first use (or by RefreshMetadata), so New does
// no I/O.
func New(cfg Config) (*ServiceProvider, error) {
	sp := &ServiceProvider{
		entityID:                    cfg.EntityID,
		acsURL:                      cfg.ACSURL,
		sloURL:                      cfg.SLOURL,
		metadataURL:                 cfg.MetadataURL,
		key:                         cfg.Key,
		cert:                        cfg.Certificate,
		requests:                    cfg.Requests,
		replay:                      cfg.Replay,
		now:                         cfg.Clock,
		rand:                        cfg.Rand,
		skew:                        cfg.MaxClockSkew,
		issueDelay:                  cfg.MaxIssueDelay,
		requestTTL:                  cfg.RequestTTL,
		allowIdPInitiated:           cfg.AllowIdPInitiated,
		policy:                      cfg.Signature,
		signAuthn:                   cfg.SignAuthnRequests,
		binding:                     cfg.Binding,
		allowUnsignedLogoutResponse: cfg.AllowUnsignedLogoutResponse,
		maxMsg:                      cfg.MaxMessageBytes,
		cookieName:                  cfg.BindingCookie,
	}
	if sp.entityID == "" {
		return nil, errf(ErrConfig, "EntityID is required")
	}
	acs, err := checkOwnURL("ACSURL", sp.acsURL, true)
	if err != nil {
		return nil, err
	}
	if _, err := checkOwnURL("SLOURL", sp.sloURL, false); err != nil {
		return nil, err
	}
	if sp.binding != BindingRedirect && sp.binding != BindingPOST {
		return nil, errf(ErrConfig, "unknown Binding")
	}
	if sp.policy < SignatureEither || sp.policy > SignatureBoth {
		return nil, errf(ErrConfig, "unknown SignaturePolicy")
	}
	if sp.now == nil {
		sp.now = time.Now
	}
	if sp.rand == nil {
		sp.rand = rand.Reader
	}
	switch {
	case sp.skew == 0:
		sp.skew = DefaultMaxClockSkew
	case sp.skew < 0:
		sp.skew = 0
	}
	if sp.issueDelay <= 0 {
		sp.issueDelay = DefaultMaxIssueDelay
	}
	if sp.requestTTL <= 0 {
		sp.requestTTL = DefaultRequestTTL
	}
	if sp.maxMsg <= 0 {
		sp.maxMsg = DefaultMaxMessageBytes
	}
	if sp.requests == nil {
		sp.requests = NewMemoryRequestStore(sp.now)
	}
	if sp.replay == nil {
		sp.replay = vnconnect.NewMemoryReplayCache(sp.now)
	}
	if len(cfg.AttributeNames) > 0 {
		sp.attrNames = make(map[string]string, len(cfg.AttributeNames))
		for k, v := range cfg.AttributeNames {
			sp.attrNames[k] = v
		}
	}
	sp.cookieSecure = acs.Scheme == "https"
	if sp.cookieName == "" {
		sp.cookieName = DefaultBindingCookieName
		if !sp.cookieSecure {
			sp.cookieName = insecureBindingCookieName
		}
	}
	if err := sp.setupSigning(cfg); err != nil {
		return nil, err
	}
	if err := sp.setupMetadata(cfg); err != nil {
		return nil, err
	}
	return sp, nil
}

// checkOwnURL checks one of this SP's endpoint URLs: absolute, and https
// unless on loopback (the ACS receives bearer assertions).
func checkOwnURL(name, raw string, required bool) (*url.URL, error) {
	if raw == "" {
		if required {
			return nil, errf(ErrConfig, "%s is required", name)
		}
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" {
		return nil, errf(ErrConfig, "%s must be an absolute URL", name)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil, errf(ErrConfig, "%s must be https (or http on loopback)", name)
	}
	return u, nil
}

func (sp *ServiceProvider) setupSigning(cfg Config) error {
	needKey := sp.signAuthn || sp.sloURL != ""
	if sp.key == nil {
		if needKey {
			return errf(ErrConfig, "Key and Certificate are required to sign requests and for single logout")
		}
		return nil
	}
	if sp.cert == nil {
		return errf(ErrConfig, "Certificate is required with Key")
	}
	switch sp.key.Public().(type) {
	case *rsa.PublicKey:
		sp.sigMethod = dsig.RSASHA256SignatureMethod
	case *ecdsa.PublicKey:
		sp.sigMethod = dsig.ECDSASHA256SignatureMethod
	default:
		return errf(ErrConfig, "Key must be RSA or ECDSA")
	}
	if !publicKeysEqual(sp.key.Public(), sp.cert.PublicKey) {
		return errf(ErrConfig, "Certificate does not match Key")
	}
	sc, err := dsig.NewSigningContext(sp.key, [][]byte{sp.cert.Raw})
	if err != nil {
		return errf(ErrConfig, "signing context")
	}
	if err := sc.SetSignatureMethod(sp.sigMethod); err != nil {
		return errf(ErrConfig, "signing context")
	}
	sc.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	sp.signer = sc
	return nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}

func (sp *ServiceProvider) setupMetadata(cfg Config) error {
	hasBytes, hasURL := len(cfg.IdPMetadata) > 0, cfg.IdPMetadataURL != ""
	if hasBytes == hasURL {
		return errf(ErrConfig, "set exactly one of IdPMetadata and IdPMetadataURL")
	}
	md := &metadataSource{now: sp.now, allowSHA1: cfg.InsecureAllowSHA1}
	if hasBytes {
		d, err := parseIdPMetadata(cfg.IdPMetadata, sp.now, cfg.InsecureAllowSHA1)
		if err != nil {
			return err
		}
		md.static = d
		sp.md = md
		return nil
	}
	if err := checkMetadataURL(cfg.IdPMetadataURL, cfg.InsecureAllowHTTPMetadata); err != nil {
		return err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = vnconnect.NewDefaultHTTPClient()
	}
	md.url = cfg.IdPMetadataURL
	md.hc = metadataClient(hc, cfg.InsecureAllowHTTPMetadata)
	md.every = cfg.MetadataRefresh
	if md.every <= 0 {
		md.every = DefaultMetadataRefresh
	}
	md.max = cfg.MaxMetadataBytes
	if md.max <= 0 {
		md.max = DefaultMaxMetadataBytes
	}
	sp.md = md
	return nil
}

// RefreshMetadata fetches the IdP metadata now (a no-op for static
// metadata). Call it at start-up to fail fast, or from a scheduler. On
// failure the last good metadata stays in use.
func (sp *ServiceProvider) RefreshMetadata(ctx context.Context) error {
	return sp.md.refresh(ctx)
}

// IdPEntityID returns the IdP's entity ID from its metadata.
func (sp *ServiceProvider) IdPEntityID(ctx context.Context) (string, error) {
	d, err := sp.md.get(ctx)
	if err != nil {
		return "", err
	}
	return d.entityID, nil
}

// EntityID returns this SP's entity ID.
func (sp *ServiceProvider) EntityID() string { return sp.entityID }
