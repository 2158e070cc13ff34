package pki

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"sync"
)

// LoadCertificates parses a PEM bundle (every "CERTIFICATE" block; other
// blocks are skipped) or a single DER certificate, as CAs publish them (.cer,
// .crt, .pem). To trust the VGCA root:
//
//	der, err := os.ReadFile("vgca-root-ca.cer") // from ca.gov.vn, check its fingerprint
//	roots, err := pki.LoadCertificates(der)
//	v, err := pki.NewVerifier(pki.Config{Roots: roots, InsecureAllowSHA1Before: …})
//
// The VGCA root is self-signed with sha1WithRSA. A root's self-signature is
// never checked (a trust anchor is trusted for its name and key, RFC 5280
// §6.1.1), so it loads and anchors chains without any SHA-1 option; only
// certificates signed with SHA-1 below it need InsecureAllowSHA1Before.
//
// Certificates are parsed by crypto/x509, but for one tolerated refusal: a
// CRLDistributionPoints using nameRelativeToCRLIssuer (see certparse.go).
func LoadCertificates(pemOrDER []byte) ([]*x509.Certificate, error) {
	trimmed := bytes.TrimSpace(pemOrDER)
	if !bytes.HasPrefix(trimmed, []byte("-----BEGIN")) {
		// DER is parsed untrimmed: its last bytes may well look like space.
		c, err := parseCertificate(pemOrDER)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCertificateInput, err)
		}
		return []*x509.Certificate{c}, nil
	}
	var out []*x509.Certificate
	rest := trimmed
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := parseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: PEM block %d: %w", ErrCertificateInput, len(out), err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no CERTIFICATE block", ErrCertificateInput)
	}
	return out, nil
}

// certPool indexes certificates by subject name for path building. Add
// every certificate before the first lookup; from then on it is immutable
// and safe for concurrent readers.
type certPool struct {
	byRaw map[string][]*x509.Certificate
	all   []*x509.Certificate

	// byName (by nameKey) is built on the first normalized lookup: most
	// chains have byte-equal names, and normalizing every subject of the
	// pool Verify builds per call showed in its profile.
	nameOnce sync.Once
	byName   map[string][]*x509.Certificate
}

func newCertPool(certs []*x509.Certificate) *certPool {
	p := &certPool{byRaw: make(map[string][]*x509.Certificate, len(certs))}
	for _, c := range certs {
		p.add(c)
	}
	return p
}

func (p *certPool) add(c *x509.Certificate) {
	if c == nil || p.contains(c) {
		return
	}
	p.byRaw[string(c.RawSubject)] = append(p.byRaw[string(c.RawSubject)], c)
	p.all = append(p.all, c)
}

// contains looks among the certificates of c's subject: a short list.
func (p *certPool) contains(c *x509.Certificate) bool {
	if p == nil {
		return false
	}
	for _, x := range p.byRaw[string(c.RawSubject)] {
		if x == c || bytes.Equal(x.Raw, c.Raw) {
			return true
		}
	}
	return false
}

func (p *certPool) bySubject(key string) []*x509.Certificate {
	if p == nil {
		return nil
	}
	p.nameOnce.Do(func() {
		p.byName = make(map[string][]*x509.Certificate, len(p.all))
		for _, c := range p.all {
			k := nameKey(c.RawSubject)
			p.byName[k] = append(p.byName[k], c)
		}
	})
	return p.byName[key]
}

// bySubjectRaw finds certificates whose subject is byte-equal to name.
func (p *certPool) bySubjectRaw(name []byte) []*x509.Certificate {
	if p == nil {
		return nil
	}
	return p.byRaw[string(name)]
}
