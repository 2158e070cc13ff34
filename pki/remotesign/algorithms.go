package remotesign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/asn1"
	"fmt"
	"slices"
)

// Object identifiers used on the wire. CSC carries algorithms as dotted OID
// strings: hashAlgorithmOID for the digest and signAlgo for the scheme
// (which must be one of the credential's key/algo values).
const (
	oidSHA256 = "2.16.840.1.101.3.4.2.1"
	oidSHA384 = "2.16.840.1.101.3.4.2.2"
	oidSHA512 = "2.16.840.1.101.3.4.2.3"

	oidRSAEncryption = "1.2.840.113549.1.1.1"
	oidRSAPSS        = "1.2.840.113549.1.1.10"
	oidSHA256WithRSA = "1.2.840.113549.1.1.11"
	oidSHA384WithRSA = "1.2.840.113549.1.1.12"
	oidSHA512WithRSA = "1.2.840.113549.1.1.13"
	oidMGF1          = "1.2.840.113549.1.1.8"

	oidECPublicKey     = "1.2.840.10045.2.1"
	oidECDSAWithSHA256 = "1.2.840.10045.4.3.2"
	oidECDSAWithSHA384 = "1.2.840.10045.4.3.3"
	oidECDSAWithSHA512 = "1.2.840.10045.4.3.4"
)

// hashOID returns the OID of a supported digest. SHA-1 is deliberately
// absent: a remote signature over SHA-1 is forgeable by collision.
func hashOID(h crypto.Hash) (string, bool) {
	switch h {
	case crypto.SHA256:
		return oidSHA256, true
	case crypto.SHA384:
		return oidSHA384, true
	case crypto.SHA512:
		return oidSHA512, true
	}
	return "", false
}

// signAlgoCandidates lists the signAlgo OIDs that express (alg, h), best
// first. For PKCS#1 v1.5 the hash-specific OID is preferred; the bare
// rsaEncryption OID (with hashAlgorithmOID beside it) is what many CSC
// services list instead.
func signAlgoCandidates(alg SignAlgorithm, h crypto.Hash) []string {
	switch alg {
	case RSAPKCS1v15:
		switch h {
		case crypto.SHA256:
			return []string{oidSHA256WithRSA, oidRSAEncryption}
		case crypto.SHA384:
			return []string{oidSHA384WithRSA, oidRSAEncryption}
		case crypto.SHA512:
			return []string{oidSHA512WithRSA, oidRSAEncryption}
		}
	case RSAPSS:
		return []string{oidRSAPSS}
	case ECDSA:
		switch h {
		case crypto.SHA256:
			return []string{oidECDSAWithSHA256}
		case crypto.SHA384:
			return []string{oidECDSAWithSHA384}
		case crypto.SHA512:
			return []string{oidECDSAWithSHA512}
		}
	}
	return nil
}

// chooseSignAlgo picks the signAlgo OID for (alg, h) among what the
// credential lists. An empty list (services that omit key/algo) accepts the
// first candidate; the certificate's key type is checked in any case.
func chooseSignAlgo(alg SignAlgorithm, h crypto.Hash, listed []string, pub crypto.PublicKey) (string, error) {
	switch alg {
	case RSAPKCS1v15, RSAPSS:
		if _, ok := pub.(*rsa.PublicKey); !ok {
			return "", fmt.Errorf("%w: %v needs an RSA key", ErrUnsupportedAlgorithm, alg)
		}
	case ECDSA:
		if _, ok := pub.(*ecdsa.PublicKey); !ok {
			return "", fmt.Errorf("%w: ECDSA needs an EC key", ErrUnsupportedAlgorithm)
		}
	}
	cands := signAlgoCandidates(alg, h)
	if len(cands) == 0 {
		return "", fmt.Errorf("%w: %v with %v", ErrUnsupportedAlgorithm, alg, h)
	}
	if len(listed) == 0 {
		return cands[0], nil
	}
	for _, c := range cands {
		if slices.Contains(listed, c) {
			return c, nil
		}
	}
	// Services often list only the key's algorithm (ecPublicKey); the
	// scheme is then implied by the key and the hash.
	if alg == ECDSA && slices.Contains(listed, oidECPublicKey) {
		return cands[0], nil
	}
	return "", fmt.Errorf("%w: %v with %v not among the credential's algorithms", ErrUnsupportedAlgorithm, alg, h)
}

// pssParams is RSASSA-PSS-params (RFC 4055 §3.1), encoded with
// encoding/asn1. Only the fields rpkit sets are present; trailerField keeps
// its default.
type pssParams struct {
	Hash       algorithmIdentifier `asn1:"explicit,tag:0"`
	MGF        mgfIdentifier       `asn1:"explicit,tag:1"`
	SaltLength int                 `asn1:"explicit,tag:2"`
}

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type mgfIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters algorithmIdentifier
}

var asn1Null = asn1.RawValue{Tag: asn1.TagNull}

// encodePSSParams returns the DER signAlgoParams for PSS over h with MGF1(h)
// and a salt of h.Size() bytes — the parameters Go's rsa.VerifyPSS checks
// with PSSSaltLengthEqualsHash.
func encodePSSParams(h crypto.Hash) ([]byte, error) {
	oid, ok := hashOID(h)
	if !ok {
		return nil, fmt.Errorf("%w: PSS with %v", ErrUnsupportedAlgorithm, h)
	}
	hid := algorithmIdentifier{Algorithm: mustOID(oid), Parameters: asn1Null}
	return asn1.Marshal(pssParams{
		Hash:       hid,
		MGF:        mgfIdentifier{Algorithm: mustOID(oidMGF1), Parameters: hid},
		SaltLength: h.Size(),
	})
}

// mustOID parses one of the constants above; a failure is a programming
// error.
func mustOID(s string) asn1.ObjectIdentifier {
	var oid asn1.ObjectIdentifier
	var n int
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			oid = append(oid, n)
			n = 0
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			panic("remotesign: bad OID constant " + s)
		}
		n = n*10 + int(s[i]-'0')
	}
	return oid
}
