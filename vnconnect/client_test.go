package vnconnect_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

func TestEndpointPresets(t *testing.T) {
	p := vnconnect.Production
	if p.Issuer != "https://xacthuc.dichvucong.gov.vn/oauth2/token" ||
		p.AuthURL != "https://xacthuc.dichvucong.gov.vn/oauth2/authorize" ||
		p.UserInfoURL != "https://xacthuc.dichvucong.gov.vn/oauth2/userinfo" ||
		p.JWKSURL != "https://xacthuc.dichvucong.gov.vn/oauth2/jwks" ||
		p.RevocationURL != "https://xacthuc.dichvucong.gov.vn/oauth2/revoke" ||
		p.IntrospectionURL != "https://xacthuc.dichvucong.gov.vn/oauth2/introspect" ||
		p.EndSessionURL != "https://xacthuc.dichvucong.gov.vn/oidc/logout" ||
		p.TokenURL != p.Issuer {
		t.Fatalf("Production = %+v", p)
	}
	if vnconnect.Staging.Issuer != "https://testxacthuc.dichvucong.gov.vn/oauth2/token" {
		t.Fatalf("Staging = %+v", vnconnect.Staging)
	}
	if got := vnconnect.EndpointFor("https://idp.example.vn/"); got.TokenURL != "https://idp.example.vn/oauth2/token" {
		t.Fatalf("trailing slash: %+v", got)
	}
}

func TestNewClientValidation(t *testing.T) {
	good := vnconnect.Config{
		ClientID:    "rp",
		RedirectURL: "https://rp.example.vn/cb",
		Endpoint:    vnconnect.Staging,
	}
	tests := []struct {
		name    string
		mod     func(*vnconnect.Config)
		wantErr error // nil: accepted; errAnyExt: some error
	}{
		{"valid", func(*vnconnect.Config) {}, nil},
		{"no client id", func(c *vnconnect.Config) { c.ClientID = " " }, errAnyExt},
		{"relative redirect", func(c *vnconnect.Config) { c.RedirectURL = "/cb" }, errAnyExt},
		{"redirect with fragment", func(c *vnconnect.Config) { c.RedirectURL = "https://rp/cb#x" }, errAnyExt},
		{"no endpoint", func(c *vnconnect.Config) { c.Endpoint = vnconnect.Endpoint{} }, errAnyExt},
		{"http endpoint", func(c *vnconnect.Config) { c.Endpoint = vnconnect.EndpointFor("http://idp.example.vn") }, vnconnect.ErrInsecureURL},
		{"http endpoint allowed", func(c *vnconnect.Config) {
			c.Endpoint = vnconnect.EndpointFor("http://idp.example.vn")
			c.InsecureAllowHTTP = true
		}, nil},
		{"http loopback", func(c *vnconnect.Config) { c.Endpoint = vnconnect.EndpointFor("http://127.0.0.1:9999") }, nil},
		{"http jwks only", func(c *vnconnect.Config) { c.Endpoint.JWKSURL = "http://idp.example.vn/jwks" }, vnconnect.ErrInsecureURL},
		{"bad LoA", func(c *vnconnect.Config) { c.LoA = "LoA9" }, errAnyExt},
		{"LoA3", func(c *vnconnect.Config) { c.LoA = "LoA3" }, nil},
		{"alg none", func(c *vnconnect.Config) { c.AllowedAlgs = []string{"none"} }, vnconnect.ErrAlgorithmNotAllowed},
		{"alg HS256", func(c *vnconnect.Config) { c.AllowedAlgs = []string{"HS256"} }, vnconnect.ErrAlgorithmNotAllowed},
		{"userinfo method", func(c *vnconnect.Config) { c.UserInfoMethod = "PUT" }, errAnyExt},
		{"userinfo post", func(c *vnconnect.Config) { c.UserInfoMethod = "post" }, nil},
		{"auth style", func(c *vnconnect.Config) { c.AuthStyle = 7 }, errAnyExt},
		{"negative max age", func(c *vnconnect.Config) { c.MaxAge = -time.Second }, errAnyExt},
		{"negative jwks refresh", func(c *vnconnect.Config) { c.JWKSMinRefreshInterval = -time.Second }, errAnyExt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.mod(&cfg)
			_, err := vnconnect.NewClient(cfg)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr == errAnyExt && err == nil:
				t.Fatal("accepted")
			case tt.wantErr != nil && tt.wantErr != errAnyExt && !errors.Is(err, tt.wantErr):
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

var errAnyExt = errors.New("any error")

func TestAuthCodeURL(t *testing.T) {
	c, err := vnconnect.NewClient(vnconnect.Config{
		ClientID:    "rp-1",
		RedirectURL: "https://rp.example.vn/callback?x=1",
		Endpoint:    vnconnect.Staging,
		Scopes:      []string{"profile", "openid", "profile email"},
		Rand:        bytes.NewReader(bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, 100)),
	})
	if err != nil {
		t.Fatal(err)
	}
	req, err := c.AuthCodeURL()
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Scheme + "://" + u.Host + u.Path; got != vnconnect.Staging.AuthURL {
		t.Fatalf("base = %s", got)
	}
	q := u.Query()
	sum := sha256.Sum256([]byte(req.CodeVerifier))
	want := map[string]string{
		"response_type":         "code",
		"client_id":             "rp-1",
		"redirect_uri":          "https://rp.example.vn/callback?x=1",
		"scope":                 "openid profile email",
		"state":                 req.State,
		"nonce":                 req.Nonce,
		"code_challenge":        base64.RawURLEncoding.EncodeToString(sum[:]),
		"code_challenge_method": "S256",
		"acr_values":            "LoA1",
	}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	for _, k := range []string{"max_age", "prompt", "login_hint", "code_verifier", "client_secret"} {
		if q.Has(k) {
			t.Errorf("unexpected parameter %s", k)
		}
	}
	if len(req.State) != 43 || len(req.Nonce) != 43 || len(req.CodeVerifier) != 43 {
		t.Fatalf("secrets must carry 256 bits: %d %d %d", len(req.State), len(req.Nonce), len(req.CodeVerifier))
	}
	if req.State == req.Nonce || req.Nonce == req.CodeVerifier {
		t.Fatal("state, nonce and verifier must be independent draws")
	}
	if req.LoA != "LoA1" {
		t.Fatalf("LoA = %q", req.LoA)
	}

	req, err = c.AuthCodeURL(vnconnect.WithMaxAge(10*time.Minute), vnconnect.WithPrompt("login"),
		vnconnect.WithLoginHint("001099012345"), vnconnect.WithLoA("LoA3"))
	if err != nil {
		t.Fatal(err)
	}
	u, _ = url.Parse(req.URL)
	q = u.Query()
	if q.Get("max_age") != "600" || q.Get("prompt") != "login" || q.Get("login_hint") != "001099012345" || q.Get("acr_values") != "LoA3" {
		t.Fatalf("options not applied: %v", q)
	}
	if req.MaxAge != 10*time.Minute || req.LoA != "LoA3" {
		t.Fatalf("AuthRequest = %+v", req)
	}

	for name, opt := range map[string]vnconnect.AuthOption{
		"bad prompt": vnconnect.WithPrompt("always"),
		"tiny age":   vnconnect.WithMaxAge(time.Millisecond),
		"bad LoA":    vnconnect.WithLoA("LoA5"),
	} {
		if _, err := c.AuthCodeURL(opt); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestAuthCodeURLRefusesLowerLoAAndShortRandomness(t *testing.T) {
	c, err := vnconnect.NewClient(vnconnect.Config{
		ClientID: "rp", RedirectURL: "https://rp/cb", Endpoint: vnconnect.Staging, LoA: "LoA2",
		Rand: bytes.NewReader(make([]byte, 40)), // less than the 96 bytes one request needs
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AuthCodeURL(vnconnect.WithLoA("LoA1")); err == nil {
		t.Fatal("a per-request LoA below Config.LoA was accepted")
	}
	if _, err := c.AuthCodeURL(); err == nil {
		t.Fatal("short randomness accepted")
	}
}

func TestCodeFromCallback(t *testing.T) {
	req := &vnconnect.AuthRequest{State: "st-123"}
	code, err := req.CodeFromCallback(url.Values{"state": {"st-123"}, "code": {"abc"}})
	if err != nil || code != "abc" {
		t.Fatalf("good callback: %q %v", code, err)
	}
	if _, err := req.CodeFromCallback(url.Values{"state": {"st-124"}, "code": {"abc"}}); !errors.Is(err, vnconnect.ErrStateMismatch) {
		t.Fatalf("wrong state: %v", err)
	}
	if _, err := req.CodeFromCallback(url.Values{"code": {"abc"}}); !errors.Is(err, vnconnect.ErrStateMismatch) {
		t.Fatalf("missing state: %v", err)
	}
	if _, err := (*vnconnect.AuthRequest)(nil).CodeFromCallback(url.Values{"state": {""}}); !errors.Is(err, vnconnect.ErrStateMismatch) {
		t.Fatalf("no stored request: %v", err)
	}
	_, err = req.CodeFromCallback(url.Values{"state": {"st-123"}, "error": {"access_denied"}, "error_description": {"Người dùng từ chối"}})
	var re *vnconnect.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "access_denied" || re.StatusCode != 0 {
		t.Fatalf("error callback: %v", err)
	}
	if _, err := req.CodeFromCallback(url.Values{"state": {"st-123"}}); !errors.Is(err, vnconnect.ErrInvalidResponse) {
		t.Fatalf("no code: %v", err)
	}
}

func TestLogoutURL(t *testing.T) {
	c, err := vnconnect.NewClient(vnconnect.Config{ClientID: "rp-1", RedirectURL: "https://rp/cb", Endpoint: vnconnect.Production})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.LogoutURL("eyJ.x.y", "https://rp.example.vn/bye", "st")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(s)
	q := u.Query()
	if !strings.HasPrefix(s, vnconnect.Production.EndSessionURL+"?") || q.Get("id_token_hint") != "eyJ.x.y" ||
		q.Get("post_logout_redirect_uri") != "https://rp.example.vn/bye" || q.Get("state") != "st" || q.Get("client_id") != "rp-1" {
		t.Fatalf("LogoutURL = %s", s)
	}
	if s, _ := c.LogoutURL("", "", ""); s != vnconnect.Production.EndSessionURL+"?client_id=rp-1" {
		t.Fatalf("minimal LogoutURL = %s", s)
	}
	if _, err := c.LogoutURL("", "/bye", ""); err == nil {
		t.Fatal("relative post_logout_redirect_uri accepted")
	}
}

func TestRetrieveErrorMessageIsSafe(t *testing.T) {
	e := &vnconnect.RetrieveError{
		Endpoint:         "token",
		StatusCode:       400,
		ErrorCode:        "invalid_grant",
		ErrorDescription: "bad\ncode\x00" + strings.Repeat("x", 500),
		Body:             []byte("SECRET-BODY"),
	}
	msg := e.Error()
	if strings.ContainsAny(msg, "\n\x00") || strings.Contains(msg, "SECRET-BODY") || len(msg) > 400 {
		t.Fatalf("unsafe message: %q", msg)
	}
	if !strings.Contains(msg, "HTTP 400") || !strings.Contains(msg, "invalid_grant") {
		t.Fatalf("message lacks status or code: %q", msg)
	}
	_ = http.StatusOK
}
