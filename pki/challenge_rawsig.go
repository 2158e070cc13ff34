package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"math/big"
)

// minRSABits is the smallest RSA key whose signature logs in. VGCA issues
// RSA-2048; anything smaller is a legacy key that no longer protects.
const minRSABits = 2048

// verifyRawSignature checks sig over input with cert's public key. The
// algorithms are RSA PKCS#1 v1.5, RSA-PSS (any salt length: plugins and
// tokens differ) and ECDSA, each with SHA-256, SHA-384 or SHA-512; the zero
// algorithm means SHA-256 with the key's usual scheme.
func verifyRawSignature(cert *x509.Certificate, alg x509.SignatureAlgorithm, input, sig []byte) error {
	if alg == x509.UnknownSignatureAlgorithm {
		switch cert.PublicKey.(type) {
		case *rsa.PublicKey:
			alg = x509.SHA256WithRSA
		case *ecdsa.PublicKey:
			alg = x509.ECDSAWithSHA256
		}
	}
	var h crypto.Hash
	switch alg {
	case x509.SHA256WithRSA, x509.SHA256WithRSAPSS, x509.ECDSAWithSHA256:
		h = crypto.SHA256
	case x509.SHA384WithRSA, x509.SHA384WithRSAPSS, x509.ECDSAWithSHA384:
		h = crypto.SHA384
	case x509.SHA512WithRSA, x509.SHA512WithRSAPSS, x509.ECDSAWithSHA512:
		h = crypto.SHA512
	default:
		return cherr(ErrChallengeSignature, "signature algorithm refused (RSA or ECDSA with SHA-256/384/512 only)", ErrWeakSignature)
	}
	hh := h.New()
	hh.Write(input)
	digest := hh.Sum(nil)

	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if pub.N.BitLen() < minRSABits {
			return cherr(ErrChallengeSignature, "RSA key shorter than 2048 bits", ErrWeakSignature)
		}
		var err error
		switch alg {
		case x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA:
			err = rsa.VerifyPKCS1v15(pub, h, digest, sig)
		case x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS:
			err = rsa.VerifyPSS(pub, h, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto, Hash: h})
		default:
			return cherr(ErrChallengeSignature, "algorithm does not match the RSA key", nil)
		}
		if err != nil {
			return cherr(ErrChallengeSignature, "signature does not verify", err)
		}
		return nil
	case *ecdsa.PublicKey:
		switch alg {
		case x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512:
		default:
			return cherr(ErrChallengeSignature, "algorithm does not match the EC key", nil)
		}
		if ecdsa.VerifyASN1(pub, digest, sig) || verifyECDSAConcat(pub, digest, sig) {
			return nil
		}
		return cherr(ErrChallengeSignature, "signature does not verify", nil)
	}
	return cherr(ErrChallengeSignature, "unsupported public key type", ErrUnsupportedAlgorithm)
}

// verifyECDSAConcat verifies an r‖s signature, the form PKCS#11 (CKM_ECDSA)
// and WebCrypto produce, each half the size of the curve order.
func verifyECDSAConcat(pub *ecdsa.PublicKey, digest, sig []byte) bool {
	n := (pub.Curve.Params().N.BitLen() + 7) / 8
	if len(sig) != 2*n {
		return false
	}
	r := new(big.Int).SetBytes(sig[:n])
	s := new(big.Int).SetBytes(sig[n:])
	return ecdsa.Verify(pub, digest, r, s)
}
