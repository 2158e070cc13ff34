package token

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
)

// The signature formats the token does not produce itself. CKM_RSA_PKCS
// pads whatever it is given, so PKCS#1 v1.5 needs the DigestInfo built here;
// CKM_ECDSA returns r||s, while crypto.Signer promises ASN.1 DER.

var hashOIDs = map[crypto.Hash]asn1.ObjectIdentifier{
	crypto.SHA224: {2, 16, 840, 1, 101, 3, 4, 2, 4},
	crypto.SHA256: {2, 16, 840, 1, 101, 3, 4, 2, 1},
	crypto.SHA384: {2, 16, 840, 1, 101, 3, 4, 2, 2},
	crypto.SHA512: {2, 16, 840, 1, 101, 3, 4, 2, 3},
}

// checkDigest refuses a digest whose length does not fit the hash (a
// wrong-length input would be signed as-is by the token) and hashes outside
// SHA-2: SHA-1 must not be used for new signatures. Hash 0 means the caller
// vouches for the input, as crypto/rsa and crypto/ecdsa allow.
func checkDigest(digest []byte, h crypto.Hash) error {
	if h == 0 {
		return nil
	}
	if _, ok := hashOIDs[h]; !ok {
		return fmt.Errorf("%w: hash %v", ErrUnsupported, h)
	}
	if len(digest) != h.Size() {
		return fmt.Errorf("token: digest is %d bytes, %v needs %d", len(digest), h, h.Size())
	}
	return nil
}

// digestInfo returns the DER DigestInfo (RFC 8017 §9.2) of digest. Hash 0
// means the caller already built it, as crypto/rsa.SignPKCS1v15 allows.
func digestInfo(h crypto.Hash, digest []byte) ([]byte, error) {
	if h == 0 {
		return digest, nil
	}
	if err := checkDigest(digest, h); err != nil {
		return nil, err
	}
	oid := hashOIDs[h]
	return asn1.Marshal(struct {
		Algorithm pkix.AlgorithmIdentifier
		Digest    []byte
	}{pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.NullRawValue}, digest})
}

// pssSaltLength resolves opts.SaltLength the way crypto/rsa.SignPSS does,
// so that a token signature and a software one are interchangeable:
// PSSSaltLengthAuto → the largest salt the key allows.
func pssSaltLength(opts *rsa.PSSOptions, pub *rsa.PublicKey) (int, error) {
	h := opts.HashFunc()
	if h == 0 {
		return 0, fmt.Errorf("%w: PSS without a hash", ErrUnsupported)
	}
	switch opts.SaltLength {
	case rsa.PSSSaltLengthEqualsHash:
		return h.Size(), nil
	case rsa.PSSSaltLengthAuto:
		emLen := (pub.N.BitLen() - 1 + 7) / 8
		n := emLen - 2 - h.Size()
		if n < 0 {
			return 0, fmt.Errorf("token: RSA key too small for PSS with %v", h)
		}
		return n, nil
	default:
		if opts.SaltLength < 0 {
			return 0, fmt.Errorf("token: invalid PSS salt length %d", opts.SaltLength)
		}
		return opts.SaltLength, nil
	}
}

// ecdsaDER turns a CKM_ECDSA signature (r||s, each half the same length)
// into the ASN.1 Ecdsa-Sig-Value that crypto/ecdsa.VerifyASN1 expects.
func ecdsaDER(raw []byte) ([]byte, error) {
	if len(raw) == 0 || len(raw)%2 != 0 {
		return nil, fmt.Errorf("token: ECDSA signature of odd length %d", len(raw))
	}
	n := len(raw) / 2
	return asn1.Marshal(struct{ R, S *big.Int }{
		new(big.Int).SetBytes(raw[:n]),
		new(big.Int).SetBytes(raw[n:]),
	})
}
