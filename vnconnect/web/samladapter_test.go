package web_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/saml"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// The whole SAML login in a browser: the identity reaches the app, the
// metadata route serves the SP, and the same SAMLResponse posted again is
// refused as a replay whoever posts it.
func TestSAMLAdapterBrowserLogin(t *testing.T) {
	e := newSAMLEnv(t)
	b := newBrowser(t)
	acs, form, resp := e.login(b, "/x?tab=1")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/x?tab=1" {
		t.Fatalf("ACS: %d to %q, want 303 to /x?tab=1; log: %s", resp.StatusCode, resp.Header.Get("Location"), e.appLog)
	}
	resp = b.get(t, e.base+"/x?tab=1")
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, vnconnecttest.CitizenTechID) || !strings.Contains(page, `"Name":"`) {
		t.Fatalf("/x: %d %s", resp.StatusCode, page)
	}
	_, m := e.me(b)
	if m.Name == "" || m.Subject == "" || m.SID != e.ssoSID(b) {
		t.Errorf("session %+v: want a name, the NameID and the fake's SSO session %q as SID", m, e.ssoSID(b))
	}

	t.Run("Metadata", func(t *testing.T) {
		resp := b.get(t, e.base+"/saml/metadata")
		if md := body(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(md, `entityID="`+e.sp.EntityID()+`"`) || !strings.Contains(md, e.base+"/saml/slo") {
			t.Fatalf("metadata: %d %.300s", resp.StatusCode, md)
		}
	})

	t.Run("ReplayRefused", func(t *testing.T) {
		for name, br := range map[string]*browser{"same browser": b, "another browser": newBrowser(t)} {
			before := e.sessions.Len()
			if resp := br.post(t, acs, form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s: replayed SAMLResponse: %d, want 403", name, resp.StatusCode)
			}
			if e.sessions.Len() != before {
				t.Errorf("%s: replay created a session", name)
			}
		}
		if !strings.Contains(e.appLog.String(), "replayed") {
			t.Errorf("refusals not logged as replays: %s", e.appLog)
		}
		if status, _ := e.me(newBrowser(t)); status != http.StatusUnauthorized {
			t.Errorf("a fresh browser /x = %d, want 401", status)
		}
	})
}

// SP-initiated logout: the app's logout form ends the local session, the
// browser carries our signed LogoutRequest to the fake, which ends its SSO
// session and answers at our SLO; we land on AfterLogout.
//
// The landing path comes from Config.AfterLogout alone (New hands it to the
// adapter), and SAMLAfterLogout, kept for compatibility, still works and
// takes precedence.
func TestSAMLAdapterSPInitiatedLogout(t *testing.T) {
	for name, tweak := range map[string]func(*saml.ServiceProvider, *web.Config){
		"SAMLAfterLogout and Config.AfterLogout": nil,
		"Config.AfterLogout only": func(sp *saml.ServiceProvider, cfg *web.Config) {
			cfg.SAML = web.NewSAMLProvider(sp)
		},
		"SAMLAfterLogout takes precedence": func(_ *saml.ServiceProvider, cfg *web.Config) {
			cfg.AfterLogout = "/elsewhere"
		},
	} {
		t.Run(name, func(t *testing.T) { testSAMLAdapterSPInitiatedLogout(t, newSAMLEnvWith(t, tweak)) })
	}
}

func testSAMLAdapterSPInitiatedLogout(t *testing.T, e *samlEnv) {
	b := newBrowser(t)
	m := e.loggedIn(b)
	sid := e.ssoSID(b)
	if !e.fake.SSOSessionActive(sid) {
		t.Fatal("no SSO session at the fake after login")
	}

	resp := b.post(t, e.base+"/auth/logout", url.Values{"csrf": {m.CSRF}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, e.fake.SAMLSSOURL()+"?SAMLRequest=") {
		t.Fatalf("logout: %d to %q, want 303 to /samlsso with a LogoutRequest; log: %s", resp.StatusCode, loc, e.appLog)
	}
	if e.sessions.Len() != 0 {
		t.Error("local session still there before the IdP answered")
	}

	resp = b.get(t, loc)
	back := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(back, e.base+"/saml/slo?SAMLResponse=") {
		t.Fatalf("fake /samlsso: %d to %q, want our SLO with a LogoutResponse; fake log: %s", resp.StatusCode, back, e.fakeLog)
	}
	if e.fake.SSOSessionActive(sid) {
		t.Error("the fake's SSO session survived the LogoutRequest")
	}
	resp = b.get(t, back)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/bye" {
		t.Fatalf("SLO: %d to %q, want 303 to /bye; log: %s", resp.StatusCode, resp.Header.Get("Location"), e.appLog)
	}
	if status, _ := e.me(b); status != http.StatusUnauthorized {
		t.Errorf("/x after logout: %d, want 401", status)
	}
	// The LogoutResponse answered one request: a second delivery is refused.
	if resp := b.get(t, back); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("LogoutResponse replayed: %d, want 400", resp.StatusCode)
	}
}

// IdP-initiated logout: the same browser signed in (by SSO) to another,
// OIDC, app logs out there; the fake sends our SP a LogoutRequest through
// the browser, our session ends, and our LogoutResponse lets the fake's
// chain go on to that app's post-logout page.
func TestSAMLAdapterIdPInitiatedLogout(t *testing.T) {
	e := newSAMLEnv(t)
	b := newBrowser(t)
	e.loggedIn(b)
	sid := e.ssoSID(b)
	ctx := context.Background()

	// The OIDC app: the fake's default client, signed in from the SSO
	// session without the login page.
	reg := e.fake.Client()
	oidc, err := vnconnect.NewClient(vnconnect.Config{
		ClientID: reg.ID, ClientSecret: reg.Secret, RedirectURL: "http://127.0.0.1:9/cb",
		Endpoint: vnconnect.EndpointFor(e.fake.URL()),
	})
	if err != nil {
		t.Fatal(err)
	}
	ar, err := oidc.AuthCodeURL()
	if err != nil {
		t.Fatal(err)
	}
	resp := b.get(t, ar.URL)
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || cb.Query().Get("code") == "" {
		t.Fatalf("SSO authorize for the OIDC app: %d to %q, want a code", resp.StatusCode, cb)
	}
	tok, err := oidc.Exchange(ctx, cb.Query().Get("code"), ar)
	if err != nil {
		t.Fatal(err)
	}
	out, err := oidc.LogoutURL(tok.RawIDToken, "http://127.0.0.1:9/bye", "st")
	if err != nil {
		t.Fatal(err)
	}

	resp = b.get(t, out)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, e.base+"/saml/slo?SAMLRequest=") {
		t.Fatalf("OIDC logout: %d to %q, want our SLO with a LogoutRequest", resp.StatusCode, loc)
	}
	resp = b.get(t, loc)
	back := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(back, e.fake.SAMLSSOURL()+"?SAMLResponse=") {
		t.Fatalf("SLO: %d to %q, want the fake with our LogoutResponse; log: %s", resp.StatusCode, back, e.appLog)
	}
	if status, _ := e.me(b); status != http.StatusUnauthorized || e.sessions.Len() != 0 {
		t.Fatalf("after the IdP's LogoutRequest /x = %d with %d sessions, want 401 and none", status, e.sessions.Len())
	}
	resp = b.get(t, back)
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || got != "http://127.0.0.1:9/bye?state=st" {
		t.Fatalf("fake after our LogoutResponse: %d to %q, want the OIDC app's post-logout URI", resp.StatusCode, got)
	}
	if log := e.fakeLog.String(); strings.Contains(log, "LogoutResponse") {
		t.Errorf("the fake did not accept our LogoutResponse: %s", log)
	}
	if e.fake.SSOSessionActive(sid) {
		t.Error("SSO session still active")
	}
}

// Only a LogoutRequest the IdP signed ends anything: unsigned (Redirect or
// POST), signed by another key, or a valid one delivered twice, each is
// refused and the session lives on. A valid one then ends it, so the
// refusals were not for a wrong NameID or SessionIndex.
func TestSAMLAdapterRefusesForgedLogoutRequest(t *testing.T) {
	e := newSAMLEnv(t)
	b := newBrowser(t)
	m := e.loggedIn(b)
	entity := e.sp.EntityID()
	attacker := newBrowser(t)
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	unsigned := e.fake.SAMLLogoutRequest(entity, m.Subject, m.SID, false)
	sloURL, postVals := e.fake.SAMLLogoutRequestPOST(entity, m.Subject, m.SID, false)
	valid := e.fake.SAMLLogoutRequest(entity, m.Subject, m.SID, true)

	forged := map[string]func(br *browser) *http.Response{
		"unsigned redirect":     func(br *browser) *http.Response { return br.get(t, unsigned) },
		"unsigned POST":         func(br *browser) *http.Response { return br.post(t, sloURL, postVals) },
		"signed by another key": func(br *browser) *http.Response { return br.get(t, resignRedirect(t, unsigned, otherKey)) },
		"signature of another message": func(br *browser) *http.Response {
			u, _ := url.Parse(valid)
			q := u.Query()
			q.Set("SAMLRequest", mustQuery(t, unsigned).Get("SAMLRequest"))
			return br.get(t, u.Scheme+"://"+u.Host+u.Path+"?"+q.Encode())
		},
	}
	for name, send := range forged {
		for who, br := range map[string]*browser{"victim's browser": b, "attacker's browser": attacker} {
			if resp := send(br); resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
				t.Errorf("%s via %s: %d to %q, want 400", name, who, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		if status, _ := e.me(b); status != http.StatusOK || e.sessions.Len() != 1 {
			t.Fatalf("after %s: /x = %d with %d sessions; the session must survive", name, status, e.sessions.Len())
		}
	}

	// Each was refused for its signature, not for some other detail.
	if n := strings.Count(e.appLog.String(), "LogoutRequest refused: saml: signature invalid or missing"); n != 2*len(forged) {
		t.Errorf("%d refusals for the signature, want %d; log: %s", n, 2*len(forged), e.appLog)
	}

	if resp := attacker.get(t, valid); resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), e.fake.SAMLSSOURL()) {
		t.Fatalf("signed LogoutRequest: %d to %q, want 302 to the fake; log: %s", resp.StatusCode, resp.Header.Get("Location"), e.appLog)
	}
	if status, _ := e.me(b); status != http.StatusUnauthorized {
		t.Fatalf("signed LogoutRequest did not end the session: /x = %d", status)
	}
	// Log in again: the same signed request, replayed, ends nothing.
	e.loggedIn(b)
	if resp := b.get(t, valid); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("replayed LogoutRequest: %d, want 400", resp.StatusCode)
	}
	if status, _ := e.me(b); status != http.StatusOK {
		t.Errorf("replayed LogoutRequest ended the new session: /x = %d", status)
	}
}

// A LogoutRequest ends the sessions of the principal its NameID names,
// narrowed by SessionIndex (SAML core §3.7.3.2). Signed by the IdP or not,
// one naming A with B's SessionIndex ends nothing: not B's session (not
// A's principal), not A's (not A's index). The matching one then ends
// exactly B's session.
func TestSAMLAdapterLogoutRequestNameIDMustMatch(t *testing.T) {
	e := newSAMLEnv(t)
	ba, bb := newBrowser(t), newBrowser(t)
	a := e.loggedInAs(ba, vnconnecttest.CitizenTechID)
	b := e.loggedInAs(bb, vnconnecttest.CitizenFemaleTechID)
	if a.Subject == b.Subject || a.SID == b.SID {
		t.Fatalf("want two principals in two IdP sessions: %+v %+v", a, b)
	}
	entity := e.sp.EntityID()
	send := func(nameID, sessionIndex string) {
		t.Helper()
		resp := newBrowser(t).get(t, e.fake.SAMLLogoutRequest(entity, nameID, sessionIndex, true))
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), e.fake.SAMLSSOURL()+"?SAMLResponse=") {
			t.Fatalf("signed LogoutRequest: %d to %q, want our LogoutResponse; log: %s", resp.StatusCode, resp.Header.Get("Location"), e.appLog)
		}
	}
	alive := func(what string, br *browser, want int) {
		t.Helper()
		if status, _ := e.me(br); status != want {
			t.Fatalf("%s: /x = %d, want %d", what, status, want)
		}
	}

	send(a.Subject, b.SID)
	alive("B after A's NameID with B's SessionIndex", bb, http.StatusOK)
	alive("A after A's NameID with B's SessionIndex", ba, http.StatusOK)
	send("no-such-principal", a.SID)
	alive("A after a stranger's NameID with A's SessionIndex", ba, http.StatusOK)
	if e.sessions.Len() != 2 {
		t.Fatalf("%d sessions, want 2", e.sessions.Len())
	}

	send(b.Subject, b.SID)
	alive("B after its own LogoutRequest", bb, http.StatusUnauthorized)
	alive("A after B's LogoutRequest", ba, http.StatusOK)
	if e.sessions.Len() != 1 {
		t.Fatalf("%d sessions, want 1", e.sessions.Len())
	}
}

// The SLO endpoint wants exactly one message, by GET or POST; what it
// refuses shows that the logout is not complete.
func TestSAMLAdapterSLOMalformed(t *testing.T) {
	e := newSAMLEnv(t)
	b := newBrowser(t)
	wantPage := func(what string, resp *http.Response) {
		t.Helper()
		page := body(t, resp)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "<title>Đăng xuất chưa hoàn tất</title>") ||
			!strings.Contains(page, `role="alert"`) || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d, want 400 with the logout-incomplete page: %.300s", what, resp.StatusCode, page)
		}
	}
	for _, q := range []string{"", "?foo=1", "?SAMLRequest=x&SAMLResponse=y", "?SAMLResponse=%%%"} {
		wantPage("GET /saml/slo"+q, b.get(t, e.base+"/saml/slo"+q))
	}
	wantPage("POST both", b.post(t, e.base+"/saml/slo", url.Values{"SAMLResponse": {"x"}, "SAMLRequest": {"y"}}))
	for _, m := range []string{http.MethodHead, http.MethodPut, http.MethodDelete} {
		req, err := http.NewRequest(m, e.base+"/saml/slo?SAMLResponse=x", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := b.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, POST" {
			t.Errorf("%s /saml/slo: %d, Allow %q; want 405, GET, POST", m, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
}

// The after-logout path is a constant of the program; an open redirect
// there is a bug to catch at start-up.
func TestNewSAMLProviderRefusesBadAfterLogout(t *testing.T) {
	e := newSAMLEnv(t)
	for _, p := range []string{"//evil.example", "https://evil.example/", `/\evil`, "/%2F%2Fevil"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SAMLAfterLogout(%q) accepted", p)
				}
			}()
			web.NewSAMLProvider(e.sp, web.SAMLAfterLogout(p))
		}()
	}
	// Nothing of the request is needed for metadata.
	md, err := web.NewSAMLProvider(e.sp).Metadata(httptest.NewRequest(http.MethodGet, "/", nil).Context())
	if err != nil || len(md) == 0 {
		t.Fatalf("Metadata: %v", err)
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// New gives the adapter Config.AfterLogout in place, so that a provider
// embedding *SAMLAdapter stays the Handler's; an adapter shared by
// Handlers that disagree on the path is refused unless SAMLAfterLogout
// settles it.
func TestSAMLAdapterAfterLogoutFromHandler(t *testing.T) {
	e := newSAMLEnv(t)
	newHandler := func(p web.SAMLProvider, afterLogout string) error {
		_, err := web.New(web.Config{SAML: p, BaseURL: e.base, AfterLogout: afterLogout})
		return err
	}
	shared := web.NewSAMLProvider(e.sp)
	if err := newHandler(shared, "/bye"); err != nil {
		t.Fatal(err)
	}
	if err := newHandler(shared, "/bye"); err != nil {
		t.Fatalf("second Handler with the same AfterLogout: %v", err)
	}
	if err := newHandler(shared, "/other"); err == nil {
		t.Fatal("a shared adapter took two different AfterLogout paths")
	}
	own := web.NewSAMLProvider(e.sp, web.SAMLAfterLogout("/saml-bye"))
	for _, p := range []string{"/bye", "/other"} {
		if err := newHandler(own, p); err != nil {
			t.Fatalf("adapter with SAMLAfterLogout, Handler AfterLogout %q: %v", p, err)
		}
	}
	// A decorated adapter is configured, not replaced: the Handler still
	// calls the decorator.
	dec := &decoratedSAML{SAMLAdapter: web.NewSAMLProvider(e.sp)}
	h, err := web.New(web.Config{SAML: dec, BaseURL: e.base, AfterLogout: "/bye"})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/saml/metadata", nil))
	if rec.Code != http.StatusOK || !dec.called {
		t.Fatalf("metadata through the decorator: %d, decorator called %v", rec.Code, dec.called)
	}
}

type decoratedSAML struct {
	*web.SAMLAdapter
	called bool
}

func (d *decoratedSAML) Metadata(ctx context.Context) ([]byte, error) {
	d.called = true
	return d.SAMLAdapter.Metadata(ctx)
}
