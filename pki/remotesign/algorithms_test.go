package remotesign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"errors"
	"testing"
)

// TestChooseSignAlgo pins which signAlgo is sent for what a credential
// lists.
func TestChooseSignAlgo(t *testing.T) {
	rsaPub := &rsa.PublicKey{}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPub := &ecKey.PublicKey
	cases := []struct {
		alg    SignAlgorithm
		h      crypto.Hash
		listed []string
		pub    crypto.PublicKey
		want   string
		err    error
	}{
		{RSAPKCS1v15, crypto.SHA256, nil, rsaPub, oidSHA256WithRSA, nil},
		{RSAPKCS1v15, crypto.SHA384, []string{oidRSAEncryption}, rsaPub, oidRSAEncryption, nil},
		{RSAPKCS1v15, crypto.SHA512, []string{oidRSAEncryption, oidSHA512WithRSA}, rsaPub, oidSHA512WithRSA, nil},
		{RSAPSS, crypto.SHA256, []string{oidRSAEncryption}, rsaPub, "", ErrUnsupportedAlgorithm},
		{RSAPSS, crypto.SHA256, []string{oidRSAPSS}, rsaPub, oidRSAPSS, nil},
		{ECDSA, crypto.SHA384, []string{oidECPublicKey}, ecPub, oidECDSAWithSHA384, nil},
		{ECDSA, crypto.SHA256, []string{oidECDSAWithSHA512}, ecPub, "", ErrUnsupportedAlgorithm},
		{ECDSA, crypto.SHA256, nil, rsaPub, "", ErrUnsupportedAlgorithm},
		{RSAPKCS1v15, crypto.SHA256, nil, ecPub, "", ErrUnsupportedAlgorithm},
		{RSAPKCS1v15, crypto.SHA1, nil, rsaPub, "", ErrUnsupportedAlgorithm},
	}
	for i, tc := range cases {
		got, err := chooseSignAlgo(tc.alg, tc.h, tc.listed, tc.pub)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("case %d (%v %v %v): %q, %v", i, tc.alg, tc.h, tc.listed, got, err)
		}
	}
}

// TestPSSParams: the DER parameters decode to what rsa.VerifyPSS expects.
func TestPSSParams(t *testing.T) {
	der, err := encodePSSParams(crypto.SHA384)
	if err != nil {
		t.Fatal(err)
	}
	var p pssParams
	if rest, err := asn1.Unmarshal(der, &p); err != nil || len(rest) != 0 {
		t.Fatal(err)
	}
	if p.Hash.Algorithm.String() != oidSHA384 || p.MGF.Algorithm.String() != oidMGF1 ||
		p.MGF.Parameters.Algorithm.String() != oidSHA384 || p.SaltLength != 48 {
		t.Fatalf("%+v", p)
	}
	if RSAPSS.String() != "RSA-PSS" || SignAlgorithm(9).String() != "unknown" {
		t.Fatal("String")
	}
}
