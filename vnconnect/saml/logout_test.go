package saml

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// idpLogoutRequest builds the IdP's LogoutRequest element.
func idpLogoutRequest(id string, now time.Time, dest string) *etree.Element {
	r := etree.NewElement("samlp:LogoutRequest")
	r.CreateAttr("xmlns:samlp", nsProtocol)
	r.CreateAttr("xmlns:saml", nsAssertion)
	r.CreateAttr("ID", id)
	r.CreateAttr("Version", "2.0")
	r.CreateAttr("IssueInstant", ts(now))
	r.CreateAttr("NotOnOrAfter", ts(now.Add(5*time.Minute)))
	if dest != "" {
		r.CreateAttr("Destination", dest)
	}
	r.CreateElement("saml:Issuer").SetText(testIdPEntity)
	r.CreateElement("saml:NameID").SetText(testTechID)
	r.CreateElement("samlp:SessionIndex").SetText("sess-1")
	return r
}

// redirectQuery encodes msg for the Redirect binding, signed with k
// unless k is nil; tamper runs on the query before it is returned.
func redirectQuery(param string, compressed []byte, relay string, k *testKey) string {
	q := param + "=" + url.QueryEscape(base64.StdEncoding.EncodeToString(compressed))
	if relay != "" {
		q += "&RelayState=" + url.QueryEscape(relay)
	}
	if k != nil {
		q += "&SigAlg=" + url.QueryEscape(dsig.RSASHA256SignatureMethod)
		sig, err := k.signer().SignString(q)
		if err != nil {
			panic(err)
		}
		q += "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
	}
	return q
}

func sloGET(sp *ServiceProvider, q string) (*IdPLogoutRequest, error) {
	r := httptest.NewRequest(http.MethodGet, testSLO+"?"+q, nil)
	return sp.HandleLogoutRequest(context.Background(), r)
}

func TestHandleLogoutRequestRedirect(t *testing.T) {
	testKeys(t)
	sp := testSP(t)
	q := redirectQuery("SAMLRequest", deflate(xmlOf(idpLogoutRequest("_lr1", testNow, testSLO))), "rs-1", &keyIdP)
	lr, err := sloGET(sp, q)
	if err != nil {
		t.Fatalf("HandleLogoutRequest: %v", err)
	}
	if lr.NameID != testTechID || len(lr.SessionIndexes) != 1 || lr.SessionIndexes[0] != "sess-1" || lr.RelayState != "rs-1" {
		t.Fatalf("got %+v", lr)
	}
	u, err := sp.LogoutResponseURL(context.Background(), lr, true)
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := url.Parse(u)
	m, err := parseRedirect(pu.RawQuery, "SAMLResponse", 1<<16)
	if err != nil {
		t.Fatal(err)
	}
	// The IdP verifies our signature with our metadata certificate.
	if err := keySP.cert.CheckSignature(x509.SHA256WithRSA, []byte(m.signed), m.signature); err != nil {
		t.Fatalf("LogoutResponse signature: %v", err)
	}
	root, _ := parseXML(m.xml)
	if attr(root, "InResponseTo") != "_lr1" || m.relay != "rs-1" {
		t.Fatalf("LogoutResponse = %s relay %q", m.xml, m.relay)
	}
}

func TestHandleLogoutRequestPOST(t *testing.T) {
	testKeys(t)
	sp := testSP(t)
	signed := sign(idpLogoutRequest("_lr2", testNow, testSLO), &keyIdP)
	form := url.Values{"SAMLRequest": {b64(xmlOf(signed))}, "RelayState": {"rs"}}
	r := httptest.NewRequest(http.MethodPost, testSLO, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	lr, err := sp.HandleLogoutRequest(context.Background(), r)
	if err != nil || lr.NameID != testTechID || lr.RelayState != "rs" {
		t.Fatalf("POST LogoutRequest: %v %+v", err, lr)
	}
}

func TestHandleLogoutRequestRefuses(t *testing.T) {
	testKeys(t)
	lr := func(id string) []byte { return xmlOf(idpLogoutRequest(id, testNow, testSLO)) }
	cases := []struct {
		name  string
		query func(sp *ServiceProvider) string
		want  error
	}{
		{"unsigned", func(*ServiceProvider) string {
			return redirectQuery("SAMLRequest", deflate(lr("_u")), "", nil)
		}, ErrSignature},
		{"signed by another key", func(*ServiceProvider) string {
			return redirectQuery("SAMLRequest", deflate(lr("_o")), "", &keyOther)
		}, ErrSignature},
		{"RelayState changed after signing", func(*ServiceProvider) string {
			return strings.Replace(redirectQuery("SAMLRequest", deflate(lr("_rs")), "a", &keyIdP), "RelayState=a", "RelayState=b", 1)
		}, ErrSignature},
		{"SigAlg downgraded to SHA-1", func(*ServiceProvider) string {
			q := redirectQuery("SAMLRequest", deflate(lr("_sha1")), "", &keyIdP)
			return strings.Replace(q, url.QueryEscape(dsig.RSASHA256SignatureMethod), url.QueryEscape(dsig.RSASHA1SignatureMethod), 1)
		}, ErrSignature},
		{"repeated SAMLRequest", func(*ServiceProvider) string {
			return redirectQuery("SAMLRequest", deflate(lr("_dup")), "", &keyIdP) + "&SAMLRequest=x"
		}, ErrMalformed},
		{"deflate bomb", func(sp *ServiceProvider) string {
			// 64 MiB of zeros deflate to ~64 KiB; inflating must stop at
			// MaxMessageBytes, not allocate the lot.
			bomb := deflate(make([]byte, 64<<20))
			return redirectQuery("SAMLRequest", bomb, "", &keyIdP)
		}, ErrTooLarge},
		{"DOCTYPE", func(*ServiceProvider) string {
			return redirectQuery("SAMLRequest", deflate(append([]byte("<!DOCTYPE x>"), lr("_dt")...)), "", &keyIdP)
		}, ErrForbiddenXML},
		{"wrong destination", func(*ServiceProvider) string {
			return redirectQuery("SAMLRequest", deflate(xmlOf(idpLogoutRequest("_d", testNow, "https://other.test/slo"))), "", &keyIdP)
		}, ErrDestination},
		{"expired", func(*ServiceProvider) string {
			return redirectQuery("SAMLRequest", deflate(xmlOf(idpLogoutRequest("_e", testNow.Add(-20*time.Minute), testSLO))), "", &keyIdP)
		}, ErrExpired},
		{"replayed", func(sp *ServiceProvider) string {
			q := redirectQuery("SAMLRequest", deflate(lr("_again")), "", &keyIdP)
			if _, err := sloGET(sp, q); err != nil {
				t.Fatalf("first use: %v", err)
			}
			return q
		}, ErrReplay},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sp := testSP(t)
			_, err := sloGET(sp, tc.query(sp))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSPInitiatedLogout(t *testing.T) {
	testKeys(t)
	sp := testSP(t)
	u, err := sp.LogoutRequestURL(context.Background(), LogoutSession{NameID: testTechID, SessionIndex: "sess-1"}, "/bye")
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := url.Parse(u)
	m, err := parseRedirect(pu.RawQuery, "SAMLRequest", 1<<16)
	if err != nil {
		t.Fatal(err)
	}
	if err := keySP.cert.CheckSignature(x509.SHA256WithRSA, []byte(m.signed), m.signature); err != nil {
		t.Fatalf("LogoutRequest signature: %v", err)
	}
	req, _ := parseXML(m.xml)
	reqID := attr(req, "ID")

	answer := func(inResponseTo string, k *testKey, status string) string {
		r := etree.NewElement("samlp:LogoutResponse")
		r.CreateAttr("xmlns:samlp", nsProtocol)
		r.CreateAttr("xmlns:saml", nsAssertion)
		r.CreateAttr("ID", nextID("_lresp"))
		r.CreateAttr("Version", "2.0")
		r.CreateAttr("IssueInstant", ts(testNow))
		r.CreateAttr("Destination", testSLO)
		r.CreateAttr("InResponseTo", inResponseTo)
		r.CreateElement("saml:Issuer").SetText(testIdPEntity)
		r.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", status)
		return redirectQuery("SAMLResponse", deflate(xmlOf(r)), "", k)
	}
	parse := func(q string) (string, error) {
		return sp.ParseLogoutResponse(context.Background(), httptest.NewRequest(http.MethodGet, testSLO+"?"+q, nil))
	}
	if _, err := parse(answer(reqID, &keyOther, statusSuccess)); !errors.Is(err, ErrSignature) {
		t.Fatalf("forged LogoutResponse: %v", err)
	}
	relay, err := parse(answer(reqID, &keyIdP, statusSuccess))
	if err != nil || relay != "/bye" {
		t.Fatalf("LogoutResponse: %v relay %q", err, relay)
	}
	if _, err := parse(answer(reqID, &keyIdP, statusSuccess)); !errors.Is(err, ErrInResponseTo) {
		t.Fatalf("second LogoutResponse: %v", err)
	}
}
