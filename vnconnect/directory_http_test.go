package vnconnect

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testDirClientID = "rp-thu-nghiem"
	testDirSecret   = "bí mật:1"
)

// fakeDirectoryService speaks the directory wire shape of the contract,
// over the golden accounts, and records what it received.
type fakeDirectoryService struct {
	t        *testing.T
	accounts []json.RawMessage

	mu       sync.Mutex
	requests []*http.Request
	bodies   []string
	// override, when set, answers instead of the normal handler.
	override http.HandlerFunc
}

func newFakeDirectoryService(t *testing.T) *fakeDirectoryService {
	s := &fakeDirectoryService{t: t}
	for _, name := range []string{"citizen", "business", "organisation"} {
		raw, err := os.ReadFile(filepath.Join("testdata", "userinfo", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		s.accounts = append(s.accounts, raw)
	}
	return s
}

func (s *fakeDirectoryService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests = append(s.requests, r)
	s.bodies = append(s.bodies, string(body))
	override := s.override
	s.mu.Unlock()
	if override != nil {
		override(w, r)
		return
	}
	// Credentials are form-urlencoded before Basic encoding (RFC 6749 §2.3.1).
	user, pass, ok := r.BasicAuth()
	if u, _ := url.QueryUnescape(user); !ok || u != testDirClientID {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	if p, _ := url.QueryUnescape(pass); p != testDirSecret {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && r.URL.Path == DefaultDirectorySearchPath:
		s.search(w, r.URL.Query())
	case r.Method == http.MethodPost && r.URL.Path == DefaultTechIDPath:
		s.techID(w, body)
	default:
		http.Error(w, `{"error":"no_route"}`, http.StatusMethodNotAllowed)
	}
}

func (s *fakeDirectoryService) search(w http.ResponseWriter, q url.Values) {
	var out []json.RawMessage
	for _, raw := range s.accounts {
		id, err := IdentityFromClaims(raw)
		if err != nil {
			s.t.Error(err)
			return
		}
		if c := q.Get("cccd"); c != "" && (id.CCCD == nil || id.CCCD.Number != c) {
			continue
		}
		if p := q.Get("phone"); p != "" && string(id.Phone) != p {
			continue
		}
		if m := q.Get("mst"); m != "" && (id.TaxCode == nil || id.TaxCode.String() != m) {
			continue
		}
		out = append(out, raw)
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"accounts": out, "truncated": false})
}

func (s *fakeDirectoryService) techID(w http.ResponseWriter, body []byte) {
	var req map[string]string
	if err := json.Unmarshal(body, &req); err != nil || len(req) != 1 {
		http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
		return
	}
	for _, raw := range s.accounts {
		id, _ := IdentityFromClaims(raw)
		if v := req[ClaimTaxCode]; v != "" && id.TaxCode != nil && id.TaxCode.String() == v ||
			req[ClaimCCCD] != "" && id.CCCD != nil && id.CCCD.Number == req[ClaimCCCD] ||
			req[ClaimCMND] != "" && string(id.CMND) == req[ClaimCMND] {
			_, _ = io.WriteString(w, `{"TECHNICALID":"`+strings.ToUpper(id.TechID)+`"}`)
			return
		}
	}
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, `{"error":"not_found"}`)
}

func (s *fakeDirectoryService) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

func (s *fakeDirectoryService) last() (*http.Request, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[len(s.requests)-1], s.bodies[len(s.bodies)-1]
}

func (s *fakeDirectoryService) setOverride(h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.override = h
}

func newTestHTTPDirectory(t *testing.T) (*HTTPDirectory, *fakeDirectoryService) {
	t.Helper()
	svc := newFakeDirectoryService(t)
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	d, err := NewHTTPDirectory(DirectoryConfig{
		BaseURL: srv.URL + "/", ClientID: testDirClientID, ClientSecret: testDirSecret,
		MaxResponseBytes: 64 << 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	return d, svc
}

func TestHTTPDirectorySearch(t *testing.T) {
	d, svc := newTestHTTPDirectory(t)
	ctx := context.Background()

	got, err := d.Search(ctx, Query{Phone: "0912 345 678", Type: AccountCitizen})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].FullName != "Trần Thị Thu Hà" || got[0].CCCD == nil {
		t.Fatalf("got %+v", got)
	}
	r, _ := svc.last()
	want := url.Values{"phone": {"+84912345678"}, "type": {"1"}, "limit": {"20"}}
	if r.URL.Query().Encode() != want.Encode() {
		t.Errorf("query sent = %s, want %s", r.URL.RawQuery, want.Encode())
	}
	if r.Header.Get("Accept") != "application/json" {
		t.Errorf("Accept = %q", r.Header.Get("Accept"))
	}

	got, err = d.Search(ctx, Query{TaxCode: fakeMST})
	if err != nil || len(got) != 1 || got[0].AccountType != AccountBusiness {
		t.Fatalf("by MST: %v %v", got, err)
	}
	got, err = d.Search(ctx, Query{CCCD: fakeCCCDMale1985, Phone: "0912345678"})
	if err != nil || len(got) != 0 {
		t.Fatalf("AND of criteria: %v %v", got, err)
	}
}

func TestHTTPDirectoryInvalidQuerySendsNothing(t *testing.T) {
	d, svc := newTestHTTPDirectory(t)
	ctx := context.Background()
	for _, q := range []Query{{}, {CCCD: "099191583027"}, {Phone: "12"}, {Name: "x"}} {
		if _, err := d.Search(ctx, q); !errors.Is(err, ErrInvalidQuery) {
			t.Errorf("%+v: err = %v, want ErrInvalidQuery", q, err)
		}
	}
	if _, err := d.LookupTechID(ctx, TechIDQuery{CCCD: "123"}); !errors.Is(err, ErrInvalidQuery) {
		t.Errorf("LookupTechID: err = %v", err)
	}
	if n := svc.count(); n != 0 {
		t.Errorf("%d requests sent for invalid queries", n)
	}
}

func TestHTTPDirectoryLookupTechID(t *testing.T) {
	d, svc := newTestHTTPDirectory(t)
	ctx := context.Background()
	got, err := d.LookupTechID(ctx, TechIDQuery{TaxCode: fakeMST})
	if err != nil || got != "a6bcdfe6-1263-4a37-ac94-7c30eb2f2fc5" {
		t.Fatalf("got %q, %v", got, err)
	}
	r, body := svc.last()
	if r.Header.Get("Content-Type") != "application/json" || body != `{"MaSoThue":"`+fakeMST+`"}` {
		t.Errorf("sent %q %s", r.Header.Get("Content-Type"), body)
	}

	got, err = d.LookupTechID(ctx, TechIDQuery{CCCD: fakeCCCDFemale1991})
	if err != nil || got != fakeTechID {
		t.Fatalf("by CCCD: %q, %v", got, err)
	}

	_, err = d.LookupTechID(ctx, TechIDQuery{CMND: "999999999"})
	var de *DirectoryError
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &de) || de.StatusCode != http.StatusNotFound || de.Code != "not_found" {
		t.Errorf("unknown: err = %#v", err)
	}
}

// TestHTTPDirectoryResponses: every way the service can misbehave gives a
// typed error.
func TestHTTPDirectoryResponses(t *testing.T) {
	huge := strings.Repeat("x", 70<<10)
	tests := []struct {
		name    string
		status  int
		body    string
		techID  bool
		want    error
		status2 int // expected DirectoryError status, 0 = none
	}{
		{"unauthorised", 401, `{"error":"invalid_client","error_description":"bad secret"}`, false, nil, 401},
		{"server error, not JSON", 502, `<html>Bad Gateway</html>`, false, nil, 502},
		{"search 404 not_found is empty", 404, `{"error":"not_found"}`, false, nil, 0},
		{"search 404 other", 404, `no route`, false, nil, 404},
		{"oversized", 200, `{"accounts":[],"x":"` + huge + `"}`, false, ErrResponseTooLarge, 0},
		{"not JSON", 200, `accounts`, false, ErrDirectoryResponse, 0},
		{"account not object", 200, `{"accounts":["x"]}`, false, ErrDirectoryResponse, 0},
		{"account without keys", 200, `{"accounts":[{"HoVaTen":"A"}]}`, false, ErrDirectoryResponse, 0},
		{"techID empty", 200, `{"TECHNICALID":""}`, true, ErrNotFound, 0},
		{"techID missing", 200, `{}`, true, ErrDirectoryResponse, 0},
		{"techID not uuid", 200, `{"TECHNICALID":"42"}`, true, ErrDirectoryResponse, 0},
		{"techID 404 plain", 404, ``, true, ErrNotFound, 404},
		{"techID 500", 500, `{"message":"lỗi hệ thống"}`, true, nil, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, svc := newTestHTTPDirectory(t)
			svc.setOverride(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			var err error
			if tt.techID {
				_, err = d.LookupTechID(context.Background(), TechIDQuery{TaxCode: fakeMST})
			} else {
				var got []*Identity
				got, err = d.Search(context.Background(), Query{Name: "Hà"})
				if err == nil && len(got) != 0 {
					t.Errorf("got %v", got)
				}
			}
			if tt.want == nil && tt.status2 == 0 {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			var de *DirectoryError
			if tt.status2 != 0 && (!errors.As(err, &de) || de.StatusCode != tt.status2) {
				t.Errorf("err = %v, want *DirectoryError %d", err, tt.status2)
			}
			if err != nil && strings.Contains(err.Error(), huge[:100]) {
				t.Error("error quotes the body")
			}
		})
	}
}

func TestHTTPDirectoryHonoursLimit(t *testing.T) {
	d, svc := newTestHTTPDirectory(t)
	svc.setOverride(func(w http.ResponseWriter, r *http.Request) {
		acct := string(svc.accounts[0])
		_, _ = io.WriteString(w, `{"accounts":[`+acct+`,`+acct+`,`+acct+`],"truncated":true}`)
	})
	got, err := d.Search(context.Background(), Query{Name: "Hà", Limit: 2})
	if err != nil || len(got) != 2 {
		t.Fatalf("got %d, %v", len(got), err)
	}
}

func TestHTTPDirectoryContext(t *testing.T) {
	d, svc := newTestHTTPDirectory(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	svc.setOverride(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := d.Search(ctx, Query{Name: "Hà"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want deadline exceeded", err)
	}
}

func TestHTTPDirectoryRedirectToOtherHostRefused(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("credentials followed a redirect to another host: %v", r.Header.Get("Authorization") != "")
	}))
	defer other.Close()
	d, svc := newTestHTTPDirectory(t)
	svc.setOverride(func(w http.ResponseWriter, r *http.Request) {
		// 127.0.0.1 vs localhost: another host for the redirect rule.
		http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+r.URL.Path, http.StatusTemporaryRedirect)
	})
	if _, err := d.Search(context.Background(), Query{Name: "Hà"}); err == nil {
		t.Error("redirect to another host followed")
	}
}

func TestNewHTTPDirectoryConfig(t *testing.T) {
	ok := DirectoryConfig{ClientID: "a", ClientSecret: "b"}
	with := func(f func(*DirectoryConfig)) DirectoryConfig { c := ok; f(&c); return c }
	tests := []struct {
		name string
		cfg  DirectoryConfig
		want error // nil: success; errAny: any error
	}{
		{"https base", with(func(c *DirectoryConfig) { c.BaseURL = "https://dvc.example" }), nil},
		{"explicit URLs", with(func(c *DirectoryConfig) {
			c.SearchURL, c.TechIDURL = "https://a.example/s?x=1", "https://b.example/t"
		}), nil},
		{"loopback http", with(func(c *DirectoryConfig) { c.BaseURL = "http://127.0.0.1:8080" }), nil},
		{"localhost http", with(func(c *DirectoryConfig) { c.BaseURL = "http://localhost:8080" }), nil},
		{"remote http", with(func(c *DirectoryConfig) { c.BaseURL = "http://dvc.example" }), ErrInsecureURL},
		{"remote http search only", with(func(c *DirectoryConfig) {
			c.BaseURL, c.SearchURL = "https://dvc.example", "http://dvc.example/s"
		}), ErrInsecureURL},
		{"remote http allowed", with(func(c *DirectoryConfig) { c.BaseURL, c.InsecureAllowHTTP = "http://dvc.example", true }), nil},
		{"ftp", with(func(c *DirectoryConfig) { c.BaseURL = "ftp://dvc.example" }), ErrInsecureURL},
		{"no URL", ok, errAny},
		{"only search URL", with(func(c *DirectoryConfig) { c.SearchURL = "https://a.example/s" }), errAny},
		{"no credentials", DirectoryConfig{BaseURL: "https://dvc.example"}, errAny},
		{"relative", with(func(c *DirectoryConfig) { c.BaseURL = "/api" }), errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewHTTPDirectory(tt.cfg)
			switch {
			case tt.want == nil && (err != nil || d == nil):
				t.Fatalf("err = %v", err)
			case tt.want == errAny && err == nil, tt.want != nil && tt.want != errAny && !errors.Is(err, tt.want):
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	d, _ := NewHTTPDirectory(with(func(c *DirectoryConfig) { c.BaseURL = "https://dvc.example/" }))
	if d.searchURL.String() != "https://dvc.example"+DefaultDirectorySearchPath || d.techIDURL != "https://dvc.example"+DefaultTechIDPath {
		t.Errorf("derived URLs %s %s", d.searchURL, d.techIDURL)
	}
	if d.hc.Timeout == 0 {
		t.Error("default HTTP client has no timeout")
	}
}

var errAny = errors.New("any error")

// TestHTTPDirectoryTLS: a TLS service works with the caller's client (which
// trusts the test CA), and configured query parameters are kept.
func TestHTTPDirectoryTLS(t *testing.T) {
	svc := newFakeDirectoryService(t)
	srv := httptest.NewTLSServer(svc)
	defer srv.Close()
	d, err := NewHTTPDirectory(DirectoryConfig{
		SearchURL: srv.URL + DefaultDirectorySearchPath + "?v=2", TechIDURL: srv.URL + DefaultTechIDPath,
		ClientID: testDirClientID, ClientSecret: testDirSecret, HTTPClient: srv.Client(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Search(context.Background(), Query{CCCD: fakeCCCDFemale1991}); err != nil {
		t.Fatal(err)
	}
	if r, _ := svc.last(); r.URL.Query().Get("v") != "2" || r.URL.Query().Get("cccd") != fakeCCCDFemale1991 {
		t.Errorf("query = %s", r.URL.RawQuery)
	}
}
