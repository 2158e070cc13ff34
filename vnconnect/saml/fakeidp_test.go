package saml_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/saml"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
)

var (
	spKeyOnce sync.Once
	spKey     *rsa.PrivateKey
	spCert    *x509.Certificate
)

func spKeyPair(t testing.TB) (*rsa.PrivateKey, *x509.Certificate) {
	spKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "pakn.test"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
		if err != nil {
			panic(err)
		}
		spKey = k
		spCert, _ = x509.ParseCertificate(der)
	})
	return spKey, spCert
}

// newFakeSP registers an SP with the fake Vnconnect and builds it from
// the fake's published metadata URL.
func newFakeSP(t *testing.T, idp *vnconnecttest.Server, sign bool, mods ...func(*saml.Config)) *saml.ServiceProvider {
	t.Helper()
	key, cert := spKeyPair(t)
	cfg := saml.Config{
		EntityID:          "http://127.0.0.1/pakn",
		ACSURL:            "http://127.0.0.1/pakn/saml/acs",
		SLOURL:            "http://127.0.0.1/pakn/saml/slo",
		Key:               key,
		Certificate:       cert,
		IdPMetadataURL:    idp.SAMLMetadataURL(),
		SignAuthnRequests: sign,
	}
	for _, m := range mods {
		m(&cfg)
	}
	sp, err := saml.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	md, err := sp.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	idp.RegisterSAMLServiceProvider(vnconnecttest.SAMLSP{MetadataXML: md, RequireSignedRequests: sign})
	return sp
}

func TestLoginAgainstFakeVnconnect(t *testing.T) {
	for _, sign := range []bool{false, true} {
		t.Run(map[bool]string{false: "unsigned request", true: "signed request"}[sign], func(t *testing.T) {
			idp := vnconnecttest.NewServer(t)
			sp := newFakeSP(t, idp, sign)
			ctx := context.Background()

			// The browser asks to log in…
			w := httptest.NewRecorder()
			if err := sp.AuthnRequest(ctx, w, httptest.NewRequest(http.MethodGet, "http://127.0.0.1/pakn/login", nil), "/ho-so"); err != nil {
				t.Fatal(err)
			}
			cookies := w.Result().Cookies()
			// …the fake IdP logs the citizen in and answers…
			acs, form, err := idp.SAMLLogin(ctx, w.Header().Get("Location"), vnconnecttest.CitizenTechID)
			if err != nil {
				t.Fatalf("SAMLLogin: %v", err)
			}
			if acs != "http://127.0.0.1/pakn/saml/acs" {
				t.Fatalf("ACS = %s", acs)
			}
			// …and the browser posts the response back with its cookie.
			r := httptest.NewRequest(http.MethodPost, acs, strings.NewReader(form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, c := range cookies {
				r.AddCookie(c)
			}
			a, err := sp.ParseResponse(ctx, r)
			if err != nil {
				t.Fatalf("ParseResponse: %v", err)
			}
			acct, _ := idp.Account(vnconnecttest.CitizenTechID)
			id := a.Identity
			if id.TechID != vnconnecttest.CitizenTechID || id.FullName != acct.FullName || id.CCCD == nil || id.CCCD.String() != acct.SoDinhDanh {
				t.Errorf("identity = %+v", id)
			}
			if id.AccountType != vnconnect.AccountCitizen || a.RelayState != "/ho-so" || a.SessionIndex == "" {
				t.Errorf("assertion = %+v", a)
			}
			if len(id.Problems) > 0 {
				t.Errorf("problems: %v", id.Problems)
			}

			// The same response again is a replay.
			r2 := httptest.NewRequest(http.MethodPost, acs, strings.NewReader(form.Encode()))
			r2.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if _, err := sp.ParseResponse(ctx, r2); !errors.Is(err, saml.ErrReplay) {
				t.Errorf("replay: err = %v", err)
			}
		})
	}
}

func TestFakeVnconnectFaults(t *testing.T) {
	idp := vnconnecttest.NewServer(t)
	sp := newFakeSP(t, idp, false)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		opt  vnconnecttest.SAMLOption
		want error
	}{
		{"unsigned", vnconnecttest.SAMLUnsigned(), saml.ErrSignature},
		{"signed by another key", vnconnecttest.SAMLSignedByOtherKey(), saml.ErrSignature},
		{"expired", vnconnecttest.SAMLExpired(), saml.ErrExpired},
		{"not yet valid", vnconnecttest.SAMLNotYetValid(), saml.ErrNotYetValid},
		{"wrong audience", vnconnecttest.SAMLWrongAudience(), saml.ErrAudience},
		{"wrong recipient", vnconnecttest.SAMLWrongRecipient(), saml.ErrRecipient},
		{"wrong destination", vnconnecttest.SAMLWrongDestination(), saml.ErrDestination},
		{"wrong issuer", vnconnecttest.SAMLWrongIssuer(), saml.ErrIssuer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, id, err := sp.AuthnRequestURL(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			b64 := idp.SAMLResponse("http://127.0.0.1/pakn", vnconnecttest.CitizenTechID, vnconnecttest.SAMLInResponseTo(id), tc.opt)
			r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/pakn/saml/acs", strings.NewReader("SAMLResponse="+urlEscape(b64)))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if _, err := sp.ParseResponse(ctx, r); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func urlEscape(s string) string {
	return strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(s)
}
