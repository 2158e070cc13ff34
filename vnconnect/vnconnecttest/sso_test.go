package vnconnecttest

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// browser is one user agent: a cookie jar, redirects shown not followed.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return b.do(req)
}

func (b *browser) post(u string, v url.Values) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// loginPage submits the login page in body for techID.
func (b *browser) loginPage(s *Server, body, techID string) (*http.Response, string) {
	b.t.Helper()
	m := sessionKeyRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("not the login page: %.300s", body)
	}
	return b.post(s.URL()+PathAuthorize, url.Values{"sessionDataKey": {m[1]}, "action": {"login"}, "techid": {techID}})
}

// authFor is an authorization request for clientID.
func authFor(s *Server, clientID string, set func(url.Values)) (string, authParams) {
	p := newAuthParams()
	p.v.Set("client_id", clientID)
	if set != nil {
		set(p.v)
	}
	return p.url(s), p
}

func codeOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("want a redirect with a code, got %d", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if c := loc.Query().Get("code"); c != "" {
		return c
	}
	t.Fatalf("no code in %s", loc)
	return ""
}

func idTokenSID(t *testing.T, s *Server, clientID, secret, code string, p authParams) (string, string) {
	t.Helper()
	st, m, _ := post(t, s, PathToken, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {testRedirect}, "code_verifier": {p.verifier}}, stylePost, clientID, secret)
	if st != http.StatusOK {
		t.Fatalf("token %d %v", st, m)
	}
	idt := m["id_token"].(string)
	_, c, _ := decodeJWT(t, idt)
	sid, _ := c["sid"].(string)
	return sid, idt
}

func TestSSOAcrossTwoOIDCClients(t *testing.T) {
	s, clk := newTestServer(t, WithClient(ClientReg{ID: "app2", Secret: "s2"}))
	b := newBrowser(t)

	u1, p1 := authFor(s, DefaultClientID, nil)
	resp, body := b.get(u1)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("first authorize: %d", resp.StatusCode)
	}
	resp, _ = b.loginPage(s, body, CitizenTechID)
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == SSOCookieName {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" {
		t.Fatalf("SSO cookie %+v", cookie)
	}
	sid1, _ := idTokenSID(t, s, DefaultClientID, DefaultClientSecret, codeOf(t, resp), p1)

	// The second app: no login page, same session.
	u2, p2 := authFor(s, "app2", nil)
	resp, _ = b.get(u2)
	sid2, _ := idTokenSID(t, s, "app2", "s2", codeOf(t, resp), p2)
	if sid1 == "" || sid1 != sid2 {
		t.Errorf("sids %q %q", sid1, sid2)
	}
	if got := s.SSOSessionID(cookie.Value); got != sid1 {
		t.Errorf("SSOSessionID %q", got)
	}

	t.Run("prompt=none with a session", func(t *testing.T) {
		u, _ := authFor(s, "app2", func(v url.Values) { v.Set("prompt", "none") })
		resp, _ := b.get(u)
		codeOf(t, resp)
	})
	t.Run("prompt=login shows the page", func(t *testing.T) {
		u, _ := authFor(s, "app2", func(v url.Values) { v.Set("prompt", "login") })
		if resp, body := b.get(u); resp.StatusCode != http.StatusOK || !sessionKeyRE.MatchString(body) {
			t.Errorf("%d", resp.StatusCode)
		}
	})
	t.Run("higher LoA needs the page; prompt=none says login_required", func(t *testing.T) {
		u, _ := authFor(s, "app2", func(v url.Values) { v.Set("acr_values", "LoA4") })
		if resp, _ := b.get(u); resp.StatusCode != http.StatusOK {
			t.Errorf("%d", resp.StatusCode)
		}
		u, _ = authFor(s, "app2", func(v url.Values) { v.Set("acr_values", "LoA4"); v.Set("prompt", "none") })
		resp, _ := b.get(u)
		if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error=login_required") {
			t.Errorf("%d %s", resp.StatusCode, loc)
		}
	})
	t.Run("another browser has no session", func(t *testing.T) {
		u, _ := authFor(s, "app2", func(v url.Values) { v.Set("prompt", "none") })
		resp, _ := newBrowser(t).get(u)
		if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error=login_required") {
			t.Errorf("%d %s", resp.StatusCode, loc)
		}
	})
	t.Run("idle timeout", func(t *testing.T) {
		clk.Advance(DefaultSSOSessionTTL + 1)
		u, _ := authFor(s, "app2", func(v url.Values) { v.Set("prompt", "none") })
		resp, _ := b.get(u)
		if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error=login_required") {
			t.Errorf("%d %s", resp.StatusCode, loc)
		}
	})
}

// A SAML SP joins the browser's session without the login page; ForceAuthn
// brings the page back and IsPassive without a session gets NoPassive.
func TestSSOSAMLBrowser(t *testing.T) {
	s := newSAMLServer(t)
	sp := crewjamSP(t, s, true)
	b := newBrowser(t)

	u, _ := sp.MakeRedirectAuthenticationRequest("rs")
	resp, body := b.get(u.String())
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Đăng nhập") {
		t.Fatalf("SAML login page: %d", resp.StatusCode)
	}
	_, body = b.loginPage(s, body, CitizenTechID)
	form := postForm(t, body, testSPACS)
	if form.Get("RelayState") != "rs" || !strings.Contains(body, ">Tiếp tục</button>") {
		t.Fatalf("POST form %v", form)
	}

	// An OIDC client now signs in from the session.
	ua, _ := authFor(s, DefaultClientID, nil)
	resp, _ = b.get(ua)
	codeOf(t, resp)

	// A second SAML request answers at once.
	u, _ = sp.MakeRedirectAuthenticationRequest("rs2")
	resp, body = b.get(u.String())
	if strings.Contains(body, "sessionDataKey") {
		t.Fatal("login page shown again")
	}
	in, _ := decodeSAMLRedirect(u.RawQuery)
	a, err := sp.ParseResponse(acsRequest(testSPACS, postForm(t, body, testSPACS)), []string{in.root.SelectAttrValue("ID", "")})
	if err != nil {
		t.Fatalf("%v (%s)", err, describe(err))
	}
	if !s.SSOSessionActive(a.AuthnStatements[0].SessionIndex) {
		t.Errorf("SessionIndex %q is not the SSO session", a.AuthnStatements[0].SessionIndex)
	}

	force := true
	sp.ForceAuthn = &force
	u, _ = sp.MakeRedirectAuthenticationRequest("")
	if _, body := b.get(u.String()); !strings.Contains(body, "sessionDataKey") {
		t.Error("ForceAuthn did not show the login page")
	}
}

// postForm extracts the auto-submitting form's fields, checking its action.
func postForm(t *testing.T, body, action string) url.Values {
	t.Helper()
	if !strings.Contains(body, `action="`+action+`"`) {
		t.Fatalf("form does not post to %s: %.400s", action, body)
	}
	v := url.Values{}
	for _, m := range inputRE.FindAllStringSubmatch(body, -1) {
		v.Add(m[1], htmlUnescape(m[2]))
	}
	return v
}

var inputRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
var inputRENext = regexp.MustCompile(`<a id="next" href="([^"]+)"`)

func htmlUnescape(s string) string { return html.UnescapeString(s) }
