package saml

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

func TestParseResponseAccepts(t *testing.T) {
	testKeys(t)
	for _, tc := range []struct {
		name      string
		m         mint
		policy    SignaturePolicy
		wantError bool
	}{
		{name: "response signed", m: mint{signResponse: true}},
		{name: "assertion signed", m: mint{signAssertion: true}},
		{name: "both signed", m: mint{signAssertion: true, signResponse: true}},
		{name: "policy assertion, both signed", m: mint{signAssertion: true, signResponse: true}, policy: SignatureAssertion},
		{name: "policy response, response signed", m: mint{signResponse: true}, policy: SignatureResponse},
		{name: "policy both", m: mint{signAssertion: true, signResponse: true}, policy: SignatureBoth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp := testSP(t, func(c *Config) { c.Signature = tc.policy })
			tc.m.inResponseTo = pending(t, sp)
			a, err := post(t, sp, b64(xmlOf(tc.m.response())))
			if err != nil {
				t.Fatalf("ParseResponse: %v", err)
			}
			id := a.Identity
			if id.Subject != testTechID || id.TechID != testTechID || id.FullName != "Nguyễn Văn An" ||
				id.CCCD == nil || id.AccountType != vnconnect.AccountCitizen || len(id.LoAs) != 2 {
				t.Errorf("identity = %+v", id)
			}
			if a.RelayState != "/after" || a.IdPInitiated || a.NameID != testTechID || !strings.HasPrefix(a.SessionIndex, "sess-") {
				t.Errorf("assertion = %+v", a)
			}
			if len(id.Problems) != 0 {
				t.Errorf("problems: %v", id.Problems)
			}
		})
	}
}

// badCase is one rule an attacker (or a broken IdP) tries to break.
type badCase struct {
	name string
	cfg  func(*Config)
	// build returns the SAMLResponse value; reqID is a pending request.
	build func(t *testing.T, sp *ServiceProvider, reqID string) string
	want  []error // errors.Is must hold for at least one
}

func signedResp(m mint) string {
	m.signResponse = true
	return b64(xmlOf(m.response()))
}

func TestParseResponseRefuses(t *testing.T) {
	testKeys(t)
	cases := []badCase{
		{name: "unsigned", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return b64(xmlOf(mint{inResponseTo: id}.response()))
		}, want: []error{ErrSignature}},
		{name: "response signed by another key", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{inResponseTo: id, signer: &keyOther})
		}, want: []error{ErrSignature}},
		{name: "assertion signed by another key", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return b64(xmlOf(mint{inResponseTo: id, signAssertion: true, signer: &keyOther}.response()))
		}, want: []error{ErrSignature}},
		{name: "KeyInfo carries a foreign certificate", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			// Signed by the IdP's key, but KeyInfo names another
			// certificate: goxmldsig must refuse a KeyInfo cert that is
			// not in the metadata, even when the signature would verify.
			r := mint{inResponseTo: id, signResponse: true}.response()
			setKeyInfoCert(r, keyOther.cert.Raw)
			return b64(xmlOf(r))
		}, want: []error{ErrSignature}},
		{name: "KeyInfo claims the IdP certificate, signed by another key", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			r := mint{inResponseTo: id, signResponse: true, signer: &keyOther}.response()
			setKeyInfoCert(r, keyIdP.cert.Raw)
			return b64(xmlOf(r))
		}, want: []error{ErrSignature}},
		{name: "KeyInfo with a bare RSAKeyValue", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			r := mint{inResponseTo: id, signResponse: true, signer: &keyOther}.response()
			ki := r.FindElement("./Signature/KeyInfo")
			for _, c := range ki.ChildElements() {
				ki.RemoveChild(c)
			}
			ki.CreateElement("ds:KeyValue").CreateElement("ds:RSAKeyValue").CreateElement("ds:Modulus").SetText("AQAB")
			return b64(xmlOf(r))
		}, want: []error{ErrSignature}},
		{name: "signed response, assertion altered after signing", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			r := mint{inResponseTo: id, signResponse: true}.response()
			r.FindElement("./Assertion/Subject/NameID").SetText("admin")
			return b64(xmlOf(r))
		}, want: []error{ErrSignature}},
		{name: "policy assertion, only response signed", cfg: func(c *Config) { c.Signature = SignatureAssertion }, build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{inResponseTo: id})
		}, want: []error{ErrSignature}},
		{name: "policy response, only assertion signed", cfg: func(c *Config) { c.Signature = SignatureResponse }, build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return b64(xmlOf(mint{inResponseTo: id, signAssertion: true}.response()))
		}, want: []error{ErrSignature}},
		{name: "SHA-1 signature", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			r := mint{inResponseTo: id}.defaults().response()
			sc := keyIdP.signer()
			if err := sc.SetSignatureMethod("http://www.w3.org/2000/09/xmldsig#rsa-sha1"); err != nil {
				t.Fatal(err)
			}
			signed, err := sc.SignEnveloped(r)
			if err != nil {
				t.Fatal(err)
			}
			return b64(xmlOf(signed))
		}, want: []error{ErrSignature}},
		{name: "comment injected into NameID", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			// Exclusive c14n drops comments, so the signature over
			// "admin.evil" still verifies after the comment is added; a
			// parser that stops at the comment would read "admin".
			b := xmlOf(mint{inResponseTo: id, signResponse: true, nameID: "admin.evil"}.response())
			b = bytes.Replace(b, []byte(">admin.evil<"), []byte(">admin<!---->.evil<"), 1)
			return b64(b)
		}, want: []error{ErrMalformed}},
		{name: "several assertions", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			m := mint{inResponseTo: id, signAssertion: true}.defaults()
			r := m.response()
			m2 := m
			m2.assertionID = "_second"
			m2.nameID = "someone-else"
			r.AddChild(sign(m2.assertion(), &keyIdP))
			return b64(xmlOf(r))
		}, want: []error{ErrMalformed}},
		{name: "encrypted assertion", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			r := mint{inResponseTo: id}.response()
			a := r.FindElement("./Assertion")
			r.RemoveChild(a)
			r.CreateElement("saml:EncryptedAssertion")
			return b64(xmlOf(r))
		}, want: []error{ErrUnsupported}},
		{name: "DOCTYPE", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			b := xmlOf(mint{inResponseTo: id, signResponse: true}.response())
			return b64(append([]byte(`<!DOCTYPE r [<!ELEMENT r ANY>]>`), b...))
		}, want: []error{ErrForbiddenXML}},
		{name: "ENTITY expansion", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			b := xmlOf(mint{inResponseTo: id, signResponse: true, nameID: "xNAMEx"}.response())
			b = bytes.Replace(b, []byte("xNAMEx"), []byte("&lol;"), 1)
			return b64(append([]byte(`<?xml version="1.0"?><!DOCTYPE samlp:Response [<!ENTITY lol "lol">]>`), b...))
		}, want: []error{ErrForbiddenXML}},
		{name: "processing instruction", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			b := xmlOf(mint{inResponseTo: id, signResponse: true}.response())
			return b64(bytes.Replace(b, []byte("<saml:Issuer"), []byte("<?evil x?><saml:Issuer"), 1))
		}, want: []error{ErrMalformed}},
		{name: "non-UTF-8 encoding declared", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			b := xmlOf(mint{inResponseTo: id, signResponse: true}.response())
			return b64(append([]byte(`<?xml version="1.0" encoding="UTF-16"?>`), b...))
		}, want: []error{ErrMalformed}},
		{name: "oversized decoded XML", cfg: func(c *Config) { c.MaxMessageBytes = 4 << 10 }, build: func(t *testing.T, sp *ServiceProvider, id string) string {
			m := mint{inResponseTo: id, signResponse: true}.defaults()
			m.attrs = append(m.attrs, [2]string{"DiaChi", strings.Repeat("x", 8<<10)})
			return b64(xmlOf(m.response()))
		}, want: []error{ErrTooLarge}},
		{name: "not base64", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return "%%%not base64%%%"
		}, want: []error{ErrMalformed}},
		{name: "expired", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{inResponseTo: id, now: testNow.Add(-10 * time.Minute)})
		}, want: []error{ErrExpired}},
		{name: "conditions expired, issue instant fresh", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{inResponseTo: id, notOnOrAfter: testNow.Add(-3 * time.Minute)})
		}, want: []error{ErrExpired}},
		{name: "not yet valid", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{inResponseTo: id, now: testNow.Add(10 * time.Minute)})
		}, want: []error{ErrNotYetValid}},
		{name: "NotBefore in the future", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{inResponseTo: id, notBefore: testNow.Add(3 * time.Minute)})
		}, want: []error{ErrNotYetValid}},
		{name: "wrong audience", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{inResponseTo: id, audience: "https://other.test/sp"})
		}, want: []error{ErrAudience}},
		{name: "wrong recipient", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{inResponseTo: id, recipient: "https://other.test/acs"})
		}, want: []error{ErrRecipient}},
		{name: "wrong destination", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{inResponseTo: id, destination: "https://other.test/acs"})
		}, want: []error{ErrDestination}},
		{name: "signed response without destination", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{inResponseTo: id, noDest: true})
		}, want: []error{ErrDestination}},
		{name: "wrong issuer", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{inResponseTo: id, issuer: "https://evil.test/idp"})
		}, want: []error{ErrIssuer}},
		{name: "error status", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{inResponseTo: id, status: "urn:oasis:names:tc:SAML:2.0:status:Responder"})
		}, want: []error{ErrStatus}},
		{name: "unsolicited with IdP-initiated off", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{})
		}, want: []error{ErrUnsolicited}},
		{name: "InResponseTo unknown", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			return signedResp(mint{inResponseTo: "_0000000000000000000000000000000000000000"})
		}, want: []error{ErrInResponseTo}},
		{name: "InResponseTo reused", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			if _, err := post(t, sp, signedResp(mint{inResponseTo: id})); err != nil {
				t.Fatalf("first response: %v", err)
			}
			return signedResp(mint{inResponseTo: id}) // new assertion ID, same request
		}, want: []error{ErrInResponseTo}},
		{name: "Response and Assertion InResponseTo differ", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			r := mint{inResponseTo: id, signAssertion: true}.response()
			r.RemoveAttr("InResponseTo")
			r.CreateAttr("InResponseTo", pending(t, sp))
			return b64(xmlOf(r))
		}, want: []error{ErrInResponseTo}},
		{name: "replayed assertion", build: func(t *testing.T, sp *ServiceProvider, id string) string {
			s := signedResp(mint{inResponseTo: id})
			if _, err := post(t, sp, s); err != nil {
				t.Fatalf("first use: %v", err)
			}
			return s
		}, want: []error{ErrReplay, vnconnect.ErrReplay}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var mods []func(*Config)
			if tc.cfg != nil {
				mods = append(mods, tc.cfg)
			}
			sp := testSP(t, mods...)
			id := pending(t, sp)
			a, err := post(t, sp, tc.build(t, sp, id))
			checkRefused(t, a, err, tc.want)
		})
	}
}

func checkRefused(t *testing.T, a *Assertion, err error, want []error) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted: %+v", a)
	}
	for _, w := range want {
		if errors.Is(err, w) {
			if strings.Contains(err.Error(), "evil") || strings.Contains(err.Error(), "admin") {
				t.Errorf("error echoes attacker XML: %v", err)
			}
			return
		}
	}
	t.Fatalf("err = %v, want one of %v", err, want)
}

// setKeyInfoCert replaces the X509Certificate in el's signature KeyInfo.
func setKeyInfoCert(el *etree.Element, der []byte) {
	c := el.FindElement("./Signature/KeyInfo/X509Data/X509Certificate")
	c.SetText(b64(der))
}

func TestParseResponseBodyTooLarge(t *testing.T) {
	sp := testSP(t, func(c *Config) { c.MaxMessageBytes = 1 << 10 })
	form := url.Values{"SAMLResponse": {strings.Repeat("A", 64<<10)}}
	r := httptest.NewRequest(http.MethodPost, testACS, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, err := sp.ParseResponse(context.Background(), r)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestParseResponseReplayAcrossInstances(t *testing.T) {
	testKeys(t)
	clock := func() time.Time { return testNow }
	requests := NewMemoryRequestStore(clock)
	replay := vnconnect.NewMemoryReplayCache(clock)
	shared := func(c *Config) { c.Requests, c.Replay = requests, replay }
	a, b := testSP(t, shared), testSP(t, shared)

	id := pending(t, a) // login started on replica a
	resp := signedResp(mint{inResponseTo: id})
	if _, err := post(t, b, resp); err != nil { // completes on replica b
		t.Fatalf("replica b: %v", err)
	}
	_, err := post(t, a, resp) // the same response replayed at replica a
	if !errors.Is(err, ErrReplay) || !errors.Is(err, vnconnect.ErrReplay) {
		t.Fatalf("replay at replica a: err = %v, want ErrReplay", err)
	}
}

func TestIdPInitiated(t *testing.T) {
	testKeys(t)
	sp := testSP(t, func(c *Config) { c.AllowIdPInitiated = true })
	resp := signedResp(mint{})
	a, err := post(t, sp, resp)
	if err != nil {
		t.Fatalf("IdP-initiated: %v", err)
	}
	if !a.IdPInitiated {
		t.Error("IdPInitiated = false")
	}
	if _, err := post(t, sp, resp); !errors.Is(err, ErrReplay) {
		t.Errorf("replay: err = %v, want ErrReplay", err)
	}
	// Still strict: audience, signature.
	if _, err := post(t, sp, signedResp(mint{audience: "https://x.test"})); !errors.Is(err, ErrAudience) {
		t.Errorf("audience: err = %v", err)
	}
	if _, err := post(t, sp, b64(xmlOf(mint{}.response()))); !errors.Is(err, ErrSignature) {
		t.Errorf("unsigned: err = %v", err)
	}
}

func TestBrowserBinding(t *testing.T) {
	testKeys(t)
	sp := testSP(t)
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "https://app.test/login", nil)
	if err := sp.AuthnRequest(context.Background(), w, r, "/home"); err != nil {
		t.Fatal(err)
	}
	if w.Code != http.StatusFound {
		t.Fatalf("status %d", w.Code)
	}
	loc, _ := url.Parse(w.Header().Get("Location"))
	if loc.Host != "idp.test" || loc.Query().Get("SAMLRequest") == "" {
		t.Fatalf("Location = %s", loc)
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != DefaultBindingCookieName || !cookies[0].Secure || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteNoneMode {
		t.Fatalf("cookies = %+v", cookies)
	}
	m, err := parseRedirect(loc.RawQuery, "SAMLRequest", 1<<16)
	if err != nil {
		t.Fatal(err)
	}
	req, err := parseXML(m.xml)
	if err != nil {
		t.Fatal(err)
	}
	id := attr(req, "ID")
	if attr(req, "AssertionConsumerServiceURL") != testACS || attr(req, "Destination") != testIdPSSO {
		t.Fatalf("AuthnRequest attributes wrong: %s", m.xml)
	}
	resp := signedResp(mint{inResponseTo: id})

	// Another browser (no cookie) cannot complete this login…
	if _, err := post(t, sp, resp); !errors.Is(err, ErrInResponseTo) {
		t.Fatalf("without cookie: err = %v, want ErrInResponseTo", err)
	}
	// …and since the request is single use, neither can the right one
	// afterwards with a fresh response: the attempt consumed it.
	id2 := ""
	{
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "https://app.test/login", nil)
		r.AddCookie(cookies[0])
		if err := sp.AuthnRequest(context.Background(), w, r, "/home"); err != nil {
			t.Fatal(err)
		}
		if len(w.Result().Cookies()) != 0 {
			t.Fatal("existing binding cookie was replaced")
		}
		loc, _ := url.Parse(w.Header().Get("Location"))
		m, _ := parseRedirect(loc.RawQuery, "SAMLRequest", 1<<16)
		req, _ := parseXML(m.xml)
		id2 = attr(req, "ID")
	}
	form := url.Values{"SAMLResponse": {signedResp(mint{inResponseTo: id2})}}
	pr := httptest.NewRequest(http.MethodPost, testACS, strings.NewReader(form.Encode()))
	pr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	pr.AddCookie(cookies[0])
	a, err := sp.ParseResponse(context.Background(), pr)
	if err != nil {
		t.Fatalf("with cookie: %v", err)
	}
	if a.RelayState != "/home" {
		t.Errorf("RelayState = %q", a.RelayState)
	}
}
