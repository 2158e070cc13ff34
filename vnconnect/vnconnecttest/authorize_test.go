package vnconnecttest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func getPage(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirect.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var sessionKeyRE = regexp.MustCompile(`name="sessionDataKey" value="([^"]+)"`)

func TestLoginPageFlow(t *testing.T) {
	s, _ := newTestServer(t)
	p := newAuthParams()
	resp, body := getPage(t, p.url(s))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`lang="vi"`, "<h1>Đăng nhập</h1>", ">Đăng nhập</button>", "Nguyễn Văn An", "Ủy ban nhân dân tỉnh Nghệ An", "<legend>", `<label for="tk0">`, "(thấp hơn mức yêu cầu)"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	m := sessionKeyRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no sessionDataKey")
	}
	key := m[1]

	// The same pending request at WSO2's login.do.
	if resp, body := getPage(t, s.URL()+PathLoginPage+"?sessionDataKey="+url.QueryEscape(key)); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Đăng nhập") {
		t.Errorf("login.do: %d", resp.StatusCode)
	}

	submit := func(path string, v url.Values) *http.Response {
		resp, err := noRedirect.PostForm(s.URL()+path, v)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	// No account chosen: the page again, the request kept.
	if r := submit(PathAuthorize, url.Values{"sessionDataKey": {key}, "action": {"login"}}); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("no choice: %d", r.StatusCode)
	}
	r := submit(PathAuthorize, url.Values{"sessionDataKey": {key}, "action": {"login"}, "techid": {CitizenTechID}})
	if r.StatusCode != http.StatusFound {
		t.Fatalf("submit: %d", r.StatusCode)
	}
	loc, _ := url.Parse(r.Header.Get("Location"))
	if !strings.HasPrefix(loc.String(), testRedirect+"?") || loc.Query().Get("state") != "state-123" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect %s", loc)
	}
	if st, m := exchange(t, s, loc.Query().Get("code"), p, stylePost); st != http.StatusOK {
		t.Fatalf("exchange: %d %v", st, m)
	}
	// The sessionDataKey is spent.
	if r := submit(PathLoginPage, url.Values{"sessionDataKey": {key}, "techid": {CitizenTechID}}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("reused sessionDataKey: %d", r.StatusCode)
	}
}

func TestLoginPageCancelAndPOSTAuthorize(t *testing.T) {
	s, _ := newTestServer(t)
	p := newAuthParams()
	// An authorization request sent as a POST form (OIDC Core §3.1.2.1).
	resp, err := noRedirect.PostForm(s.URL()+PathAuthorize, p.v)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	key := sessionKeyRE.FindStringSubmatch(string(b))
	if resp.StatusCode != http.StatusOK || key == nil {
		t.Fatalf("POST authorize: %d", resp.StatusCode)
	}
	resp, err = noRedirect.PostForm(s.URL()+PathLoginPage, url.Values{"sessionDataKey": {key[1]}, "action": {"cancel"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "state-123" {
		t.Errorf("cancel: %d %s", resp.StatusCode, loc)
	}
}

func TestLoginPageExpires(t *testing.T) {
	s, clk := newTestServer(t)
	_, body := getPage(t, newAuthParams().url(s))
	key := sessionKeyRE.FindStringSubmatch(body)[1]
	clk.Advance(DefaultLoginTTL)
	resp, err := noRedirect.PostForm(s.URL()+PathLoginPage, url.Values{"sessionDataKey": {key}, "techid": {CitizenTechID}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("expired login: %d", resp.StatusCode)
	}
}

// Each bad request is refused the same way by the page and by Login.
func TestAuthorizeErrors(t *testing.T) {
	s, _ := newTestServer(t, WithClient(ClientReg{ID: "strict", Secret: "x", RedirectURIs: []string{"https://rp.example.com/cb"}}))
	cases := []struct {
		name  string
		edit  func(url.Values)
		error string // "" = not redirectable
	}{
		{"no PKCE", func(v url.Values) { v.Del("code_challenge"); v.Del("code_challenge_method") }, "invalid_request"},
		{"plain PKCE", func(v url.Values) { v.Set("code_challenge_method", "plain") }, "invalid_request"},
		{"method missing", func(v url.Values) { v.Del("code_challenge_method") }, "invalid_request"},
		{"bad challenge", func(v url.Values) { v.Set("code_challenge", "short") }, "invalid_request"},
		{"no openid", func(v url.Values) { v.Set("scope", "profile") }, "invalid_scope"},
		{"token response", func(v url.Values) { v.Set("response_type", "token") }, "unsupported_response_type"},
		{"fragment mode", func(v url.Values) { v.Set("response_mode", "fragment") }, "invalid_request"},
		{"duplicate state", func(v url.Values) { v.Add("state", "again") }, "invalid_request"},
		{"prompt none", func(v url.Values) { v.Set("prompt", "none") }, "login_required"},
		{"request object", func(v url.Values) { v.Set("request", "eyJ") }, "request_not_supported"},
		{"unknown client", func(v url.Values) { v.Set("client_id", "nobody") }, ""},
		{"no redirect_uri", func(v url.Values) { v.Del("redirect_uri") }, ""},
		{"non-loopback redirect", func(v url.Values) { v.Set("redirect_uri", "https://evil.example/cb") }, ""},
		{"unregistered redirect", func(v url.Values) {
			v.Set("client_id", "strict")
			v.Set("redirect_uri", "https://rp.example.com/other")
		}, ""},
		{"unregistered redirect, also bad PKCE", func(v url.Values) {
			v.Set("client_id", "strict")
			v.Set("redirect_uri", "https://evil.example/cb")
			v.Del("code_challenge")
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newAuthParams()
			tc.edit(p.v)
			resp, _ := getPage(t, p.url(s))
			u, err := s.Login(context.Background(), p.url(s), CitizenTechID)
			if tc.error == "" {
				if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
					t.Errorf("page: %d Location=%q, want 400 and no redirect", resp.StatusCode, resp.Header.Get("Location"))
				}
				if !errors.Is(err, ErrNotRedirectable) {
					t.Errorf("Login: %v, %v", u, err)
				}
				return
			}
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusFound || loc.Query().Get("error") != tc.error || !strings.HasPrefix(loc.String(), testRedirect) {
				t.Errorf("page: %d %s", resp.StatusCode, loc)
			}
			if err != nil || u.Query().Get("error") != tc.error || u.Query().Get("code") != "" {
				t.Errorf("Login: %v %v", u, err)
			}
		})
	}
}

func TestLoginHeadless(t *testing.T) {
	s, _ := newTestServer(t, WithClient(ClientReg{ID: "strict", Secret: "x", RedirectURIs: []string{"https://rp.example.com/cb?x=1"}}))
	p := newAuthParams()
	p.v.Set("client_id", "strict")
	p.v.Set("redirect_uri", "https://rp.example.com/cb?x=1")
	u, err := s.Login(context.Background(), p.url(s), BusinessTechID)
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != "rp.example.com" || u.Query().Get("x") != "1" || u.Query().Get("code") == "" || u.Query().Get("state") != "state-123" {
		t.Errorf("redirect %s", u)
	}
	t.Run("unknown account", func(t *testing.T) {
		if _, err := s.Login(context.Background(), newAuthParams().url(s), "no-such"); err == nil {
			t.Error("no error")
		}
	})
	t.Run("other server", func(t *testing.T) {
		if _, err := s.Login(context.Background(), "http://127.0.0.2:1"+PathAuthorize+"?"+newAuthParams().v.Encode(), CitizenTechID); err == nil {
			t.Error("no error")
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.Login(ctx, newAuthParams().url(s), CitizenTechID); !errors.Is(err, context.Canceled) {
			t.Errorf("%v", err)
		}
	})
	t.Run("Cancel", func(t *testing.T) {
		u, err := s.Cancel(context.Background(), newAuthParams().url(s))
		if err != nil || u.Query().Get("error") != "access_denied" || u.Query().Get("state") != "state-123" {
			t.Errorf("%v %v", u, err)
		}
	})
	t.Run("locked account", func(t *testing.T) {
		s.AddAccount(Account{TechID: "locked-1", FullName: "Tài khoản bị khóa", Status: "0"})
		u, err := s.Login(context.Background(), newAuthParams().url(s), "locked-1")
		if err != nil || u.Query().Get("error") != "access_denied" {
			t.Errorf("%v %v", u, err)
		}
	})
}
