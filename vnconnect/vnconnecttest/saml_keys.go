package vnconnecttest

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"sync"
	"time"

	dsig "github.com/russellhaering/goxmldsig"
)

// samlKey is a key and its self-signed certificate, as WSO2 publishes its
// keystore's certificate in the SAML metadata.
type samlKey struct {
	priv *rsa.PrivateKey
	cert *x509.Certificate
}

// newSAMLKey wraps priv (generating a 2048-bit key when nil) in a
// self-signed certificate. The validity is wide on both sides so that a
// test clock years away from the wall clock, on either side, still sees a
// valid certificate.
func (s *Server) newSAMLKey(priv *rsa.PrivateKey, cn string) (samlKey, error) {
	if priv == nil {
		var err error
		if priv, err = rsa.GenerateKey(s.randReader(), 2048); err != nil {
			return samlKey{}, fmt.Errorf("vnconnecttest: generate SAML key: %w", err)
		}
	}
	now := s.now()
	serial := new(big.Int).SetBytes(s.randomBytes(16))
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"rpkit vnconnecttest"}, Country: []string{"VN"}},
		NotBefore:             now.AddDate(-5, 0, 0),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(s.randReader(), tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return samlKey{}, fmt.Errorf("vnconnecttest: SAML certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return samlKey{}, err
	}
	return samlKey{priv: priv, cert: cert}, nil
}

// signingContext is goxmldsig's signer for this key: RSA-SHA256, SHA-256
// digests, exclusive C14N without a prefix list (what crewjam and WSO2
// produce and every SP accepts).
func (k samlKey) signingContext() *dsig.SigningContext {
	ctx, err := dsig.NewSigningContext(k.priv, [][]byte{k.cert.Raw})
	if err != nil {
		panic(fmt.Sprintf("vnconnecttest: signing context: %v", err))
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if err := ctx.SetSignatureMethod(dsig.RSASHA256SignatureMethod); err != nil {
		panic(err)
	}
	return ctx
}

// samlKeys holds the IdP's SAML key and, made on first use, the attacker's
// key for SAMLSignedByOtherKey.
type samlKeys struct {
	idp samlKey

	otherOnce sync.Once
	other     samlKey
	otherErr  error
}

// SAMLCertificate is the IdP's signing certificate, the one in its metadata.
func (s *Server) SAMLCertificate() *x509.Certificate { return s.saml.idp.cert }

// otherSAMLKey is a key and certificate nobody trusts, with the same
// subject as the real one so only the key tells them apart.
func (s *Server) otherSAMLKey() samlKey {
	s.saml.otherOnce.Do(func() {
		s.saml.other, s.saml.otherErr = s.newSAMLKey(nil, s.saml.idp.cert.Subject.CommonName)
	})
	if s.saml.otherErr != nil {
		panic(s.saml.otherErr)
	}
	return s.saml.other
}

// samlTime is how SAML writes instants: UTC with milliseconds, which is
// what WSO2 sends. crewjam's types format with their own layout; this is
// for values the fake compares.
func samlTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// initSAML makes the IdP certificate and registers the configured SPs.
func (s *Server) initSAML(cfg Config) error {
	priv := cfg.SAMLSigningKey
	if priv == nil {
		priv = s.keys.current.priv
	}
	k, err := s.newSAMLKey(priv, "vnconnecttest SAML IdP")
	if err != nil {
		return err
	}
	s.saml = &samlKeys{idp: k}
	for _, sp := range cfg.SAMLServiceProviders {
		sp, err := sp.resolve()
		if err != nil {
			return err
		}
		s.samlSPs[sp.EntityID] = sp
	}
	return nil
}
