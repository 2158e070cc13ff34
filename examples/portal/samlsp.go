package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect/saml"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// samlIdentity is the portal's SAML 2.0 service provider as Vnconnect
// knows it: an entity ID and a key pair. It is made once per run, and every
// replica of the portal signs with the same key under the same entity ID,
// as replicas of one registered SP must.
type samlIdentity struct {
	baseURL string
	key     *rsa.PrivateKey
	cert    *x509.Certificate
}

// newSAMLIdentity makes the portal a SAML 2.0 service provider of the dev
// Vnconnect as well: a fresh SP key and self-signed certificate (as a
// relying party registers its own on the Vnconnect console), registered
// with the fake IdP, signed AuthnRequests required.
func newSAMLIdentity(fake *vnconnecttest.Server, baseURL string) (*samlIdentity, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      pkix.Name{CommonName: baseURL + "/saml/metadata", Organization: []string{"rpkit demo"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	fake.RegisterSAMLServiceProvider(vnconnecttest.SAMLSP{
		EntityID: baseURL + "/saml/metadata", ACSURL: baseURL + "/saml/acs", SLOURL: baseURL + "/saml/slo",
		Certificate: cert, RequireSignedRequests: true,
	})
	return &samlIdentity{baseURL: baseURL, key: key, cert: cert}, nil
}

// provider is one instance's service provider. Its pending requests and
// replay cache are in st: shared (Redis) across replicas, so the IdP's
// answer may land on any of them; zero stores mean per-process memory.
func (id *samlIdentity) provider(fake *vnconnecttest.Server, st stores) (web.SAMLProvider, error) {
	sp, err := saml.New(saml.Config{
		EntityID:          id.baseURL + "/saml/metadata",
		ACSURL:            id.baseURL + "/saml/acs",
		SLOURL:            id.baseURL + "/saml/slo",
		Key:               id.key,
		Certificate:       id.cert,
		IdPMetadata:       fake.SAMLMetadata(),
		SignAuthnRequests: true,
		Requests:          st.SAMLRequests,
		Replay:            st.Replay,
	})
	if err != nil {
		return nil, fmt.Errorf("SAML service provider: %w", err)
	}
	return web.NewSAMLProvider(sp), nil
}
