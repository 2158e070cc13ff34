package remotesign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/asn1"
	"fmt"
	"math/big"
)

// verifySignatures checks every signature against pub before the caller
// sees it. A remote service is trusted to hold the key, not to return the
// right bytes: a wrong or swapped signature is caught here rather than in a
// document months later. ECDSA signatures in IEEE P1363 form (r‖s), which
// some services return, are converted to DER, so callers always get DER.
func verifySignatures(pub crypto.PublicKey, alg SignAlgorithm, h crypto.Hash, hashes, sigs [][]byte) ([][]byte, error) {
	out := make([][]byte, len(sigs))
	for i, sig := range sigs {
		switch alg {
		case RSAPKCS1v15, RSAPSS:
			k, ok := pub.(*rsa.PublicKey)
			if !ok {
				return nil, fmt.Errorf("%w: certificate key is not RSA", ErrUnsupportedAlgorithm)
			}
			var err error
			if alg == RSAPKCS1v15 {
				err = rsa.VerifyPKCS1v15(k, h, hashes[i], sig)
			} else {
				err = rsa.VerifyPSS(k, h, hashes[i], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h})
			}
			if err != nil {
				return nil, fmt.Errorf("%w: signature %d", ErrBadSignature, i)
			}
			out[i] = sig
		case ECDSA:
			k, ok := pub.(*ecdsa.PublicKey)
			if !ok {
				return nil, fmt.Errorf("%w: certificate key is not EC", ErrUnsupportedAlgorithm)
			}
			der := sig
			if !ecdsa.VerifyASN1(k, hashes[i], der) {
				conv, ok := p1363ToDER(k, sig)
				if !ok || !ecdsa.VerifyASN1(k, hashes[i], conv) {
					return nil, fmt.Errorf("%w: signature %d", ErrBadSignature, i)
				}
				der = conv
			}
			out[i] = der
		default:
			return nil, fmt.Errorf("%w: %v", ErrUnsupportedAlgorithm, alg)
		}
	}
	return out, nil
}

// p1363ToDER re-encodes a fixed-width r‖s signature as an ASN.1
// Ecdsa-Sig-Value.
func p1363ToDER(k *ecdsa.PublicKey, sig []byte) ([]byte, bool) {
	n := (k.Curve.Params().BitSize + 7) / 8
	if len(sig) != 2*n {
		return nil, false
	}
	der, err := asn1.Marshal(struct{ R, S *big.Int }{
		new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:]),
	})
	return der, err == nil
}
