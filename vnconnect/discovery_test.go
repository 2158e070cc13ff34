package vnconnect_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

func discoveryServer(t *testing.T, doc func(base string) any) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth2/token/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		switch d := doc(srv.URL).(type) {
		case int:
			w.WriteHeader(d)
		case string:
			_, _ = w.Write([]byte(d))
		default:
			_ = json.NewEncoder(w).Encode(d)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func wso2Doc(base string) map[string]any {
	return map[string]any{
		"issuer":                 base + "/oauth2/token",
		"authorization_endpoint": base + "/oauth2/authorize",
		"token_endpoint":         base + "/oauth2/token",
		"userinfo_endpoint":      base + "/oauth2/userinfo",
		"jwks_uri":               base + "/oauth2/jwks",
		"revocation_endpoint":    base + "/oauth2/revoke",
		"introspection_endpoint": base + "/oauth2/introspect",
		"end_session_endpoint":   base + "/oidc/logout",
	}
}

func TestDiscover(t *testing.T) {
	tests := []struct {
		name    string
		doc     func(base string) any
		wantErr error // nil: ok; errAnyExt: some error
	}{
		{"wso2", func(b string) any { return wso2Doc(b) }, nil},
		{"issuer of another tenant", func(b string) any {
			d := wso2Doc(b)
			d["issuer"] = b + "/t/other/oauth2/token"
			return d
		}, vnconnect.ErrIssuerMismatch},
		{"issuer is host", func(b string) any { d := wso2Doc(b); d["issuer"] = b; return d }, vnconnect.ErrIssuerMismatch},
		{"jwks over http elsewhere", func(b string) any {
			d := wso2Doc(b)
			d["jwks_uri"] = "http://keys.example.vn/jwks"
			return d
		}, vnconnect.ErrInsecureURL},
		{"token endpoint missing", func(b string) any { d := wso2Doc(b); delete(d, "token_endpoint"); return d }, vnconnect.ErrInvalidResponse},
		{"not json", func(string) any { return "<html>" }, vnconnect.ErrInvalidResponse},
		{"oversized", func(b string) any {
			d := wso2Doc(b)
			d["padding"] = strings.Repeat("x", int(vnconnect.DefaultMaxResponseBytes))
			return d
		}, vnconnect.ErrResponseTooLarge},
		{"server error", func(string) any { return 500 }, errAnyExt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := discoveryServer(t, tt.doc)
			ep, err := vnconnect.Discover(t.Context(), srv.Client(), srv.URL+"/")
			switch {
			case tt.wantErr == nil:
				if err != nil {
					t.Fatal(err)
				}
				if ep != vnconnect.EndpointFor(srv.URL) {
					t.Fatalf("endpoint = %+v", ep)
				}
			case tt.wantErr == errAnyExt:
				var re *vnconnect.RetrieveError
				if !errors.As(err, &re) || re.StatusCode != 500 {
					t.Fatalf("err = %v", err)
				}
			default:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			}
		})
	}
}

func TestDiscoverRefusesPlainHTTPBase(t *testing.T) {
	_, err := vnconnect.Discover(t.Context(), nil, "http://xacthuc.dichvucong.gov.vn")
	if !errors.Is(err, vnconnect.ErrInsecureURL) {
		t.Fatalf("err = %v", err)
	}
}
