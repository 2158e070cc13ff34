package pki

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Use is what the leaf certificate is being verified for.
type Use int

const (
	// UseSigning (the zero value) requires the digitalSignature or
	// nonRepudiation key usage: the leaf signs a login challenge or a
	// document. A leaf without a KeyUsage extension is refused.
	UseSigning Use = iota
	// UseClientAuth requires digitalSignature when KeyUsage is present and
	// clientAuth (or anyExtendedKeyUsage) when ExtKeyUsage is present.
	UseClientAuth
	// UseAny checks no key usage of the leaf (path validation only).
	UseAny
)

// Defaults applied by NewVerifier to zero Config fields.
const (
	DefaultMaxIntermediates   = 10
	DefaultMaxSignatureChecks = 100
	DefaultMaxCRLBytes        = 20 << 20
	DefaultFetchTimeout       = 10 * time.Second
	DefaultMaxClockSkew       = 5 * time.Minute
	DefaultMaxResponseAge     = 7 * 24 * time.Hour
	DefaultCacheSize          = 1024
)

// Config configures a Verifier. The zero value is safe but trusts nothing:
// set Roots.
type Config struct {
	// Roots are the trust anchors (for example the VGCA root, see
	// LoadCertificates). Their own signatures and extensions are not
	// checked, only their validity period.
	Roots []*x509.Certificate
	// Intermediates are CA certificates known in advance (VGCA sub-CAs).
	// They are not trusted, only used to build paths.
	Intermediates []*x509.Certificate

	// EKUs are the extended key usages accepted on the leaf when it carries
	// the extension: nil accepts any. crypto/x509's default (serverAuth) does
	// not fit signing certificates, so there is none here.
	EKUs []x509.ExtKeyUsage

	// MaxIntermediates bounds the untrusted intermediates one Verify call
	// accepts (default 10); more are refused with ErrTooManyIntermediates.
	MaxIntermediates int
	// MaxSignatureChecks bounds the signatures path building may check in
	// one call (default 100), so crafted intermediates cannot make it
	// explore paths without end.
	MaxSignatureChecks int

	// Initial policy state of RFC 5280 §6.1.1: the acceptable policies
	// (nil = anyPolicy), and the three initial switches.
	Policies              []x509.OID
	RequireExplicitPolicy bool
	InhibitPolicyMapping  bool
	InhibitAnyPolicy      bool

	// Revocation is the revocation policy (default RevocationHardFail).
	Revocation RevocationPolicy
	// InsecureSkipRevocation turns revocation checking off. It MUST NOT be
	// set in production: a revoked agency certificate would log in.
	InsecureSkipRevocation bool
	// HTTPClient fetches CRLs and asks OCSP responders (default: a client
	// with FetchTimeout, no proxy magic beyond http.DefaultTransport's).
	HTTPClient *http.Client
	// MaxCRLBytes bounds a fetched CRL (default 20 MiB).
	MaxCRLBytes int64
	// FetchTimeout bounds one CRL fetch or OCSP request (default 10 s).
	FetchTimeout time.Duration
	// CRLs are loaded offline, as if fetched (see also Verifier.AddCRL).
	CRLs []*x509.RevocationList
	// OCSPNonce is whether OCSP requests carry a nonce (RFC 8954) and
	// whether the answer must echo it. The default, OCSPNonceIfEchoed,
	// sends one and refuses an answer echoing another, but accepts an
	// answer without (pre-signed answers never echo).
	OCSPNonce OCSPNoncePolicy
	// Rand is the source of OCSP nonces (default crypto/rand.Reader); it
	// must be safe for concurrent use, as Verify is.
	Rand io.Reader
	// MaxResponseAge is how long a CRL or OCSP answer without nextUpdate is
	// used after its thisUpdate (default 7 days).
	MaxResponseAge time.Duration

	// InsecureAllowSHA1Before accepts SHA-1 signatures on certificates whose
	// NotBefore (and CRLs whose thisUpdate) is before this date. Zero, the
	// default, refuses SHA-1 (Go ≥ 1.24 does too). It exists for legacy VGCA
	// chains and MUST NOT be set later than the date the CA stopped issuing
	// with SHA-1: a certificate issued after the cut-off is refused even so.
	InsecureAllowSHA1Before time.Time

	// Clock gives the current time (default time.Now).
	Clock func() time.Time
	// MaxClockSkew is tolerated on CRL and OCSP thisUpdate/nextUpdate
	// (default 5 minutes; negative means none).
	MaxClockSkew time.Duration

	// CacheSize is the number of verified chains kept (default 1024;
	// negative disables the cache).
	CacheSize int
}

// Options are per-call settings.
type Options struct {
	// At is the verification time; zero means Config.Clock().
	At time.Time
	// Use is what the leaf must be fit for (default UseSigning).
	Use Use
	// Purpose is free text for errors and logs (for example "login").
	Purpose string
}

// Result is a successful verification.
type Result struct {
	// Chain runs from the leaf (index 0) to the trust anchor (last).
	Chain []*x509.Certificate
	// Subject is the leaf's subject read with the VGCA profile; nil with
	// SubjectErr set when the profile cannot read it (the chain is valid).
	Subject    *Subject
	SubjectErr error
	// Revocation has one status per certificate of Chain except the anchor,
	// in the same order. Empty with InsecureSkipRevocation.
	Revocation []RevocationStatus
	// Cached reports that the chain came from the verified-chain cache
	// (revocation is evaluated on every call regardless).
	Cached bool
}

// Verifier verifies certificate chains to its roots. It is safe for
// concurrent use.
type Verifier struct {
	cfg           Config
	roots         *certPool
	intermediates *certPool
	clock         func() time.Time
	chains        *chainCache
	crls          *crlStore
	dps           *dpCache
	ocsp          *ocspCache
	http          *http.Client
	policy        policyInput
	policyTrivial bool
	rand          io.Reader
}

// NewVerifier checks cfg, applies defaults and returns a Verifier.
func NewVerifier(cfg Config) (*Verifier, error) {
	if len(cfg.Roots) == 0 {
		return nil, fmt.Errorf("%w: no roots", ErrConfig)
	}
	for i, r := range cfg.Roots {
		if r == nil {
			return nil, fmt.Errorf("%w: root %d is nil", ErrConfig, i)
		}
	}
	if cfg.MaxIntermediates == 0 {
		cfg.MaxIntermediates = DefaultMaxIntermediates
	}
	if cfg.MaxIntermediates < 0 {
		return nil, fmt.Errorf("%w: negative MaxIntermediates", ErrConfig)
	}
	if cfg.MaxSignatureChecks <= 0 {
		cfg.MaxSignatureChecks = DefaultMaxSignatureChecks
	}
	if cfg.MaxCRLBytes <= 0 {
		cfg.MaxCRLBytes = DefaultMaxCRLBytes
	}
	if cfg.FetchTimeout <= 0 {
		cfg.FetchTimeout = DefaultFetchTimeout
	}
	if cfg.MaxResponseAge <= 0 {
		cfg.MaxResponseAge = DefaultMaxResponseAge
	}
	if cfg.MaxClockSkew == 0 {
		cfg.MaxClockSkew = DefaultMaxClockSkew
	} else if cfg.MaxClockSkew < 0 {
		cfg.MaxClockSkew = 0
	}
	if cfg.OCSPNonce < OCSPNonceIfEchoed || cfg.OCSPNonce > OCSPNonceOff {
		return nil, fmt.Errorf("%w: unknown OCSP nonce policy %d", ErrConfig, cfg.OCSPNonce)
	}
	if cfg.Revocation < RevocationHardFail || cfg.Revocation > RevocationOCSPThenCRL {
		return nil, fmt.Errorf("%w: unknown revocation policy %d", ErrConfig, cfg.Revocation)
	}
	v := &Verifier{
		cfg:           cfg,
		roots:         newCertPool(cfg.Roots),
		intermediates: newCertPool(cfg.Intermediates),
		clock:         cfg.Clock,
		crls:          newCRLStore(),
		dps:           newDPCache(),
		ocsp:          newOCSPCache(),
		http:          cfg.HTTPClient,
	}
	if v.clock == nil {
		v.clock = time.Now
	}
	v.rand = cfg.Rand
	if v.rand == nil {
		v.rand = rand.Reader
	}
	if v.http == nil {
		v.http = &http.Client{Timeout: cfg.FetchTimeout}
	}
	size := cfg.CacheSize
	if size == 0 {
		size = DefaultCacheSize
	}
	if size > 0 {
		v.chains = newChainCache(size)
	}
	v.policy = policyInput{requireExplicit: cfg.RequireExplicitPolicy, inhibitMap: cfg.InhibitPolicyMapping, inhibitAny: cfg.InhibitAnyPolicy}
	if len(cfg.Policies) > 0 {
		v.policy.initial = map[string]bool{}
		for _, p := range cfg.Policies {
			v.policy.initial[p.String()] = true
		}
	}
	v.policyTrivial = !cfg.RequireExplicitPolicy && (len(v.policy.initial) == 0 || v.policy.initial[anyPolicy])
	for i, crl := range cfg.CRLs {
		if err := v.AddCRL(crl); err != nil {
			return nil, fmt.Errorf("%w: CRL %d: %w", ErrConfig, i, err)
		}
	}
	return v, nil
}

// Verify builds and validates a path from leaf to a root at opts.At, checks
// the leaf is fit for opts.Use, and establishes the revocation status of
// every certificate of the path under Config.Revocation. intermediates are
// untrusted certificates sent with the leaf (at most MaxIntermediates).
func (v *Verifier) Verify(ctx context.Context, leaf *x509.Certificate, intermediates []*x509.Certificate, opts Options) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if leaf == nil {
		return nil, verr(0, ErrCertificateInput, "nil leaf", nil)
	}
	if len(intermediates) > v.cfg.MaxIntermediates {
		return nil, verr(-1, ErrTooManyIntermediates, fmt.Sprintf("%d supplied, limit %d", len(intermediates), v.cfg.MaxIntermediates), nil)
	}
	at := opts.At
	if at.IsZero() {
		at = v.clock()
	}
	res := &Result{}
	var key cacheKey
	var hit *chainEntry
	if v.chains != nil {
		key = makeCacheKey(leaf, intermediates, opts.Use)
		hit = v.chains.get(key, at)
	}
	if hit != nil {
		res.Chain, res.Cached = hit.chain, true
		if hit.subject != nil {
			s := *hit.subject
			res.Subject = &s
		}
		res.SubjectErr = hit.subjectErr
	} else {
		extra := newCertPool(nil)
		for _, c := range intermediates {
			if c == nil {
				return nil, verr(-1, ErrCertificateInput, "nil intermediate", nil)
			}
			extra.add(c)
		}
		chain, err := v.buildChain(ctx, leaf, extra, at, opts.Use)
		if err != nil {
			return nil, err
		}
		res.Chain = chain
		res.Subject, res.SubjectErr = SubjectOf(leaf)
		if v.chains != nil {
			v.chains.put(key, newChainEntry(chain, res.Subject, res.SubjectErr))
			if res.Subject != nil {
				s := *res.Subject
				res.Subject = &s
			}
		}
	}
	if v.cfg.InsecureSkipRevocation {
		return res, nil
	}
	statuses, err := v.checkChainRevocation(ctx, res.Chain, intermediates, at)
	res.Revocation = statuses
	if err != nil {
		return nil, err
	}
	return res, nil
}
