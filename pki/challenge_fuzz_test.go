package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/pki/pkitest"
	"github.com/smallstep/pkcs7"
)

// FuzzParseAnswer feeds the answer parser: ParseAnswer's JSON, then the
// decoding of its CMS (DER, PEM, base64) or raw signature with
// certificates, then — for what parses — the CMS signature check. It must
// not panic, must refuse only with the challenge sentinels, and must stay
// within the size limits.
func FuzzParseAnswer(f *testing.F) {
	// A self-signed P-256 certificate, not a pkitest chain: fuzz workers
	// restart often and RSA key generation would dominate their time. The
	// chain is not what is fuzzed here.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Now()
	certDER, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{SerialNumber: big.NewInt(7),
		Subject: pkitest.AgencySubject("SỞ Y TẾ", "000.00.00.H41", "0400260612"), NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}, &x509.Certificate{SerialNumber: big.NewInt(7),
		Subject: pkitest.AgencySubject("SỞ Y TẾ", "000.00.00.H41", "0400260612")}, &key.PublicKey, key)
	if err != nil {
		f.Fatal(err)
	}
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		f.Fatal(err)
	}
	input := []byte("rpkit-challenge-v1\nid=x\n")
	sd, err := pkcs7.NewSignedData(input)
	if err != nil {
		f.Fatal(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSigner(cert, key, pkcs7.SignerInfoConfig{}); err != nil {
		f.Fatal(err)
	}
	sd.Detach()
	cms, err := sd.Finish()
	if err != nil {
		f.Fatal(err)
	}
	digest := sha256.Sum256(input)
	sig, err := key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		f.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString
	jsonCMS, _ := json.Marshal(map[string]any{"challenge_id": "abc", "cms": b64(cms)})
	jsonRaw, _ := json.Marshal(map[string]any{"challenge_id": "abc", "signature": b64(sig), "algorithm": "ES256",
		"certificates": []string{b64(cert.Raw)}})
	jsonPEM, _ := json.Marshal(map[string]any{"cms": string(pem.EncodeToMemory(&pem.Block{Type: "CMS", Bytes: cms}))})
	for _, s := range [][]byte{jsonCMS, jsonRaw, jsonPEM, cms, []byte(b64(cms)), cms[:len(cms)/2],
		[]byte(`{"cms":"MA=="}`), []byte(`{"signature":"","certificates":[""]}`), {0x30, 0x80, 0, 0}} {
		f.Add(s)
	}
	notBefore := now.Add(-time.Hour)
	notAfter := notBefore.Add(2 * time.Hour)

	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(err error) {
			if err == nil {
				return
			}
			if !errors.Is(err, ErrChallengeMalformed) && !errors.Is(err, ErrChallengeSignature) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			var ce *ChallengeError
			if !errors.As(err, &ce) {
				t.Fatalf("not a *ChallengeError: %T", err)
			}
		}
		decodeAndCheck := func(a *Answer) {
			d, err := a.decode()
			check(err)
			if err != nil {
				return
			}
			if len(a.CMS)+len(a.Signature) > MaxAnswerBytes || len(d.certs) > MaxAnswerCertificates {
				t.Fatal("limits not enforced")
			}
			if d.cms != nil {
				_, _, err := d.cms.verify(input, d.certs, notBefore, notAfter)
				check(err)
			}
		}
		a, err := ParseAnswer(data)
		check(err)
		if err == nil {
			decodeAndCheck(a)
		}
		decodeAndCheck(&Answer{CMS: data})
	})
}
