package vnconnect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// Defaults for RemoteKeySetConfig's zero fields.
const (
	DefaultMinRefreshInterval = 30 * time.Second
	DefaultJWKSCacheTTL       = time.Hour
	DefaultMinJWKSCacheTTL    = time.Minute
	DefaultMaxJWKSCacheTTL    = 24 * time.Hour
)

// jwksFetchTimeout bounds one shared fetch. It runs detached from the
// caller's context (several callers wait on it), so it needs its own limit
// even when the configured http.Client has none.
const jwksFetchTimeout = 30 * time.Second

// RemoteKeySetConfig configures a RemoteKeySet. The zero value is usable.
type RemoteKeySetConfig struct {
	// HTTPClient fetches the JWKS. Nil means NewDefaultHTTPClient() (with
	// timeouts), never http.DefaultClient. Redirects to another host or
	// scheme are refused whatever the client.
	HTTPClient *http.Client

	// MinRefreshInterval is the least time between two fetches (0 means
	// DefaultMinRefreshInterval). A token naming an unknown kid triggers
	// a refetch, so without this bound anyone could make the relying party
	// hammer the provider by sending tokens with random kids.
	MinRefreshInterval time.Duration

	// MaxResponseBytes bounds the JWKS document (0 means
	// DefaultMaxResponseBytes, 1 MiB). Larger responses fail with
	// ErrResponseTooLarge.
	MaxResponseBytes int64

	// CacheTTL is how long keys are used before a refetch when the
	// response carries no Cache-Control max-age (0 means DefaultJWKSCacheTTL).
	// MinCacheTTL and MaxCacheTTL clamp whatever max-age the provider sends
	// (0 means DefaultMinJWKSCacheTTL / DefaultMaxJWKSCacheTTL).
	CacheTTL, MinCacheTTL, MaxCacheTTL time.Duration

	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time

	// InsecureAllowHTTP allows a plain-http JWKS URL on a non-loopback host.
	// Keys fetched over http can be replaced by anyone on the path, who can
	// then sign tokens for any user: it MUST NOT be set in production.
	// (http to 127.0.0.0/8, ::1 and localhost is always allowed.)
	InsecureAllowHTTP bool
}

// RemoteKeySet is a KeySet backed by a provider's JWKS endpoint
// (Vnconnect: …/oauth2/jwks). It is safe for concurrent use.
//
// Keys are fetched on first use and cached for the provider's Cache-Control
// max-age (clamped). An unknown kid causes one refetch — concurrent callers
// share it, and fetches are at most one per MinRefreshInterval — which is
// how a key rotation is picked up without a restart. When a refetch fails
// the last good keys stay in use. Entries of the document that cannot be
// used (unknown kty, bad modulus, "use":"enc") are skipped.
//
// A fetch answered with a status other than 200 fails with a
// *RetrieveError whose Endpoint is "jwks". Keys wraps it, and so do the
// verifiers, so errors.As tells a provider outage from a bad token.
type RemoteKeySet struct {
	url        string
	hc         *http.Client
	maxBytes   int64
	minRefresh time.Duration
	ttl        time.Duration
	minTTL     time.Duration
	maxTTL     time.Duration
	clock      func() time.Time

	// snap is read lock-free on the hot path; it is replaced, never mutated.
	snap  atomic.Pointer[jwksSnapshot]
	group singleflight.Group

	mu          sync.Mutex // guards lastAttempt, lastErr and fetching
	lastAttempt time.Time
	lastErr     error
	fetching    bool // a fetch is in flight: callers must join, not skip it
}

type jwksSnapshot struct {
	ix      *keyIndex
	expires time.Time
}

var _ KeySet = (*RemoteKeySet)(nil)

// NewRemoteKeySet returns a key set for the JWKS at jwksURL. No request is
// made until the first Keys call. The URL must be https, or http to a
// loopback host, unless cfg.InsecureAllowHTTP is set (ErrInsecureURL).
func NewRemoteKeySet(jwksURL string, cfg RemoteKeySetConfig) (*RemoteKeySet, error) {
	if _, err := checkEndpointURL("JWKS", jwksURL, cfg.InsecureAllowHTTP); err != nil {
		return nil, err
	}
	if cfg.MinRefreshInterval < 0 || cfg.MaxResponseBytes < 0 || cfg.CacheTTL < 0 || cfg.MinCacheTTL < 0 || cfg.MaxCacheTTL < 0 {
		return nil, errors.New("vnconnect: RemoteKeySetConfig: negative duration or size")
	}
	rs := &RemoteKeySet{
		url:        jwksURL,
		hc:         cfg.HTTPClient,
		maxBytes:   orDefault(cfg.MaxResponseBytes, DefaultMaxResponseBytes),
		minRefresh: orDefault(cfg.MinRefreshInterval, DefaultMinRefreshInterval),
		ttl:        orDefault(cfg.CacheTTL, DefaultJWKSCacheTTL),
		minTTL:     orDefault(cfg.MinCacheTTL, DefaultMinJWKSCacheTTL),
		maxTTL:     orDefault(cfg.MaxCacheTTL, DefaultMaxJWKSCacheTTL),
		clock:      cfg.Clock,
	}
	if rs.minTTL > rs.maxTTL {
		return nil, errors.New("vnconnect: RemoteKeySetConfig: MinCacheTTL exceeds MaxCacheTTL")
	}
	if rs.hc == nil {
		rs.hc = NewDefaultHTTPClient()
	}
	// A JWKS redirected to another host or to http would let that host
	// choose our keys.
	rs.hc = sameHostRedirects(rs.hc)
	if rs.clock == nil {
		rs.clock = time.Now
	}
	return rs, nil
}

func orDefault[T int64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// Keys implements KeySet.
func (rs *RemoteKeySet) Keys(ctx context.Context, kid string) ([]PublicKey, error) {
	snap := rs.snap.Load()
	if snap == nil || !rs.clock().Before(snap.expires) {
		// First use or cache expired: refetch (bounded by the rate
		// limit). A failure with keys in hand keeps the stale keys.
		err := rs.refresh(ctx)
		if snap = rs.snap.Load(); snap == nil {
			if err == nil {
				err = ErrUnknownKey // cannot happen: a nil error stores keys
			}
			return nil, fmt.Errorf("vnconnect: JWKS unavailable: %w", err)
		}
	}
	ks, found := snap.ix.lookup(kid)
	if !found {
		// A kid we have never seen: perhaps the provider rotated keys.
		err := rs.refresh(ctx)
		snap = rs.snap.Load()
		ks, _ = snap.ix.lookup(kid)
		if len(ks) == 0 && err != nil {
			return nil, fmt.Errorf("vnconnect: JWKS refresh failed (%w): %w", err, ErrUnknownKey)
		}
	}
	if len(ks) == 0 {
		return nil, ErrUnknownKey
	}
	return ks, nil
}

// refresh fetches the JWKS unless a fetch happened less than minRefresh
// ago, in which case it reports that fetch's outcome. Concurrent callers
// share one fetch; a caller whose ctx ends stops waiting but the fetch
// goes on for the others.
func (rs *RemoteKeySet) refresh(ctx context.Context) error {
	// Cheap check first: a burst of tokens with unknown kids should not
	// even start a singleflight call (which spawns a goroutine).
	if limited, err := rs.rateLimited(false); limited {
		return err
	}
	ch := rs.group.DoChan("jwks", func() (any, error) {
		// Checked again under the flight: another flight may have
		// finished between the check above and this one starting.
		if limited, err := rs.rateLimited(true); limited {
			return nil, err
		}

		var err error
		defer func() {
			rs.mu.Lock()
			rs.lastErr, rs.fetching = err, false
			rs.mu.Unlock()
		}()
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jwksFetchTimeout)
		defer cancel()
		keys, ttl, err := rs.fetch(fctx)
		if err == nil {
			rs.snap.Store(&jwksSnapshot{ix: newKeyIndex(keys), expires: rs.clock().Add(ttl)})
		}
		return nil, err
	})
	select {
	case r := <-ch:
		return r.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// rateLimited reports whether a fetch started less than minRefresh ago
// (and has finished), with that fetch's error. With claim set and no
// limit, it records the start of a new fetch.
func (rs *RemoteKeySet) rateLimited(claim bool) (bool, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.fetching && !claim {
		// Join the flight rather than report a result not yet known.
		return false, nil
	}
	now := rs.clock()
	if !rs.lastAttempt.IsZero() && now.Sub(rs.lastAttempt) < rs.minRefresh {
		return true, rs.lastErr
	}
	if claim {
		rs.lastAttempt = now
		rs.fetching = true
	}
	return false, nil
}

// fetch downloads and parses the JWKS once.
func (rs *RemoteKeySet) fetch(ctx context.Context) ([]PublicKey, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rs.url, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("vnconnect: JWKS: %w", err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := rs.hc.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("vnconnect: JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// A *RetrieveError, as for the other endpoints, so that callers
		// can tell the provider's outage from a bad token (errors.As
		// through Keys and Verify). Only the start of the body is kept.
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodyBytes))
		return nil, 0, newRetrieveError("jwks", &httpResponse{status: resp.StatusCode, header: resp.Header, body: body})
	}
	if resp.ContentLength > rs.maxBytes {
		return nil, 0, fmt.Errorf("vnconnect: JWKS: response of %d bytes exceeds %d: %w", resp.ContentLength, rs.maxBytes, ErrResponseTooLarge)
	}
	body, err := readLimited(resp.Body, rs.maxBytes, "JWKS")
	if err != nil {
		return nil, 0, err
	}
	keys, err := parseJWKS(body)
	if err != nil {
		return nil, 0, err
	}
	return keys, cacheTTL(resp.Header, rs.ttl, rs.minTTL, rs.maxTTL), nil
}
