package web_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect/saml"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// samlEnv is a SAML-only app (web.Handler over web.NewSAMLProvider) in
// front of the fake Vnconnect's SAML IdP. /x is behind RequireLogin and
// answers who the browser is, with the CSRF token for the logout form;
// /bye is the after-logout page.
type samlEnv struct {
	t        *testing.T
	fake     *vnconnecttest.Server
	sp       *saml.ServiceProvider
	base     string
	sessions *web.MemorySessionStore
	appLog   *syncBuffer // the Handler's warnings: why a page was refused
	fakeLog  *syncBuffer // the fake's notable events: e.g. an SP's LogoutResponse it refused
}

func newSAMLEnv(t *testing.T) *samlEnv {
	t.Helper()
	return newSAMLEnvWith(t, nil)
}

// newSAMLEnvWith is newSAMLEnv with tweak applied to the Handler's Config
// (which has the adapter and AfterLogout "/bye") before web.New.
func newSAMLEnvWith(t *testing.T, tweak func(sp *saml.ServiceProvider, cfg *web.Config)) *samlEnv {
	t.Helper()
	e := &samlEnv{t: t, appLog: &syncBuffer{}, fakeLog: &syncBuffer{}}
	e.fake = vnconnecttest.NewServer(t, vnconnecttest.WithConfig(func(c *vnconnecttest.Config) {
		c.Logf = func(format string, args ...any) { e.fakeLog.printf(format, args...) }
	}))
	app := httptest.NewUnstartedServer(nil)
	e.base = "http://" + app.Listener.Addr().String()
	key, cert := samlKeyPair(t)
	sp, err := saml.New(saml.Config{
		EntityID: e.base + "/saml/metadata", ACSURL: e.base + "/saml/acs", SLOURL: e.base + "/saml/slo",
		Key: key, Certificate: cert, IdPMetadata: e.fake.SAMLMetadata(), SignAuthnRequests: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.sp = sp
	// Registered as the operator would: endpoints and the SP certificate,
	// with signed requests required, so our LogoutRequests are checked.
	e.fake.RegisterSAMLServiceProvider(vnconnecttest.SAMLSP{
		EntityID: sp.EntityID(), ACSURL: e.base + "/saml/acs", SLOURL: e.base + "/saml/slo",
		Certificate: cert, RequireSignedRequests: true,
	})
	e.sessions = web.NewMemorySessionStore(web.MemoryOptions{})
	cfg := web.Config{
		SAML: web.NewSAMLProvider(sp, web.SAMLAfterLogout("/bye")), BaseURL: e.base,
		Sessions: e.sessions, AfterLogout: "/bye",
		Logger: slog.New(slog.NewTextHandler(e.appLog, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if tweak != nil {
		tweak(sp, &cfg)
	}
	h, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/", h)
	mux.Handle("/saml/", h)
	mux.Handle("/x", h.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := web.IdentityFrom(r.Context())
		s, _ := web.SessionFrom(r.Context())
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(samlMe{Name: id.FullName, TechID: id.TechID, Subject: s.Subject, SID: s.SID, CSRF: h.CSRFToken(r)})
	})))
	mux.HandleFunc("/bye", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("bye")) })
	app.Config.Handler = mux
	app.Start()
	t.Cleanup(app.Close)
	return e
}

type samlMe struct {
	Name, TechID, Subject, SID, CSRF string
}

// login runs the whole browser flow for the citizen: /saml/login →
// /samlsso → the login page → the auto-post form, which the test submits
// to the ACS as a browser would. It returns the ACS URL and form (for
// replay checks) and the ACS response.
func (e *samlEnv) login(b *browser, returnTo string) (string, url.Values, *http.Response) {
	e.t.Helper()
	return e.loginAs(b, returnTo, vnconnecttest.CitizenTechID)
}

// loginAs is login for the account techID.
func (e *samlEnv) loginAs(b *browser, returnTo, techID string) (string, url.Values, *http.Response) {
	e.t.Helper()
	t := e.t
	resp := b.get(t, e.base+"/saml/login?return_to="+url.QueryEscape(returnTo))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, e.fake.SAMLSSOURL()+"?SAMLRequest=") {
		t.Fatalf("/saml/login: %d to %q, want 302 to /samlsso", resp.StatusCode, loc)
	}
	resp = b.get(t, loc)
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/samlsso: %d: %.300s", resp.StatusCode, page)
	}
	// The login page, unless the browser still has an SSO session at the
	// fake, which then answers at once.
	if key := sessionDataKeyRE.FindStringSubmatch(page); key != nil {
		action, _ := postForm(t, page)
		resp = b.post(t, action, url.Values{"sessionDataKey": {html.UnescapeString(key[1])}, "action": {"login"}, "techid": {techID}})
		page = body(t, resp)
	}
	acs, form := postForm(t, page)
	if acs != e.base+"/saml/acs" || form.Get("SAMLResponse") == "" {
		t.Fatalf("auto-post form to %q with %v, want our ACS and a SAMLResponse", acs, form)
	}
	return acs, form, b.post(t, acs, form)
}

// me asks /x who the browser is: 200 and the person, or 401.
func (e *samlEnv) me(b *browser) (int, samlMe) {
	e.t.Helper()
	resp := b.get(e.t, e.base+"/x", "Accept", "application/json")
	var m samlMe
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			e.t.Fatal(err)
		}
	}
	return resp.StatusCode, m
}

// loggedIn logs b in and returns its session as /x shows it.
func (e *samlEnv) loggedIn(b *browser) samlMe {
	e.t.Helper()
	return e.loggedInAs(b, vnconnecttest.CitizenTechID)
}

// loggedInAs is loggedIn for the account techID.
func (e *samlEnv) loggedInAs(b *browser, techID string) samlMe {
	e.t.Helper()
	if _, _, resp := e.loginAs(b, "/x", techID); resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("ACS: %d, want 303; log: %s", resp.StatusCode, e.appLog)
	}
	status, m := e.me(b)
	if status != http.StatusOK || m.SID == "" {
		e.t.Fatalf("/x after login: %d %+v", status, m)
	}
	return m
}

// ssoSID is the fake's SSO session the browser holds, "" if none.
func (e *samlEnv) ssoSID(b *browser) string {
	return e.fake.SSOSessionID(b.cookie(e.fake.URL(), vnconnecttest.SSOCookieName))
}

var (
	sessionDataKeyRE = regexp.MustCompile(`name="sessionDataKey" value="([^"]+)"`)
	formActionRE     = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	hiddenInputRE    = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// postForm reads a page's form: its action and hidden inputs, unescaped
// as a browser would.
func postForm(t *testing.T, page string) (string, url.Values) {
	t.Helper()
	m := formActionRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no form in %.400s", page)
	}
	v := url.Values{}
	for _, in := range hiddenInputRE.FindAllStringSubmatch(page, -1) {
		v.Add(html.UnescapeString(in[1]), html.UnescapeString(in[2]))
	}
	return html.UnescapeString(m[1]), v
}

// resignRedirect re-signs a Redirect-binding message URL with key: the
// same message, a valid signature by a key that is not the IdP's.
func resignRedirect(t *testing.T, raw string, key *rsa.PrivateKey) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	signed := "SAMLRequest=" + url.QueryEscape(q.Get("SAMLRequest")) +
		"&SigAlg=" + url.QueryEscape("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	u.RawQuery = signed + "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
	return u.String()
}

var (
	samlKeyOnce sync.Once
	samlKey     *rsa.PrivateKey
	samlCert    *x509.Certificate
)

// samlKeyPair is the SP's signing key and self-signed certificate, made
// once per test binary (RSA key generation is slow under -race).
func samlKeyPair(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	samlKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pakn.test SAML SP"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
		if err != nil {
			panic(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			panic(err)
		}
		samlKey, samlCert = k, c
	})
	return samlKey, samlCert
}

// syncBuffer collects log lines written from server goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) printf(format string, args ...any) {
	_, _ = fmt.Fprintf(b, format+"\n", args...)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
