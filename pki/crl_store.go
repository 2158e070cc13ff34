package pki

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// crlStore holds the CRLs the verifier knows: loaded offline (AddCRL,
// Config.CRLs) or fetched from distribution points. It indexes them by the
// raw and the normalized issuer name. A fetched CRL replaces the previous
// one from the same URL; a failed fetch is not retried for failedFetchTTL.
type crlStore struct {
	mu      sync.RWMutex
	byRaw   map[string][]*preparedCRL
	byName  map[string][]*preparedCRL
	byURL   map[string]*preparedCRL
	failed  map[string]failedFetch
	fetchMu sync.Map // URL → *sync.Mutex: one fetch per URL at a time
}

type failedFetch struct {
	until time.Time
	err   error
}

const failedFetchTTL = time.Minute

func newCRLStore() *crlStore {
	return &crlStore{
		byRaw:  map[string][]*preparedCRL{},
		byName: map[string][]*preparedCRL{},
		byURL:  map[string]*preparedCRL{},
		failed: map[string]failedFetch{},
	}
}

func (s *crlStore) add(p *preparedCRL) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.source != "offline" {
		if old := s.byURL[p.source]; old != nil {
			s.byRaw[string(old.rl.RawIssuer)] = without(s.byRaw[string(old.rl.RawIssuer)], old)
			s.byName[old.issuerKey] = without(s.byName[old.issuerKey], old)
		}
		s.byURL[p.source] = p
	}
	s.byRaw[string(p.rl.RawIssuer)] = append(s.byRaw[string(p.rl.RawIssuer)], p)
	s.byName[p.issuerKey] = append(s.byName[p.issuerKey], p)
}

func without(list []*preparedCRL, p *preparedCRL) []*preparedCRL {
	out := make([]*preparedCRL, 0, len(list))
	for _, q := range list {
		if q != p {
			out = append(out, q)
		}
	}
	return out
}

// candidates returns the CRLs issued under the raw name; with normalized
// set, under the name as RFC 5280 compares it.
func (s *crlStore) candidates(rawIssuer []byte, normalized bool) []*preparedCRL {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if normalized {
		return s.byName[nameKey(rawIssuer)]
	}
	return s.byRaw[string(rawIssuer)]
}

// AddCRL loads a CRL offline, as if fetched. Its signature and freshness
// are checked when it is used, against the issuer of the certificate being
// verified; structural problems (unknown critical extensions, a malformed
// issuing distribution point) are refused here.
func (v *Verifier) AddCRL(rl *x509.RevocationList) error {
	p, err := prepareCRL(rl, "offline")
	if err != nil {
		return err
	}
	v.crls.add(p)
	return nil
}

// ParseCRL parses a DER (or PEM "X509 CRL") CRL and checks its structure the
// way the verifier will use it. It never panics on arbitrary input.
func ParseCRL(der []byte) (*x509.RevocationList, error) {
	rl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCRLInvalid, err)
	}
	if _, err := prepareCRL(rl, "offline"); err != nil {
		return nil, err
	}
	return rl, nil
}

// fetchCRL downloads a CRL from an http distribution point. Only http is
// fetched: CRLs are signed, so transport security adds nothing, and https
// would make revocation depend on another chain. The size and time are
// bounded; the answer replaces the cached CRL of that URL.
func (v *Verifier) fetchCRL(ctx context.Context, rawURL string) error {
	now := v.clock()
	v.crls.mu.RLock()
	if f, ok := v.crls.failed[rawURL]; ok && now.Before(f.until) {
		v.crls.mu.RUnlock()
		return f.err
	}
	v.crls.mu.RUnlock()

	mu, _ := v.crls.fetchMu.LoadOrStore(rawURL, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	// Another caller may have fetched it meanwhile.
	v.crls.mu.RLock()
	if p := v.crls.byURL[rawURL]; p != nil && p.current(now, 0, v.cfg.MaxResponseAge) == nil {
		v.crls.mu.RUnlock()
		return nil
	}
	v.crls.mu.RUnlock()

	err := v.doFetchCRL(ctx, rawURL)
	if err != nil && ctx.Err() == nil {
		v.crls.mu.Lock()
		v.crls.failed[rawURL] = failedFetch{until: now.Add(failedFetchTTL), err: err}
		v.crls.mu.Unlock()
	}
	return err
}

func (v *Verifier) doFetchCRL(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("%w: unsupported CRL URL scheme", ErrFetch)
	}
	ctx, cancel := context.WithTimeout(ctx, v.cfg.FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFetch, err)
	}
	resp, err := v.http.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: CRL server answered %d", ErrFetch, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, v.cfg.MaxCRLBytes+1))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFetch, err)
	}
	if int64(len(body)) > v.cfg.MaxCRLBytes {
		return fmt.Errorf("%w: CRL larger than %d bytes", ErrFetch, v.cfg.MaxCRLBytes)
	}
	rl, err := x509.ParseRevocationList(body)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCRLInvalid, err)
	}
	p, err := prepareCRL(rl, rawURL)
	if err != nil {
		return err
	}
	v.crls.add(p)
	v.crls.mu.Lock()
	delete(v.crls.failed, rawURL)
	v.crls.mu.Unlock()
	return nil
}

var errNoCRL = errors.New("no applicable CRL")
