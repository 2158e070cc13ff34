package vnconnect

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Default paths of the look-up services, relative to DirectoryConfig.BaseURL.
const (
	DefaultDirectorySearchPath = "/api/vnconnect/search"
	DefaultTechIDPath          = "/api/TraCuuTechID"

	// DefaultDirectoryMaxResponseBytes allows a full page of MaxSearchLimit
	// entries (each a few kilobytes) with room to spare.
	DefaultDirectoryMaxResponseBytes int64 = 4 << 20
)

// ErrDirectoryResponse: the directory answered 2xx with a body that is not
// the documented shape.
var ErrDirectoryResponse = errors.New("vnconnect: malformed directory response")

// DirectoryConfig configures an HTTPDirectory. The zero value is not usable
// (there is no public default host for the look-up services); the
// constructor says what is missing.
type DirectoryConfig struct {
	// BaseURL derives SearchURL and TechIDURL when those are empty, e.g.
	// "https://dichvucong.gov.vn" → ".../api/vnconnect/search" and
	// ".../api/TraCuuTechID".
	BaseURL string
	// SearchURL is the account search service (GET, query parameters).
	SearchURL string
	// TechIDURL is the TraCuuTechID service (POST, JSON body).
	TechIDURL string

	// ClientID and ClientSecret authenticate the relying party with HTTP
	// Basic authentication on both services.
	ClientID     string
	ClientSecret string

	// HTTPClient sends the requests; nil → NewDefaultHTTPClient (timeouts
	// on every phase). Redirects to another host are refused, since every
	// request carries the client credentials.
	HTTPClient *http.Client
	// MaxResponseBytes caps each response body; 0 →
	// DefaultDirectoryMaxResponseBytes.
	MaxResponseBytes int64
	// InsecureAllowHTTP permits plain http to hosts other than loopback.
	// It MUST NOT be set in production: the client secret and the personal
	// data of the accounts found would cross the network in clear text.
	InsecureAllowHTTP bool
}

// HTTPDirectory is a Directory backed by the platform's look-up services.
// It is safe for concurrent use.
type HTTPDirectory struct {
	searchURL *url.URL
	techIDURL string
	clientID  string
	secret    string
	hc        *http.Client
	limit     int64
}

var _ Directory = (*HTTPDirectory)(nil)

// NewHTTPDirectory checks cfg and returns a directory client.
func NewHTTPDirectory(cfg DirectoryConfig) (*HTTPDirectory, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("vnconnect: directory: ClientID and ClientSecret are required")
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	searchURL, techIDURL := cfg.SearchURL, cfg.TechIDURL
	if searchURL == "" && base != "" {
		searchURL = base + DefaultDirectorySearchPath
	}
	if techIDURL == "" && base != "" {
		techIDURL = base + DefaultTechIDPath
	}
	if searchURL == "" || techIDURL == "" {
		return nil, errors.New("vnconnect: directory: BaseURL, or both SearchURL and TechIDURL, are required")
	}
	su, err := checkEndpointURL("directory search", searchURL, cfg.InsecureAllowHTTP)
	if err != nil {
		return nil, err
	}
	tu, err := checkEndpointURL("directory TraCuuTechID", techIDURL, cfg.InsecureAllowHTTP)
	if err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = NewDefaultHTTPClient()
	}
	limit := cfg.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultDirectoryMaxResponseBytes
	}
	return &HTTPDirectory{
		searchURL: su,
		techIDURL: tu.String(),
		clientID:  cfg.ClientID,
		secret:    cfg.ClientSecret,
		hc:        sameHostRedirects(hc),
		limit:     limit,
	}, nil
}

// DirectoryError is a look-up service's refusal: any non-2xx status. It
// unwraps to ErrNotFound for a 404 from TraCuuTechID.
type DirectoryError struct {
	StatusCode  int
	Code        string // "error" member of a JSON error body, if any
	Description string // "error_description" or "message", if any
	Err         error  // ErrNotFound, or nil
}

func (e *DirectoryError) Error() string {
	msg := "vnconnect: directory: HTTP " + strconv.Itoa(e.StatusCode)
	if e.Code != "" {
		msg += ": " + e.Code
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

func (e *DirectoryError) Unwrap() error { return e.Err }

// Search implements Directory. The query is validated and normalised first
// (Query.Normalize); an invalid query is never sent.
func (d *HTTPDirectory) Search(ctx context.Context, q Query) ([]*Identity, error) {
	q, err := q.Normalize()
	if err != nil {
		return nil, err
	}
	u := *d.searchURL
	v := u.Query() // keep parameters configured into SearchURL
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("cccd", q.CCCD)
	set("cmnd", q.CMND)
	set("phone", q.Phone)
	set("name", q.Name)
	set("email", q.Email)
	set("agency_code", q.AgencyCode)
	set("mst", q.TaxCode)
	if q.Type != AccountUnknown {
		v.Set("type", strconv.Itoa(int(q.Type)))
	}
	v.Set("limit", strconv.Itoa(q.Limit))
	u.RawQuery = v.Encode()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("vnconnect: directory search: %w", err)
	}
	resp, err := d.do(req, "directory search")
	if err != nil {
		return nil, err
	}
	if resp.status == http.StatusNotFound && directoryErrorCode(resp.body) == "not_found" {
		return nil, nil // some deployments say "nothing found" this way
	}
	if resp.status/100 != 2 {
		return nil, newDirectoryError(resp, false)
	}
	var body struct {
		Accounts []json.RawMessage `json:"accounts"`
	}
	if err := json.Unmarshal(resp.body, &body); err != nil {
		return nil, fmt.Errorf("%w: search: not the documented JSON", ErrDirectoryResponse)
	}
	out := make([]*Identity, 0, min(len(body.Accounts), q.Limit))
	for i, raw := range body.Accounts {
		if len(out) == q.Limit {
			break // the server ignored limit; honour the caller's
		}
		m, err := decodeClaims(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: search: account %d: %w", ErrDirectoryResponse, i, err)
		}
		id, _ := identityFromMap(m, false) // cannot fail without requireSub
		if id.TechID == "" && id.Subject == "" {
			return nil, fmt.Errorf("%w: search: account %d has neither TechID nor sub", ErrDirectoryResponse, i)
		}
		out = append(out, id)
	}
	return out, nil
}

// LookupTechID implements Directory with the TraCuuTechID service.
func (d *HTTPDirectory) LookupTechID(ctx context.Context, q TechIDQuery) (string, error) {
	key, value, err := q.normalize()
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(map[string]string{key: value})
	if err != nil {
		return "", fmt.Errorf("vnconnect: directory TraCuuTechID: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.techIDURL, bytes.NewReader(payload))
	if err != nil {
		return "", fmt.Errorf("vnconnect: directory TraCuuTechID: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := d.do(req, "directory TraCuuTechID")
	if err != nil {
		return "", err
	}
	if resp.status/100 != 2 {
		return "", newDirectoryError(resp, true)
	}
	var body struct {
		TechID *string `json:"TECHNICALID"`
	}
	if err := json.Unmarshal(resp.body, &body); err != nil || body.TechID == nil {
		return "", fmt.Errorf("%w: TraCuuTechID: no TECHNICALID", ErrDirectoryResponse)
	}
	if strings.TrimSpace(*body.TechID) == "" {
		// Services built on the DVCQG gateway often answer 200 with an
		// empty value rather than 404.
		return "", fmt.Errorf("vnconnect: directory TraCuuTechID: %w", ErrNotFound)
	}
	techID, err := canonicalUUID(strings.TrimSpace(*body.TechID))
	if err != nil {
		return "", fmt.Errorf("%w: TraCuuTechID: TECHNICALID is not a UUID", ErrDirectoryResponse)
	}
	return techID, nil
}

// do authenticates and sends req through the size-limited reader.
func (d *HTTPDirectory) do(req *http.Request, what string) (*httpResponse, error) {
	req.SetBasicAuth(url.QueryEscape(d.clientID), url.QueryEscape(d.secret))
	req.Header.Set("Accept", "application/json")
	return httpDo(d.hc, req, d.limit, what)
}

// newDirectoryError reads the optional JSON error body. techID marks the
// TraCuuTechID service, where 404 means the identifier has no account.
func newDirectoryError(resp *httpResponse, techID bool) *DirectoryError {
	e := &DirectoryError{StatusCode: resp.status}
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Message     string `json:"message"`
	}
	if json.Unmarshal(resp.body, &body) == nil {
		e.Code = clipDirectoryText(body.Error, 64)
		e.Description = clipDirectoryText(cmp.Or(body.Description, body.Message), 256)
	}
	if resp.status == http.StatusNotFound && (techID || e.Code == "not_found") {
		e.Err = ErrNotFound
	}
	return e
}

func directoryErrorCode(b []byte) string {
	var body struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(b, &body)
	return body.Error
}

// clip bounds server-supplied text kept in errors (it ends up in logs).
func clipDirectoryText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
