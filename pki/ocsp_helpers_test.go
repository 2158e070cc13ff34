package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"

	"golang.org/x/crypto/ocsp"
)

// OCSP responses with responseExtensions (x/crypto/ocsp cannot write them)
// and the reading of a request's nonce, for the nonce tests. The
// re-signing uses crypto.Signer; only DER structure is handled here.

// requestNonce returns the nonce extnValue of a DER OCSPRequest, nil when
// it has none.
func requestNonce(t testing.TB, der []byte) []byte {
	t.Helper()
	var req struct {
		TBS struct {
			Raw     asn1.RawContent
			Version int           `asn1:"explicit,tag:0,default:0,optional"`
			Name    asn1.RawValue `asn1:"explicit,tag:1,optional"`
			List    []asn1.RawValue
			Exts    []pkix.Extension `asn1:"explicit,tag:2,optional"`
		}
	}
	if rest, err := asn1.Unmarshal(der, &req); err != nil || len(rest) != 0 {
		t.Fatalf("request: %v", err)
	}
	for _, e := range req.TBS.Exts {
		if e.Id.Equal(oidOCSPNonce) {
			return e.Value
		}
	}
	return nil
}

type basicOCSP struct {
	TBS   asn1.RawValue
	Alg   pkix.AlgorithmIdentifier
	Sig   asn1.BitString
	Certs asn1.RawValue `asn1:"optional"`
}

// withResponseExtensions signs tmpl as ocsp.CreateResponse does, then
// adds exts as responseExtensions and signs again with key (SHA-256).
func withResponseExtensions(t testing.TB, issuer, responder *x509.Certificate, tmpl ocsp.Response, key crypto.Signer, exts []pkix.Extension) []byte {
	t.Helper()
	der, err := ocsp.CreateResponse(issuer, responder, tmpl, key)
	if err != nil {
		t.Fatal(err)
	}
	if len(exts) == 0 {
		return der
	}
	return resignBasic(t, der, key, func(tbs []byte) []byte {
		var basic asn1.RawValue
		if _, err := asn1.Unmarshal(tbs, &basic); err != nil {
			t.Fatal(err)
		}
		extDER, err := asn1.Marshal(exts)
		if err != nil {
			t.Fatal(err)
		}
		return seq(basic.Bytes, tagged(1, extDER))
	})
}

// resignBasic replaces the ResponseData of der (a successful basic OCSP
// response) by rewrite's answer to it, and signs it again with key
// (SHA-256), keeping the rest of the response as it was.
func resignBasic(t testing.TB, der []byte, key crypto.Signer, rewrite func(tbs []byte) []byte) []byte {
	t.Helper()
	var resp struct {
		Status asn1.Enumerated
		Bytes  struct {
			Type asn1.ObjectIdentifier
			Resp []byte
		} `asn1:"explicit,tag:0"`
	}
	if _, err := asn1.Unmarshal(der, &resp); err != nil {
		t.Fatal(err)
	}
	var basic basicOCSP
	if _, err := asn1.Unmarshal(resp.Bytes.Resp, &basic); err != nil {
		t.Fatal(err)
	}
	tbs := rewrite(basic.TBS.FullBytes)
	digest := sha256.Sum256(tbs)
	sig, err := key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	basic.TBS = asn1.RawValue{FullBytes: tbs}
	basic.Sig = asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)}
	if resp.Bytes.Resp, err = asn1.Marshal(basic); err != nil {
		t.Fatal(err)
	}
	out, err := asn1.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func nonceExt(value []byte) pkix.Extension { return pkix.Extension{Id: oidOCSPNonce, Value: value} }

// octets is the DER OCTET STRING of b: a nonce extnValue.
func octets(b []byte) []byte {
	der, err := asn1.Marshal(b)
	if err != nil {
		panic(err)
	}
	return der
}
