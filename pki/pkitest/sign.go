package pkitest

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
)

// oidFreshestCRL is the FreshestCRL extension (RFC 5280 §4.2.1.15), which
// x509.Certificate has no field for.
var oidFreshestCRL = asn1.ObjectIdentifier{2, 5, 29, 46}

// sign completes tmpl (serial, where to check revocation, where to find the
// issuer) and signs it with parent, or self-signs it when parent is nil.
func (p *PKI) sign(tmpl *x509.Certificate, parent *authority, key crypto.Signer, pub crypto.PublicKey) (*x509.Certificate, error) {
	if tmpl.SerialNumber == nil {
		s, err := p.serial()
		if err != nil {
			return nil, err
		}
		tmpl.SerialNumber = s
	}
	issuerCert, issuerKey := tmpl, key
	if parent != nil {
		issuerCert, issuerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(p.cfg.rand, tmpl, issuerCert, pub, issuerKey)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	if parent != nil {
		p.mu.Lock()
		parent.issued[cert.SerialNumber.String()] = true
		p.mu.Unlock()
	}
	return cert, nil
}

// pointAt adds the CRL distribution point, the AIA OCSP and caIssuers URLs
// of parent to tmpl, unless the spec said to leave them out.
func (p *PKI) pointAt(tmpl *x509.Certificate, parent *authority, noCRL, noOCSP bool) {
	if !noCRL {
		tmpl.CRLDistributionPoints = []string{p.crlURL(parent)}
		if parent.delta {
			tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, freshestCRL(p.deltaURL(parent)))
		}
	}
	if !noOCSP {
		tmpl.OCSPServer = []string{p.ocspSrv.URL}
	}
	tmpl.IssuingCertificateURL = []string{p.certURL(parent)}
}

// freshestCRL encodes a FreshestCRL extension with one URI, in the
// CRLDistributionPoints syntax it shares.
func freshestCRL(uri string) pkix.Extension {
	type dpName struct {
		FullName []asn1.RawValue `asn1:"optional,tag:0"`
	}
	type dp struct {
		Name dpName `asn1:"optional,tag:0"`
	}
	gn := asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 6, Bytes: []byte(uri)}
	val, err := asn1.Marshal([]dp{{Name: dpName{FullName: []asn1.RawValue{gn}}}})
	if err != nil {
		panic("pkitest: encoding FreshestCRL: " + err.Error()) // static shape: cannot fail
	}
	return pkix.Extension{Id: oidFreshestCRL, Value: val}
}
