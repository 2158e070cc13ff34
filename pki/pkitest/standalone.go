package pkitest

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net/http/httptest"
	"strconv"
)

// New is NewPKI without a test, for demos and tools that run a test PKI
// outside `go test` (examples/portal issues its agencies' certificates
// with it). The caller must Close it. NOT FOR PRODUCTION, as the package
// doc says.
func New(opts ...Option) (*PKI, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	p := &PKI{cfg: cfg, delegatedOCSP: cfg.delegatedOCSP,
		tag:  "pkitest-" + strconv.FormatInt(instances.Add(1), 10),
		stop: make(chan struct{}), ready: make(chan struct{})}
	p.crlSrv = httptest.NewServer(p.repositoryHandler())
	p.ocspSrv = httptest.NewServer(p.ocspHandler())
	if err := p.buildCAs(); err != nil {
		p.Close()
		return nil, err
	}
	// The servers started before the CAs existed (certificates name their
	// URLs); closing ready publishes the CAs to the handler goroutines.
	close(p.ready)
	return p, nil
}

// buildCAs makes the root and the sub-CA.
func (p *PKI) buildCAs() error {
	now := p.now()
	rootKey, err := p.nextKey(RSA2048)
	if err != nil {
		return fmt.Errorf("pkitest: generating %v key: %w", RSA2048, err)
	}
	rootTmpl := &x509.Certificate{
		Subject:               p.caName(RootCommonName),
		NotBefore:             now.Add(-caBackdate),
		NotAfter:              now.Add(rootLifetime),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	if p.cfg.sha1Root {
		rootTmpl.SignatureAlgorithm = x509.SHA1WithRSA
	}
	rootCert, err := p.sign(rootTmpl, nil, rootKey, rootKey.Public())
	if err != nil {
		return fmt.Errorf("pkitest: signing %q: %w", RootCommonName, err)
	}
	p.root = newAuthority("root", rootCert, rootKey, nil)

	subKey, err := p.nextKey(RSA2048)
	if err != nil {
		return fmt.Errorf("pkitest: generating %v key: %w", RSA2048, err)
	}
	subTmpl := &x509.Certificate{
		Subject:               p.caName(SubCACommonName),
		NotBefore:             now.Add(-caBackdate),
		NotAfter:              now.Add(subCALifetime),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	if p.cfg.sha1SubCA {
		subTmpl.SignatureAlgorithm = x509.SHA1WithRSA
	}
	p.pointAt(subTmpl, p.root, false, false)
	subCert, err := p.sign(subTmpl, p.root, subKey, subKey.Public())
	if err != nil {
		return fmt.Errorf("pkitest: signing %q: %w", SubCACommonName, err)
	}
	p.sub = newAuthority("subca", subCert, subKey, p.root)
	if p.cfg.deltaCRL {
		// The first base CRL, empty, published with the CA.
		p.sub.delta = true
		p.sub.publishBase(now)
	}
	return nil
}

// IssueLeaf signs a certificate for spec, as Issue does, returning an
// error instead of failing a test. It panics on an unknown KeyType.
func (p *PKI) IssueLeaf(spec LeafSpec) (*Leaf, error) {
	key := spec.Key
	if key == nil {
		var err error
		if key, err = p.nextKey(spec.KeyType); err != nil {
			return nil, fmt.Errorf("pkitest: generating %v key: %w", spec.KeyType, err)
		}
	}
	now := p.now()
	tmpl := &x509.Certificate{
		Subject:               spec.Subject,
		EmailAddresses:        spec.EmailAddresses,
		NotBefore:             spec.NotBefore,
		NotAfter:              spec.NotAfter,
		KeyUsage:              spec.KeyUsage,
		ExtKeyUsage:           spec.EKUs,
		BasicConstraintsValid: true,
	}
	if len(tmpl.Subject.Names) == 0 && tmpl.Subject.CommonName == "" && len(tmpl.Subject.ExtraNames) == 0 {
		tmpl.Subject = pkix.Name{CommonName: "pkitest leaf", Country: []string{"VN"}}
	}
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore = now.Add(-leafBackdate)
	}
	if tmpl.NotAfter.IsZero() {
		tmpl.NotAfter = now.Add(leafLifetime)
	}
	if tmpl.KeyUsage == 0 {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	}
	switch {
	case spec.NoEKU:
		tmpl.ExtKeyUsage = nil
	case tmpl.ExtKeyUsage == nil:
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageEmailProtection}
	}
	if spec.SHA1 {
		tmpl.SignatureAlgorithm = x509.SHA1WithRSA
	}
	parent := p.sub
	if spec.ByRoot {
		parent = p.root
	}
	p.pointAt(tmpl, parent, spec.NoCRLDP, spec.NoOCSP)
	if spec.Modify != nil {
		spec.Modify(tmpl)
	}
	cert, err := p.sign(tmpl, parent, parent.key, key.Public())
	if err != nil {
		return nil, fmt.Errorf("pkitest: issuing %q: %w", tmpl.Subject.CommonName, err)
	}
	chain := []*x509.Certificate{cert}
	for a := parent; a != nil; a = a.parent {
		chain = append(chain, a.cert)
	}
	return &Leaf{Cert: cert, Key: key, Chain: chain}, nil
}
