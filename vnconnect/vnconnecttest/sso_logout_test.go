package vnconnecttest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/crewjam/saml"
)

// signedInEverywhere signs one browser in to an OIDC client with a
// back-channel URI, one with a front-channel URI, and the SAML SP; it
// returns the browser, the SSO sid and the back-channel recorder.
func signedInEverywhere(t *testing.T) (*Server, *browser, *saml.ServiceProvider, string, string, *backchannelRP) {
	rp := &backchannelRP{}
	rpSrv := httptest.NewServer(rp)
	t.Cleanup(rpSrv.Close)
	s := newSAMLServer(t,
		WithClient(ClientReg{ID: "bc", Secret: "bc-s", BackchannelLogoutURI: rpSrv.URL}),
		WithClient(ClientReg{ID: "fc", Secret: "fc-s", FrontchannelLogoutURI: "http://127.0.0.1:9200/fc?x=1"}))
	sp := crewjamSP(t, s, true)
	b := newBrowser(t)
	u, p := authFor(s, "bc", nil)
	_, body := b.get(u)
	resp, _ := b.loginPage(s, body, CitizenTechID)
	sid, idt := idTokenSID(t, s, "bc", "bc-s", codeOf(t, resp), p)
	u, _ = authFor(s, "fc", nil)
	resp, _ = b.get(u)
	codeOf(t, resp)
	ar, _ := sp.MakeRedirectAuthenticationRequest("")
	if _, body := b.get(ar.String()); strings.Contains(body, "sessionDataKey") {
		t.Fatal("SAML login needed the page")
	}
	return s, b, sp, sid, idt, rp
}

// answerSLO plays the SAML SP receiving the fake's LogoutRequest at loc:
// checks it and its signature, and returns the URL of its LogoutResponse.
func answerSLO(t *testing.T, s *Server, sp *saml.ServiceProvider, loc, sid string) string {
	t.Helper()
	u, _ := url.Parse(loc)
	if !strings.HasPrefix(loc, testSPSLO+"?") {
		t.Fatalf("not sent to the SP's SLO: %s", loc)
	}
	if signed, err := verifyRedirectSignature(u.RawQuery, "SAMLRequest", s.SAMLCertificate()); !signed || err != nil {
		t.Fatalf("LogoutRequest signature: %v %v", signed, err)
	}
	in, err := decodeSAMLRedirect(u.RawQuery)
	if err != nil || in.kind() != "LogoutRequest" {
		t.Fatalf("%v", err)
	}
	var lr saml.LogoutRequest
	if err := unmarshalElement(in.root, &lr); err != nil {
		t.Fatal(err)
	}
	if lr.NameID.Value != CitizenTechID || lr.SessionIndex.Value != sid || lr.Issuer.Value != s.SAMLEntityID() {
		t.Errorf("LogoutRequest %+v", lr)
	}
	back, err := sp.MakeRedirectLogoutResponse(lr.ID, in.relayState)
	if err != nil {
		t.Fatal(err)
	}
	return back.String()
}

func TestSSOLogoutFromOIDCReachesEveryone(t *testing.T) {
	s, b, sp, sid, idt, rp := signedInEverywhere(t)

	resp, _ := b.get(s.URL() + PathLogout + "?" + url.Values{"id_token_hint": {idt},
		"post_logout_redirect_uri": {"http://127.0.0.1:9/bye"}, "state": {"st"}}.Encode())
	if s.SSOSessionActive(sid) {
		t.Error("session still active")
	}
	if got := rp.got(); len(got) != 1 {
		t.Errorf("%d back-channel tokens", len(got))
	} else if _, c, _ := decodeJWT(t, got[0]); c["sid"] != sid {
		t.Errorf("logout token sid %v", c["sid"])
	}
	// SAML SP first, through the browser.
	resp, body := b.get(answerSLO(t, s, sp, resp.Header.Get("Location"), sid))
	// Then the logged-out page with the front-channel iframe and the way on.
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("logged-out page %d", resp.StatusCode)
	}
	frame := `<iframe src="http://127.0.0.1:9200/fc?` + htmlAttr(url.Values{"iss": {s.Issuer()}, "sid": {sid}, "x": {"1"}}.Encode()) + `"`
	if !strings.Contains(body, frame) || s.FrontchannelLogoutURL("fc", sid) == "" {
		t.Errorf("no front-channel iframe %s in\n%s", frame, body)
	}
	if !strings.Contains(body, `href="http://127.0.0.1:9/bye?state=st"`) {
		t.Errorf("no way on:\n%s", body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-src http: https:") {
		t.Errorf("CSP %s", csp)
	}
	// The browser is signed out: the login page again.
	u, _ := authFor(s, "bc", nil)
	if _, body := b.get(u); !strings.Contains(body, "sessionDataKey") {
		t.Error("still signed in")
	}
}

func TestSSOLogoutFromSAMLSP(t *testing.T) {
	s, b, sp, sid, _, rp := signedInEverywhere(t)
	lu, err := sp.MakeRedirectLogoutRequest(CitizenTechID, "rs-slo")
	if err != nil {
		t.Fatal(err)
	}
	resp, body := b.get(lu.String())
	if s.SSOSessionActive(sid) || len(rp.got()) != 1 {
		t.Fatalf("session active %v, back-channel %d", s.SSOSessionActive(sid), len(rp.got()))
	}
	// No other SAML SP: the page with the iframe, then the LogoutResponse.
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<iframe") {
		t.Fatalf("%d\n%s", resp.StatusCode, body)
	}
	m := regexpNext.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no way on:\n%s", body)
	}
	next, _ := url.Parse(htmlUnescape(m[1]))
	if !strings.HasPrefix(next.String(), testSPSLO+"?") || next.Query().Get("RelayState") != "rs-slo" {
		t.Fatalf("next %s", next)
	}
	if signed, err := verifyRedirectSignature(next.RawQuery, "SAMLResponse", s.SAMLCertificate()); !signed || err != nil {
		t.Errorf("LogoutResponse signature %v %v", signed, err)
	}
	r, _ := http.NewRequest(http.MethodGet, next.String(), nil)
	if err := sp.ValidateLogoutResponseRequest(r); err != nil {
		t.Errorf("crewjam refuses the LogoutResponse: %v", err)
	}
}

func TestSAMLLogoutRequestHelper(t *testing.T) {
	s := newSAMLServer(t)
	u, _ := url.Parse(s.SAMLLogoutRequest(testSPEntity, CitizenTechID, "sid-1", true))
	if signed, err := verifyRedirectSignature(u.RawQuery, "SAMLRequest", s.SAMLCertificate()); !signed || err != nil {
		t.Fatalf("%v %v", signed, err)
	}
	u, _ = url.Parse(s.SAMLLogoutRequest(testSPEntity, CitizenTechID, "sid-1", false))
	if u.Query().Has("Signature") {
		t.Error("unsigned request has a Signature")
	}
	_, form := s.SAMLLogoutRequestPOST(testSPEntity, CitizenTechID, "sid-1", true)
	in, err := decodeSAMLPost(form)
	if err != nil {
		t.Fatal(err)
	}
	idp := SAMLSP{Certificate: s.SAMLCertificate(), RequireSignedRequests: true}
	if _, err := s.verified(in, idp); err != nil {
		t.Errorf("POST LogoutRequest signature: %v", err)
	}
}

var regexpNext = inputRENext

func htmlAttr(s string) string { return strings.ReplaceAll(s, "&", "&amp;") }
