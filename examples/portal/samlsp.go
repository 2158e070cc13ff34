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

// newSAMLProvider makes the portal a SAML 2.0 service provider of the dev
// Vnconnect as well: a fresh SP key and self-signed certificate (as a
// relying party registers its own on the Vnconnect console), registered
// with the fake IdP, signed AuthnRequests required.
func newSAMLProvider(fake *vnconnecttest.Server, baseURL string) (web.SAMLProvider, error) {
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
	sp, err := saml.New(saml.Config{
		EntityID:          baseURL + "/saml/metadata",
		ACSURL:            baseURL + "/saml/acs",
		SLOURL:            baseURL + "/saml/slo",
		Key:               key,
		Certificate:       cert,
		IdPMetadata:       fake.SAMLMetadata(),
		SignAuthnRequests: true,
	})
	if err != nil {
		return nil, fmt.Errorf("SAML service provider: %w", err)
	}
	fake.RegisterSAMLServiceProvider(vnconnecttest.SAMLSP{
		EntityID: sp.EntityID(), ACSURL: baseURL + "/saml/acs", SLOURL: baseURL + "/saml/slo",
		Certificate: cert, RequireSignedRequests: true,
	})
	return web.NewSAMLProvider(sp), nil
}
