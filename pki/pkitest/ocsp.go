package pkitest

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"

	"golang.org/x/crypto/ocsp"
)

// oidOCSPNoCheck is id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): a delegated
// responder's own certificate is not checked for revocation.
var oidOCSPNoCheck = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}

// OCSPResponse returns the DER response the responder would give now for
// cert, faults and the delegation setting included: for stapling, or for
// checking a response offline. It panics if this PKI did not issue cert.
func (p *PKI) OCSPResponse(cert *x509.Certificate) []byte {
	a := p.issuerOf(cert)
	if a == nil {
		panic("pkitest: OCSPResponse for a certificate this PKI did not issue")
	}
	der, err := p.ocspAnswer(a, cert.SerialNumber, crypto.SHA1)
	if err != nil {
		panic("pkitest: signing OCSP response: " + err.Error())
	}
	return der
}

// OCSPResponder returns the delegated responder certificate of ca (made on
// first use), the one that signs when delegation is on.
func (p *PKI) OCSPResponder(ca *x509.Certificate) *x509.Certificate {
	sc, err := p.delegate(p.mustAuthority(ca), true)
	if err != nil {
		panic("pkitest: making OCSP responder: " + err.Error())
	}
	return sc.cert
}

// respondOCSP answers one DER request. Malformed requests and requests for
// another CA get the protocol's error responses, as a real responder does.
func (p *PKI) respondOCSP(raw []byte) ([]byte, error) {
	req, err := ocsp.ParseRequest(raw)
	if err != nil {
		return ocsp.MalformedRequestErrorResponse, nil
	}
	for _, a := range []*authority{p.sub, p.root} {
		if matchesIssuer(req, a.cert) {
			return p.ocspAnswer(a, req.SerialNumber, req.HashAlgorithm)
		}
	}
	return ocsp.UnauthorizedErrorResponse, nil
}

// matchesIssuer compares the request's issuer name and key hashes with ca.
func matchesIssuer(req *ocsp.Request, ca *x509.Certificate) bool {
	if !req.HashAlgorithm.Available() {
		return false
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(ca.RawSubjectPublicKeyInfo, &spki); err != nil {
		return false
	}
	h := req.HashAlgorithm.New()
	h.Write(spki.PublicKey.RightAlign())
	keyHash := h.Sum(nil)
	h = req.HashAlgorithm.New()
	h.Write(ca.RawSubject)
	return bytes.Equal(keyHash, req.IssuerKeyHash) && bytes.Equal(h.Sum(nil), req.IssuerNameHash)
}

// ocspAnswer signs a's status for serial as of now.
func (p *PKI) ocspAnswer(a *authority, serial *big.Int, hash crypto.Hash) ([]byte, error) {
	now := p.now()
	tmpl := ocsp.Response{
		Status:       ocsp.Unknown,
		SerialNumber: serial,
		ThisUpdate:   now,
		NextUpdate:   now.Add(p.cfg.ocspValidity),
		IssuerHash:   hash,
	}
	p.mu.Lock()
	if r, ok := a.isRevoked(serial); ok {
		tmpl.Status = ocsp.Revoked
		tmpl.RevokedAt = r.at
		tmpl.RevocationReason = r.reason
	} else if a.issued[serial.String()] {
		tmpl.Status = ocsp.Good
	}
	faults, delegated := p.faults, p.delegatedOCSP
	p.mu.Unlock()

	if faults&FaultStaleOCSP != 0 {
		tmpl.ThisUpdate = now.Add(-2 * p.cfg.ocspValidity)
		tmpl.NextUpdate = now.Add(-p.cfg.ocspValidity)
	}
	signer := &signerCert{cert: a.cert, key: a.key}
	var err error
	switch {
	case faults&FaultOCSPWrongKey != 0:
		signer, err = p.rogueResponder()
	case faults&FaultOCSPDelegateNoEKU != 0:
		signer, err = p.delegate(a, false)
	case delegated:
		signer, err = p.delegate(a, true)
	}
	if err != nil {
		return nil, err
	}
	if signer.cert != a.cert {
		tmpl.Certificate = signer.cert // a delegate must ship its certificate
	}
	return ocsp.CreateResponse(a.cert, signer.cert, tmpl, signer.key)
}

// delegate returns a's delegated responder, with the OCSPSigning EKU or,
// for FaultOCSPDelegateNoEKU, without it.
func (p *PKI) delegate(a *authority, withEKU bool) (*signerCert, error) {
	slot := &a.noEKUResponder
	if withEKU {
		slot = &a.responder
	}
	return p.lazySigner(slot, func() (*signerCert, error) {
		now := p.now()
		tmpl := &x509.Certificate{
			Subject:               pkix.Name{CommonName: "OCSP Responder " + a.cert.Subject.CommonName, Country: []string{"VN"}},
			NotBefore:             now.Add(-leafBackdate),
			NotAfter:              now.Add(responderLife),
			KeyUsage:              x509.KeyUsageDigitalSignature,
			BasicConstraintsValid: true,
			ExtraExtensions:       []pkix.Extension{{Id: oidOCSPNoCheck, Value: asn1.NullBytes}},
		}
		if withEKU {
			tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}
		} else {
			tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		}
		return p.newSigner(tmpl, a)
	})
}

// rogueResponder is a self-signed responder no CA of the PKI vouches for.
func (p *PKI) rogueResponder() (*signerCert, error) {
	return p.lazySigner(&p.rogue, func() (*signerCert, error) {
		now := p.now()
		return p.newSigner(&x509.Certificate{
			Subject:               pkix.Name{CommonName: "pkitest rogue OCSP responder", Country: []string{"VN"}},
			NotBefore:             now.Add(-leafBackdate),
			NotAfter:              now.Add(responderLife),
			KeyUsage:              x509.KeyUsageDigitalSignature,
			ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning},
			BasicConstraintsValid: true,
		}, nil)
	})
}

func (p *PKI) newSigner(tmpl *x509.Certificate, parent *authority) (*signerCert, error) {
	key, err := p.nextKey(RSA2048)
	if err != nil {
		return nil, err
	}
	cert, err := p.sign(tmpl, parent, key, key.Public())
	if err != nil {
		return nil, err
	}
	return &signerCert{cert: cert, key: key}, nil
}

// lazySigner fills *slot once. Two racing callers may both build one; the
// first stored wins, and the loser's certificate is simply never used.
func (p *PKI) lazySigner(slot **signerCert, build func() (*signerCert, error)) (*signerCert, error) {
	p.mu.Lock()
	sc := *slot
	p.mu.Unlock()
	if sc != nil {
		return sc, nil
	}
	sc, err := build()
	if err != nil {
		return nil, err
	}
	if sc == nil {
		return nil, errors.New("pkitest: no signer built")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if *slot == nil {
		*slot = sc
	}
	return *slot, nil
}
