package saml

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// A minimal SAML IdP for unit tests: it builds Responses with etree and
// signs them with goxmldsig, so each test can reshape the XML freely
// (signature wrapping, comments, several assertions) after signing.

const (
	testIdPEntity = "https://idp.test/samlsso"
	testIdPSSO    = "https://idp.test/samlsso"
	testSPEntity  = "https://app.test/saml/metadata"
	testACS       = "https://app.test/saml/acs"
	testSLO       = "https://app.test/saml/slo"
	testTechID    = "6f1c1b2e-9a8d-4c3b-8e7f-0a1b2c3d4e5f"
)

var testNow = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

type testKey struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

var (
	keysOnce sync.Once
	keyIdP   testKey
	keyOther testKey
	keySP    testKey
)

// testKeys loads fixed test-only keys from testdata (generating RSA keys
// on every run, and in every fuzz worker, is slow). Their certificates
// are valid 2024–2045.
func testKeys(t testing.TB) {
	t.Helper()
	keysOnce.Do(func() {
		keyIdP = loadKey("idp")
		keyOther = loadKey("other") // same subject as the IdP, different key: an impostor
		keySP = loadKey("sp")
	})
}

func loadKey(name string) testKey {
	b, err := os.ReadFile(filepath.Join("testdata", name+".pem"))
	if err != nil {
		panic(err)
	}
	var out testKey
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		switch blk.Type {
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
			if err != nil {
				panic(err)
			}
			out.key = k.(*rsa.PrivateKey)
		case "CERTIFICATE":
			if out.cert, err = x509.ParseCertificate(blk.Bytes); err != nil {
				panic(err)
			}
		}
	}
	return out
}

func (k testKey) signer() *dsig.SigningContext {
	sc, err := dsig.NewSigningContext(k.key, [][]byte{k.cert.Raw})
	if err != nil {
		panic(err)
	}
	sc.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if err := sc.SetSignatureMethod(dsig.RSASHA256SignatureMethod); err != nil {
		panic(err)
	}
	return sc
}

func idpMetadata(cert *x509.Certificate) []byte {
	c := base64.StdEncoding.EncodeToString(cert.Raw)
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="` + testIdPEntity + `">
 <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
  <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>` + c + `</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
  <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="` + testIdPSSO + `"/>
  <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="` + testIdPSSO + `"/>
  <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="` + testIdPSSO + `"/>
  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="` + testIdPSSO + `"/>
 </md:IDPSSODescriptor>
</md:EntityDescriptor>`)
}

// mint describes one Response. The zero value of each field means the
// correct value; tests change one thing at a time.
type mint struct {
	now          time.Time
	inResponseTo string
	noIRT        bool
	assertionID  string
	responseID   string
	issuer       string
	audience     string
	recipient    string
	destination  string
	noDest       bool
	nameID       string
	notBefore    time.Time
	notOnOrAfter time.Time
	status       string

	signAssertion bool
	signResponse  bool
	signer        *testKey // default keyIdP
	attrs         [][2]string
}

var idCounter struct {
	sync.Mutex
	n int
}

func nextID(prefix string) string {
	idCounter.Lock()
	defer idCounter.Unlock()
	idCounter.n++
	return prefix + big.NewInt(int64(idCounter.n)).String()
}

func (m mint) defaults() mint {
	if m.now.IsZero() {
		m.now = testNow
	}
	if m.assertionID == "" {
		m.assertionID = nextID("_a")
	}
	if m.responseID == "" {
		m.responseID = nextID("_r")
	}
	if m.issuer == "" {
		m.issuer = testIdPEntity
	}
	if m.audience == "" {
		m.audience = testSPEntity
	}
	if m.recipient == "" {
		m.recipient = testACS
	}
	if m.destination == "" {
		m.destination = testACS
	}
	if m.nameID == "" {
		m.nameID = testTechID
	}
	if m.notBefore.IsZero() {
		m.notBefore = m.now.Add(-30 * time.Second)
	}
	if m.notOnOrAfter.IsZero() {
		m.notOnOrAfter = m.now.Add(5 * time.Minute)
	}
	if m.status == "" {
		m.status = statusSuccess
	}
	if m.signer == nil {
		m.signer = &keyIdP
	}
	if m.attrs == nil {
		m.attrs = [][2]string{
			{"TechID", testTechID},
			{"HoVaTen", "Nguyễn Văn An"},
			{"SoDinhDanh", "001099012345"},
			{"LoaiTaiKhoan", "1"},
			{"loAs", "LoA1"},
			{"loAs", "LoA2"},
		}
	}
	return m
}

func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// assertion builds an unsigned saml:Assertion.
func (m mint) assertion() *etree.Element {
	a := etree.NewElement("saml:Assertion")
	a.CreateAttr("xmlns:saml", nsAssertion)
	a.CreateAttr("ID", m.assertionID)
	a.CreateAttr("Version", "2.0")
	a.CreateAttr("IssueInstant", ts(m.now))
	a.CreateElement("saml:Issuer").SetText(m.issuer)
	subj := a.CreateElement("saml:Subject")
	nid := subj.CreateElement("saml:NameID")
	nid.CreateAttr("Format", nameIDUnspecified)
	nid.SetText(m.nameID)
	sc := subj.CreateElement("saml:SubjectConfirmation")
	sc.CreateAttr("Method", cmBearer)
	scd := sc.CreateElement("saml:SubjectConfirmationData")
	if !m.noIRT && m.inResponseTo != "" {
		scd.CreateAttr("InResponseTo", m.inResponseTo)
	}
	scd.CreateAttr("NotOnOrAfter", ts(m.notOnOrAfter))
	scd.CreateAttr("Recipient", m.recipient)
	c := a.CreateElement("saml:Conditions")
	c.CreateAttr("NotBefore", ts(m.notBefore))
	c.CreateAttr("NotOnOrAfter", ts(m.notOnOrAfter))
	c.CreateElement("saml:AudienceRestriction").CreateElement("saml:Audience").SetText(m.audience)
	as := a.CreateElement("saml:AuthnStatement")
	as.CreateAttr("AuthnInstant", ts(m.now))
	as.CreateAttr("SessionIndex", "sess-"+m.assertionID)
	as.CreateElement("saml:AuthnContext").CreateElement("saml:AuthnContextClassRef").SetText("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
	st := a.CreateElement("saml:AttributeStatement")
	byName := map[string]*etree.Element{}
	for _, kv := range m.attrs {
		at := byName[kv[0]]
		if at == nil {
			at = st.CreateElement("saml:Attribute")
			at.CreateAttr("Name", kv[0])
			byName[kv[0]] = at
		}
		at.CreateElement("saml:AttributeValue").SetText(kv[1])
	}
	return a
}

// sign inserts an enveloped signature right after el's Issuer, where the
// schema puts it.
func sign(el *etree.Element, k *testKey) *etree.Element {
	signed, err := k.signer().SignEnveloped(el)
	if err != nil {
		panic(err)
	}
	sig := signed.Child[len(signed.Child)-1].(*etree.Element)
	out := el.Copy()
	pos := 0
	for i, c := range out.Child {
		if e, ok := c.(*etree.Element); ok && e.Tag == "Issuer" {
			pos = i + 1
		}
	}
	out.InsertChildAt(pos, sig)
	return out
}

// response builds the Response element.
func (m mint) response() *etree.Element {
	m = m.defaults()
	a := m.assertion()
	if m.signAssertion {
		a = sign(a, m.signer)
	}
	r := etree.NewElement("samlp:Response")
	r.CreateAttr("xmlns:samlp", nsProtocol)
	r.CreateAttr("xmlns:saml", nsAssertion)
	r.CreateAttr("ID", m.responseID)
	r.CreateAttr("Version", "2.0")
	r.CreateAttr("IssueInstant", ts(m.now))
	if !m.noDest {
		r.CreateAttr("Destination", m.destination)
	}
	if !m.noIRT && m.inResponseTo != "" {
		r.CreateAttr("InResponseTo", m.inResponseTo)
	}
	iss := r.CreateElement("saml:Issuer")
	iss.SetText(m.issuer)
	r.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", m.status)
	// The assertion declared xmlns:saml itself; drop the duplicate so the
	// signed bytes stay exactly what was signed.
	r.AddChild(a)
	if m.signResponse {
		r = sign(r, m.signer)
	}
	return r
}

func xmlOf(el *etree.Element) []byte {
	doc := etree.NewDocument()
	doc.SetRoot(el.Copy())
	b, err := doc.WriteToBytes()
	if err != nil {
		panic(err)
	}
	return b
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// testSP builds an SP trusting keyIdP with a fixed clock.
func testSP(t testing.TB, mods ...func(*Config)) *ServiceProvider {
	t.Helper()
	testKeys(t)
	cfg := Config{
		EntityID:    testSPEntity,
		ACSURL:      testACS,
		SLOURL:      testSLO,
		Key:         keySP.key,
		Certificate: keySP.cert,
		IdPMetadata: idpMetadata(keyIdP.cert),
		Clock:       func() time.Time { return testNow },
	}
	for _, m := range mods {
		m(&cfg)
	}
	sp, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return sp
}

// pending starts a login and returns its request ID.
func pending(t testing.TB, sp *ServiceProvider) string {
	t.Helper()
	_, id, err := sp.AuthnRequestURL(context.Background(), "/after")
	if err != nil {
		t.Fatalf("AuthnRequestURL: %v", err)
	}
	return id
}

// post submits a SAMLResponse to the ACS.
func post(t testing.TB, sp *ServiceProvider, samlResponse string) (*Assertion, error) {
	t.Helper()
	form := url.Values{"SAMLResponse": {samlResponse}}
	r := httptest.NewRequest(http.MethodPost, testACS, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return sp.ParseResponse(context.Background(), r)
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

func xmlUnmarshal(b []byte, v any) error { return xml.Unmarshal(b, v) }
