package vnconnecttest

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/xml"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
)

const (
	testSPEntity = "http://127.0.0.1:9100/saml/metadata"
	testSPACS    = "http://127.0.0.1:9100/saml/acs"
	testSPSLO    = "http://127.0.0.1:9100/saml/slo"
)

var (
	spCertOnce sync.Once
	spCert     *x509.Certificate
)

// testSPCert is a self-signed certificate on the shared test key, valid
// around both the wall clock and the test clock.
func testSPCert(t testing.TB) (*rsa.PrivateKey, *x509.Certificate) {
	key := sharedKey(t)
	spCertOnce.Do(func() {
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "test SP"},
			NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Now().AddDate(10, 0, 0),
		}
		der, err := x509.CreateCertificate(nil, tmpl, tmpl, &key.PublicKey, key)
		if err == nil {
			spCert, _ = x509.ParseCertificate(der)
		}
	})
	if spCert == nil {
		t.Fatal("no SP certificate")
	}
	return key, spCert
}

// crewjamSP is crewjam's own ServiceProvider (not rpkit's), trusting the
// fake's metadata. sign makes it sign its AuthnRequests.
func crewjamSP(t *testing.T, s *Server, sign bool) *saml.ServiceProvider {
	t.Helper()
	key, cert := testSPCert(t)
	var md saml.EntityDescriptor
	if err := xml.Unmarshal(s.SAMLMetadata(), &md); err != nil {
		t.Fatal(err)
	}
	mustURL := func(s string) url.URL { u, _ := url.Parse(s); return *u }
	sp := &saml.ServiceProvider{
		EntityID: testSPEntity, Key: key, Certificate: cert,
		MetadataURL: mustURL(testSPEntity), AcsURL: mustURL(testSPACS), SloURL: mustURL(testSPSLO),
		IDPMetadata: &md,
	}
	if sign {
		sp.SignatureMethod = dsig.RSASHA256SignatureMethod
	}
	return sp
}

// acsRequest is the browser's POST of form to the ACS, as crewjam's
// ParseResponse wants it.
func acsRequest(acs string, form url.Values) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, acs, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_ = r.ParseForm()
	return r
}

// decodeResponse parses a base64 SAMLResponse into etree.
func decodeResponse(t *testing.T, b64 string) *etree.Document {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		t.Fatal(err)
	}
	return doc
}

// newSAMLServer is a test server on the wall clock (crewjam's SP checks
// times against it) with the test SP registered.
func newSAMLServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	_, cert := testSPCert(t)
	opts = append([]Option{WithSigningKey(sharedKey(t)), WithSAMLServiceProvider(SAMLSP{
		EntityID: testSPEntity, ACSURL: testSPACS, SLOURL: testSPSLO, Certificate: cert,
	})}, opts...)
	return NewServer(t, opts...)
}

func xmlBytes(t *testing.T, el *etree.Element) []byte {
	t.Helper()
	doc := etree.NewDocument()
	doc.SetRoot(el)
	b, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
