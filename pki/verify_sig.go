package pki

import (
	"crypto/x509"
	"errors"
	"time"
)

// Signature checks for certificates and CRLs, done with crypto/x509's
// Certificate.CheckSignature. That method still accepts SHA-1 (it is the
// low-level call that x509.Verify's CheckSignatureFrom wraps with a SHA-1
// refusal since Go 1.24), so the SHA-1 policy is decided here, before it.

// isSHA1 reports the SHA-1 signature algorithms.
func isSHA1(a x509.SignatureAlgorithm) bool {
	return a == x509.SHA1WithRSA || a == x509.ECDSAWithSHA1 || a == x509.DSAWithSHA1
}

func isDSA(a x509.SignatureAlgorithm) bool {
	return a == x509.DSAWithSHA1 || a == x509.DSAWithSHA256
}

// checkSigned verifies that signer's key signed (tbs, sig) with algo. issued
// is the signing time bound used for the SHA-1 cut-off: the NotBefore of a
// certificate or the thisUpdate of a CRL.
func (v *Verifier) checkSigned(signer *x509.Certificate, algo x509.SignatureAlgorithm, tbs, sig []byte, issued time.Time) error {
	if isDSA(algo) || signer.PublicKeyAlgorithm == x509.DSA {
		return ErrUnsupportedAlgorithm
	}
	switch algo {
	case x509.MD2WithRSA, x509.MD5WithRSA:
		return ErrWeakSignature
	case x509.UnknownSignatureAlgorithm:
		return ErrUnsupportedAlgorithm
	}
	if isSHA1(algo) {
		cut := v.cfg.InsecureAllowSHA1Before
		if cut.IsZero() || !issued.Before(cut) {
			return ErrWeakSignature
		}
	}
	err := signer.CheckSignature(algo, tbs, sig)
	if err == nil {
		return nil
	}
	if errors.Is(err, x509.ErrUnsupportedAlgorithm) {
		return errors.Join(ErrUnsupportedAlgorithm, err)
	}
	return errors.Join(ErrSignature, err)
}

// checkCertSignature verifies child's signature with parent's key.
func (v *Verifier) checkCertSignature(child, parent *x509.Certificate) error {
	return v.checkSigned(parent, child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature, child.NotBefore)
}
