package saml

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// metadataSource serves the IdP metadata: the configured bytes, or a
// document fetched from a URL and refreshed in the background. A failed
// refresh keeps the last good metadata: when the IdP's metadata endpoint
// is down its signing key has not changed, and refusing every login
// would turn a metadata outage into a login outage.
type metadataSource struct {
	static *idp

	url       string
	hc        *http.Client
	every     time.Duration
	max       int64
	now       func() time.Time
	allowSHA1 bool

	cur        atomic.Pointer[idp]
	fetchMu    sync.Mutex  // one fetch at a time
	refreshing atomic.Bool // a background refresh is running
	retryAt    atomic.Int64
}

// metadataTimeout bounds a background refresh, which has no caller
// context to inherit (it outlives the request that noticed staleness).
const metadataTimeout = 30 * time.Second

func (m *metadataSource) get(ctx context.Context) (*idp, error) {
	if m.static != nil {
		return m.static, nil
	}
	cur := m.cur.Load()
	if cur == nil {
		// Nothing yet: the caller waits for the first fetch.
		m.fetchMu.Lock()
		defer m.fetchMu.Unlock()
		if cur = m.cur.Load(); cur != nil {
			return cur, nil
		}
		return m.fetchLocked(ctx)
	}
	now := m.now()
	if now.Sub(cur.fetched) >= m.every && now.UnixNano() >= m.retryAt.Load() && m.refreshing.CompareAndSwap(false, true) {
		go func() {
			defer m.refreshing.Store(false)
			ctx, cancel := context.WithTimeout(context.Background(), metadataTimeout)
			defer cancel()
			_ = m.refresh(ctx) // the error is kept for RefreshMetadata callers; stale metadata stays in use
		}()
	}
	return cur, nil
}

// refresh fetches now, whatever the age of the current metadata.
func (m *metadataSource) refresh(ctx context.Context) error {
	if m.static != nil {
		return nil
	}
	m.fetchMu.Lock()
	defer m.fetchMu.Unlock()
	_, err := m.fetchLocked(ctx)
	return err
}

func (m *metadataSource) fetchLocked(ctx context.Context) (*idp, error) {
	b, err := m.download(ctx)
	if err == nil {
		var d *idp
		if d, err = parseIdPMetadata(b, m.now, m.allowSHA1); err == nil {
			m.cur.Store(d)
			return d, nil
		}
	}
	// Back off before the next background attempt so a dead endpoint is
	// not hammered by every request.
	back := m.every / 10
	if back < time.Minute {
		back = time.Minute
	}
	m.retryAt.Store(m.now().Add(back).UnixNano())
	return nil, err
}

func (m *metadataSource) download(ctx context.Context) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.url, nil)
	if err != nil {
		return nil, errf(ErrMetadata, "bad request")
	}
	req.Header.Set("Accept", "application/samlmetadata+xml, application/xml, text/xml")
	resp, err := m.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: fetch: %w", ErrMetadata, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, errf(ErrMetadata, "HTTP status %d", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, m.max+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read: %w", ErrMetadata, err)
	}
	if int64(len(b)) > m.max {
		return nil, fmt.Errorf("%w: document over %d bytes: %w", ErrMetadata, m.max, ErrTooLarge)
	}
	return b, nil
}

// checkMetadataURL applies the transport rule: https, or http to a
// loopback host, or anything http with the Insecure switch.
func checkMetadataURL(raw string, insecure bool) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return errf(ErrConfig, "IdPMetadataURL must be an absolute URL")
	}
	if u.User != nil {
		return errf(ErrConfig, "IdPMetadataURL must not carry credentials")
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && (insecure || isLoopback(u.Hostname())):
		return nil
	}
	return errf(ErrConfig, "IdPMetadataURL must be https (or http on loopback)")
}

// isLoopback reports whether host names this machine; plain http to it
// cannot be observed on the network.
func isLoopback(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

// metadataClient copies hc so that redirects must obey the same transport
// rule as the configured URL (a redirect to plain http would let a
// network attacker substitute the signing key).
func metadataClient(hc *http.Client, insecure bool) *http.Client {
	c := *hc
	prev := hc.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := checkMetadataURL(req.URL.String(), insecure); err != nil {
			return errors.New("saml: metadata redirect to an insecure URL refused")
		}
		if len(via) >= 5 {
			return errors.New("saml: too many metadata redirects")
		}
		if prev != nil {
			return prev(req, via)
		}
		return nil
	}
	return &c
}
