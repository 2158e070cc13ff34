package vnconnect

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

// HTTP hygiene shared by every remote call of the package (token, userinfo,
// revocation, introspection, discovery and — when the key set wants it —
// JWKS). The rules live in one place so that no call can forget one:
//
//   - a dedicated *http.Client with timeouts (never http.DefaultClient, whose
//     zero timeout lets a stalled server hold a login forever);
//   - every request carries the caller's context;
//   - every response body is read through a size limit;
//   - https is required except for loopback hosts, unless the caller has
//     turned on an Insecure… switch.

// DefaultMaxResponseBytes caps every response body this package reads when
// Config.MaxResponseBytes is zero. Vnconnect's token, userinfo, JWKS and
// discovery documents are a few kilobytes; 1 MiB leaves room for growth while
// keeping a hostile or broken server from exhausting memory.
const DefaultMaxResponseBytes int64 = 1 << 20

// defaultHTTPTimeout bounds one whole request (connect, TLS, headers, body).
// A login is interactive: a user will not wait longer than this anyway.
const defaultHTTPTimeout = 30 * time.Second

// maxErrorBodyBytes caps what a RetrieveError keeps of a failed response.
const maxErrorBodyBytes = 4 << 10

// NewDefaultHTTPClient returns the *http.Client the package uses when the
// caller supplies none: a private transport (so tuning it never affects
// http.DefaultTransport), TLS 1.2 or newer, and timeouts on every phase.
func NewDefaultHTTPClient() *http.Client {
	var tr *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = dt.Clone()
	} else {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment}
	}
	tr.TLSHandshakeTimeout = 10 * time.Second
	tr.ResponseHeaderTimeout = 20 * time.Second
	tr.ExpectContinueTimeout = time.Second
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{}
	}
	tr.TLSClientConfig.MinVersion = tls.VersionTLS12
	return &http.Client{Transport: tr, Timeout: defaultHTTPTimeout}
}

// isLoopbackHost reports whether host (no port) names the local machine:
// "localhost" (and its subdomains, which RFC 6761 reserves for loopback),
// 127.0.0.0/8 or ::1. Plain http to such a host cannot be observed on the
// network, which is why it is allowed without an Insecure… switch.
func isLoopbackHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

// checkEndpointURL parses raw and enforces the transport rule: an absolute
// https URL, or http to a loopback host, or http anywhere when insecure is
// set. what names the URL in error messages (the URL is configuration, not
// token material, so quoting its host is safe).
func checkEndpointURL(what, raw string, insecure bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("vnconnect: %s: invalid URL: %w", what, err)
	}
	if !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("vnconnect: %s: URL must be absolute", what)
	}
	if u.User != nil {
		// Credentials in a URL end up in logs and Referer headers.
		return nil, fmt.Errorf("vnconnect: %s: URL must not contain credentials", what)
	}
	switch u.Scheme {
	case "https":
		return u, nil
	case "http":
		if insecure || isLoopbackHost(u.Hostname()) {
			return u, nil
		}
		return nil, fmt.Errorf("vnconnect: %s: %q: %w", what, u.Host, ErrInsecureURL)
	default:
		return nil, fmt.Errorf("vnconnect: %s: scheme %q not allowed: %w", what, u.Scheme, ErrInsecureURL)
	}
}

// readLimited reads at most limit bytes of r. It reads one byte more than the
// limit so that a body of exactly limit bytes is accepted and anything longer
// is reported as ErrResponseTooLarge rather than silently truncated (a
// truncated JSON document could otherwise parse as something else).
func readLimited(r io.Reader, limit int64, what string) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("vnconnect: %s: reading response: %w", what, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("vnconnect: %s: response exceeds %d bytes: %w", what, limit, ErrResponseTooLarge)
	}
	return b, nil
}

// sameHostRedirects returns a copy of hc that refuses redirects leaving the
// original scheme and host. Token, revocation and introspection requests
// carry client credentials and codes; a redirect to another host (or a
// downgrade to http) would hand them to someone else. The caller's own
// CheckRedirect, if any, still runs for redirects that pass this rule.
func sameHostRedirects(hc *http.Client) *http.Client {
	c := *hc
	inner := hc.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host) {
			return errRedirectRefused
		}
		if len(via) >= 3 {
			return errRedirectRefused
		}
		if inner != nil {
			return inner(req, via)
		}
		return nil
	}
	return &c
}

// errRedirectRefused is returned (wrapped in *url.Error by net/http) when a
// credential-carrying request is redirected away from its endpoint.
var errRedirectRefused = errors.New("vnconnect: redirect to another host refused")

// httpResponse is a fully read, size-limited HTTP response.
type httpResponse struct {
	status int
	header http.Header
	body   []byte
}

// httpDo sends req (which must already carry ctx) with hc and reads the body
// through the size limit. It never returns a body larger than limit.
func httpDo(hc *http.Client, req *http.Request, limit int64, what string) (*httpResponse, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("vnconnect: %s: %w", what, err)
	}
	defer resp.Body.Close()
	body, err := readLimited(resp.Body, limit, what)
	if err != nil {
		return nil, err
	}
	return &httpResponse{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// httpPostForm POSTs form to endpoint as application/x-www-form-urlencoded.
// header may add fields (client authentication).
func httpPostForm(ctx context.Context, hc *http.Client, endpoint string, form url.Values, header http.Header, limit int64, what string) (*httpResponse, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("vnconnect: %s: %w", what, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return httpDo(hc, req, limit, what)
}

// httpGetJSON GETs endpoint asking for JSON.
func httpGetJSON(ctx context.Context, hc *http.Client, endpoint string, limit int64, what string) (*httpResponse, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, fmt.Errorf("vnconnect: %s: %w", what, err)
	}
	req.Header.Set("Accept", "application/json")
	return httpDo(hc, req, limit, what)
}

// httpMediaType returns the lower-cased media type of a Content-Type header
// without parameters ("application/json; charset=UTF-8" → "application/json").
func httpMediaType(h http.Header) string {
	ct := h.Get("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(strings.TrimSpace(ct))
}
