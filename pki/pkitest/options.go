package pkitest

import (
	"crypto/rand"
	"io"
	"time"
)

// Option configures NewPKI.
type Option func(*config)

type config struct {
	clock         func() time.Time
	rand          io.Reader
	sha1Root      bool
	sha1SubCA     bool
	delegatedOCSP bool
	deltaCRL      bool
	crlValidity   time.Duration
	ocspValidity  time.Duration
}

func defaultConfig() config {
	return config{
		clock:        time.Now,
		rand:         rand.Reader,
		crlValidity:  24 * time.Hour,
		ocspValidity: time.Hour,
	}
}

// WithClock sets the PKI's clock (default time.Now): certificate validity,
// CRL thisUpdate/nextUpdate, OCSP times and revocation times follow it.
func WithClock(now func() time.Time) Option {
	if now == nil {
		panic("pkitest: WithClock(nil)")
	}
	return func(c *config) { c.clock = now }
}

// WithRand sets the source of serial numbers (default crypto/rand.Reader).
func WithRand(r io.Reader) Option {
	if r == nil {
		panic("pkitest: WithRand(nil)")
	}
	return func(c *config) { c.rand = r }
}

// WithSHA1Root makes the root self-signed with sha1WithRSAEncryption, like
// the real VGCA root of 2010.
func WithSHA1Root() Option { return func(c *config) { c.sha1Root = true } }

// WithSHA1SubCA makes the root sign the sub-CA with sha1WithRSAEncryption,
// the legacy chains that crypto/x509 refuses since Go 1.24.
func WithSHA1SubCA() Option { return func(c *config) { c.sha1SubCA = true } }

// WithDelegatedOCSP makes the OCSP responder sign with a delegated responder
// certificate (issued by the CA, EKU OCSPSigning, id-pkix-ocsp-nocheck)
// instead of the CA key. SetDelegatedOCSP switches it later.
func WithDelegatedOCSP() Option { return func(c *config) { c.delegatedOCSP = true } }

// WithDeltaCRL makes the sub-CA publish delta CRLs: certificates it issues
// carry a FreshestCRL extension, the base CRL is the one published last
// (PublishBaseCRL, or on expiry) with every revocation known then, and the
// delta CRL, numbered after it, holds the revocations since.
func WithDeltaCRL() Option { return func(c *config) { c.deltaCRL = true } }

// WithCRLValidity sets nextUpdate − thisUpdate of served CRLs (default 24h).
func WithCRLValidity(d time.Duration) Option {
	if d <= 0 {
		panic("pkitest: WithCRLValidity needs a positive duration")
	}
	return func(c *config) { c.crlValidity = d }
}

// WithOCSPValidity sets nextUpdate − thisUpdate of OCSP responses (default 1h).
func WithOCSPValidity(d time.Duration) Option {
	if d <= 0 {
		panic("pkitest: WithOCSPValidity needs a positive duration")
	}
	return func(c *config) { c.ocspValidity = d }
}
