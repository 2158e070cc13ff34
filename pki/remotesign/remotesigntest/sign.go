package remotesigntest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
)

// OIDs the simulator understands (dotted strings, as CSC sends them).
const (
	oidSHA256          = "2.16.840.1.101.3.4.2.1"
	oidSHA384          = "2.16.840.1.101.3.4.2.2"
	oidSHA512          = "2.16.840.1.101.3.4.2.3"
	oidRSAEncryption   = "1.2.840.113549.1.1.1"
	oidRSAPSS          = "1.2.840.113549.1.1.10"
	oidSHA256WithRSA   = "1.2.840.113549.1.1.11"
	oidSHA384WithRSA   = "1.2.840.113549.1.1.12"
	oidSHA512WithRSA   = "1.2.840.113549.1.1.13"
	oidECPublicKey     = "1.2.840.10045.2.1"
	oidECDSAWithSHA256 = "1.2.840.10045.4.3.2"
	oidECDSAWithSHA384 = "1.2.840.10045.4.3.3"
	oidECDSAWithSHA512 = "1.2.840.10045.4.3.4"
	oidP256            = "1.2.840.10045.3.1.7"
)

var hashByOID = map[string]crypto.Hash{
	oidSHA256: crypto.SHA256, oidSHA384: crypto.SHA384, oidSHA512: crypto.SHA512,
}

// keyAlgos is what credentials/info lists as key/algo for a key.
func keyAlgos(k crypto.Signer) []string {
	if _, ok := k.(*rsa.PrivateKey); ok {
		return []string{oidRSAEncryption, oidSHA256WithRSA, oidSHA384WithRSA, oidSHA512WithRSA, oidRSAPSS}
	}
	return []string{oidECPublicKey, oidECDSAWithSHA256, oidECDSAWithSHA384, oidECDSAWithSHA512}
}

// signHashes signs each digest with key per signAlgo (and hashAlgorithmOID
// or the PSS parameters).
func signHashes(rnd io.Reader, key crypto.Signer, signAlgo, hashOID, params string, hashes [][]byte, p1363 bool) ([][]byte, error) {
	h, ok := hashByOID[hashOID]
	if !ok {
		return nil, errors.New("Invalid parameter hashAlgorithmOID")
	}
	var opts crypto.SignerOpts = h
	switch signAlgo {
	case oidRSAEncryption:
	case oidSHA256WithRSA, oidSHA384WithRSA, oidSHA512WithRSA:
		want := map[string]crypto.Hash{oidSHA256WithRSA: crypto.SHA256, oidSHA384WithRSA: crypto.SHA384, oidSHA512WithRSA: crypto.SHA512}[signAlgo]
		if want != h {
			return nil, errors.New("signAlgo and hashAlgorithmOID disagree")
		}
	case oidRSAPSS:
		pss, err := parsePSSParams(params)
		if err != nil {
			return nil, err
		}
		if pss.Hash != h {
			return nil, errors.New("Invalid parameter signAlgoParams")
		}
		opts = pss
	case oidECDSAWithSHA256, oidECDSAWithSHA384, oidECDSAWithSHA512:
		want := map[string]crypto.Hash{oidECDSAWithSHA256: crypto.SHA256, oidECDSAWithSHA384: crypto.SHA384, oidECDSAWithSHA512: crypto.SHA512}[signAlgo]
		if want != h {
			return nil, errors.New("signAlgo and hashAlgorithmOID disagree")
		}
	default:
		return nil, errors.New("Invalid parameter signAlgo")
	}
	_, isRSA := key.(*rsa.PrivateKey)
	if isRSA != (signAlgo == oidRSAEncryption || signAlgo == oidRSAPSS || signAlgo == oidSHA256WithRSA || signAlgo == oidSHA384WithRSA || signAlgo == oidSHA512WithRSA) {
		return nil, errors.New("Invalid parameter signAlgo")
	}
	out := make([][]byte, len(hashes))
	for i, d := range hashes {
		if len(d) != h.Size() {
			return nil, errors.New("Invalid parameter hashes")
		}
		sig, err := key.Sign(rnd, d, opts)
		if err != nil {
			return nil, err
		}
		if ek, ok := key.(*ecdsa.PrivateKey); ok && p1363 {
			sig, err = derToP1363(ek, sig)
			if err != nil {
				return nil, err
			}
		}
		out[i] = sig
	}
	return out, nil
}

// pssParamsASN1 mirrors RSASSA-PSS-params (RFC 4055).
type pssParamsASN1 struct {
	Hash       algID `asn1:"explicit,tag:0,optional"`
	MGF        mgfID `asn1:"explicit,tag:1,optional"`
	SaltLength int   `asn1:"explicit,tag:2,optional,default:20"`
	Trailer    int   `asn1:"explicit,tag:3,optional,default:1"`
}

type algID struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type mgfID struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters algID
}

// parsePSSParams reads the base64 signAlgoParams for RSASSA-PSS.
func parsePSSParams(b64 string) (*rsa.PSSOptions, error) {
	der, err := decodeB64(b64)
	if err != nil || len(der) == 0 {
		return nil, errors.New("Invalid parameter signAlgoParams")
	}
	var p pssParamsASN1
	rest, err := asn1.Unmarshal(der, &p)
	if err != nil || len(rest) != 0 {
		return nil, errors.New("Invalid parameter signAlgoParams")
	}
	h, ok := hashByOID[p.Hash.Algorithm.String()]
	if !ok {
		return nil, errors.New("Invalid parameter signAlgoParams")
	}
	if p.MGF.Algorithm.String() != "1.2.840.113549.1.1.8" || p.MGF.Parameters.Algorithm.String() != p.Hash.Algorithm.String() {
		return nil, errors.New("Invalid parameter signAlgoParams")
	}
	if p.SaltLength < 0 || p.SaltLength > 512 || p.Trailer != 1 {
		return nil, errors.New("Invalid parameter signAlgoParams")
	}
	return &rsa.PSSOptions{SaltLength: p.SaltLength, Hash: h}, nil
}

// derToP1363 re-encodes an ECDSA DER signature as fixed-width r‖s.
func derToP1363(k *ecdsa.PrivateKey, der []byte) ([]byte, error) {
	var v struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &v); err != nil {
		return nil, fmt.Errorf("remotesigntest: re-encoding ECDSA: %w", err)
	}
	n := (k.Curve.Params().BitSize + 7) / 8
	out := make([]byte, 2*n)
	v.R.FillBytes(out[:n])
	v.S.FillBytes(out[n:])
	return out, nil
}
