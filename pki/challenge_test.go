package pki_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/pki/pkitest"
	"github.com/smallstep/pkcs7"
)

func TestSigningInputGolden(t *testing.T) {
	e := newChEnv(t)
	fixed := time.Date(2025, 7, 1, 9, 30, 15, 500, time.UTC)
	ch, err := pki.NewChallenger(pki.ChallengeConfig{Verifier: e.v, Audience: testAudience,
		Clock: func() time.Time { return fixed }, Rand: bytes.NewReader(bytes.Repeat([]byte{0xA5}, 64))})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ch.Issue(context.Background(), testPurpose)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "challenge", "signing-input.golden")
	if os.Getenv("RPKIT_UPDATE_GOLDEN") == "1" {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, c.SigningInput(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.SigningInput(); !bytes.Equal(got, want) {
		t.Fatalf("signing input:\n%s\nwant:\n%s", got, want)
	}
	if !c.ExpiresAt.Equal(fixed.Truncate(time.Second).Add(pki.DefaultChallengeTTL)) || len(c.Nonce) != pki.ChallengeNonceSize {
		t.Fatalf("challenge %+v", c)
	}
}

func TestIssueRefusesBadPurposeAndConfig(t *testing.T) {
	e := newChEnv(t)
	for _, p := range []string{"", "a\nb", "with space", strings.Repeat("x", pki.MaxPurposeLen+1), "đăng-ký"} {
		if _, err := e.ch.Issue(context.Background(), p); !errors.Is(err, pki.ErrConfig) {
			t.Errorf("purpose %q: %v", p, err)
		}
	}
	for _, cfg := range []pki.ChallengeConfig{
		{Audience: testAudience},
		{Verifier: e.v},
		{Verifier: e.v, Audience: "https://x\n"},
		{Verifier: e.v, Audience: testAudience, TTL: -time.Second},
	} {
		if _, err := pki.NewChallenger(cfg); !errors.Is(err, pki.ErrConfig) {
			t.Errorf("config %+v: %v", cfg, err)
		}
	}
}

// TestVerifyAnswerAccepts covers each accepted answer form.
func TestVerifyAnswerAccepts(t *testing.T) {
	e := newChEnv(t)
	rsaLeaf := e.agencyLeaf(t, pkitest.RSA2048)
	ecLeaf := e.agencyLeaf(t, pkitest.P256)
	ctx := context.Background()

	tests := []struct {
		name   string
		leaf   *pkitest.Leaf
		answer func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer
	}{
		{"RSA PKCS#1 SHA-256", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer { return rawAnswer(t, c, l, x509.SHA256WithRSA) }},
		{"RSA PKCS#1 SHA-384", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer { return rawAnswer(t, c, l, x509.SHA384WithRSA) }},
		{"RSA PKCS#1 SHA-512", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer { return rawAnswer(t, c, l, x509.SHA512WithRSA) }},
		{"RSA PSS SHA-256", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer { return rawAnswer(t, c, l, x509.SHA256WithRSAPSS) }},
		{"RSA PSS SHA-512", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer { return rawAnswer(t, c, l, x509.SHA512WithRSAPSS) }},
		{"RSA default algorithm", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer {
			a := rawAnswer(t, c, l, x509.SHA256WithRSA)
			a.Algorithm = 0
			return a
		}},
		{"ECDSA P-256 DER", ecLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer { return rawAnswer(t, c, l, x509.ECDSAWithSHA256) }},
		{"ECDSA P-256 r||s", ecLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer {
			a := rawAnswer(t, c, l, x509.ECDSAWithSHA256)
			a.Signature = ecdsaConcat(t, l.Cert.PublicKey.(*ecdsa.PublicKey), a.Signature)
			return a
		}},
		{"certificates as DER", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer {
			a := rawAnswer(t, c, l, x509.SHA256WithRSA)
			a.Certificates = nil
			a.CertificatesDER = [][]byte{l.Cert.Raw, l.Chain[1].Raw}
			return a
		}},
		{"CMS RSA detached DER", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer {
			return pki.Answer{ChallengeID: c.ID, CMS: cmsSign(t, c.SigningInput(), l, cmsOpts{})}
		}},
		{"CMS RSA SHA-512", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer {
			return pki.Answer{ChallengeID: c.ID, CMS: cmsSign(t, c.SigningInput(), l, cmsOpts{digest: pkcs7.OIDDigestAlgorithmSHA512})}
		}},
		{"CMS P-256 base64 with line breaks", ecLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer {
			b64 := base64.StdEncoding.EncodeToString(cmsSign(t, c.SigningInput(), l, cmsOpts{}))
			var wrapped strings.Builder
			for i := 0; i < len(b64); i += 64 {
				wrapped.WriteString(b64[i:min(i+64, len(b64))] + "\r\n")
			}
			return pki.Answer{ChallengeID: c.ID, CMS: []byte(wrapped.String())}
		}},
		{"CMS PEM", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer {
			return pki.Answer{ChallengeID: c.ID, CMS: pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: cmsSign(t, c.SigningInput(), l, cmsOpts{})})}
		}},
		{"CMS attached, content = signing input", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer {
			return pki.Answer{ChallengeID: c.ID, CMS: cmsSign(t, c.SigningInput(), l, cmsOpts{attached: true})}
		}},
		{"CMS without signed attributes", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer {
			a := pki.Answer{ChallengeID: c.ID, CMS: cmsSign(t, c.SigningInput(), l, cmsOpts{noAttributes: true})}
			a.Certificates = l.Intermediates() // SignWithoutAttr embeds the leaf only
			return a
		}},
		{"JSON, CMS", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer {
			body, _ := json.Marshal(map[string]any{"challenge_id": c.ID,
				"cms": base64.RawURLEncoding.EncodeToString(cmsSign(t, c.SigningInput(), l, cmsOpts{}))})
			return mustParseAnswer(t, body)
		}},
		{"JSON, raw PS256", rsaLeaf, func(c *pki.Challenge, l *pkitest.Leaf) pki.Answer {
			sig := rawSign(t, l.Key, x509.SHA256WithRSAPSS, c.SigningInput())
			body, _ := json.Marshal(map[string]any{"challenge_id": c.ID, "signature": base64.StdEncoding.EncodeToString(sig),
				"algorithm": "PS256", "certificates": []string{base64.StdEncoding.EncodeToString(l.Cert.Raw), base64.StdEncoding.EncodeToString(l.Chain[1].Raw)}})
			return mustParseAnswer(t, body)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := e.issue(t)
			id, err := e.ch.VerifyAnswer(ctx, testPurpose, tc.answer(c, tc.leaf))
			if err != nil {
				t.Fatal(err)
			}
			checkIdentity(t, id, tc.leaf, c)
		})
	}
}

func mustParseAnswer(t *testing.T, body []byte) pki.Answer {
	t.Helper()
	a, err := pki.ParseAnswer(body)
	if err != nil {
		t.Fatal(err)
	}
	return *a
}

func checkIdentity(t *testing.T, id *pki.AgencyIdentity, leaf *pkitest.Leaf, c *pki.Challenge) {
	t.Helper()
	cred := id.Credential()
	if cred.Name != "SỞ Y TẾ" || cred.AgencyCode != testAgencyCode || cred.MST != testMST ||
		cred.CertIssuer != leaf.Cert.Issuer.String() || cred.CertSerial == "" {
		t.Fatalf("credential %+v", cred)
	}
	if strings.TrimLeft(cred.CertSerial, "0") != leaf.Cert.SerialNumber.Text(16) {
		t.Errorf("serial %s, want %x", cred.CertSerial, leaf.Cert.SerialNumber)
	}
	if id.ChallengeID != c.ID || id.Purpose != testPurpose || !id.NotAfter.Equal(leaf.Cert.NotAfter) ||
		id.Subject == nil || id.Result == nil || len(id.Result.Chain) != 3 {
		t.Fatalf("identity %+v", id)
	}
	for i, st := range id.Result.Revocation {
		if st.Status != pki.StatusGood {
			t.Errorf("revocation[%d] = %+v", i, st)
		}
	}
}

// TestVerifyAnswerRefuses tries to break each rule of the challenge login.
func TestVerifyAnswerRefuses(t *testing.T) {
	e := newChEnv(t)
	leaf := e.agencyLeaf(t, pkitest.RSA2048)
	ecLeaf := e.agencyLeaf(t, pkitest.P256)
	other := e.agencyLeaf(t, pkitest.RSA2048)
	foreign := pkitest.NewPKI(t).Issue(t, pkitest.LeafSpec{Subject: pkitest.AgencySubject("Rogue", testAgencyCode, testMST)})
	noSigning := e.pki.Issue(t, pkitest.LeafSpec{Subject: pkitest.AgencySubject("SỞ Y TẾ", testAgencyCode, testMST),
		KeyUsage: x509.KeyUsageKeyEncipherment})
	ctx := context.Background()
	marker := []byte("rpkit-tamper-marker-AAAA")

	tests := []struct {
		name   string
		answer func(c *pki.Challenge) pki.Answer
		want   []error
	}{
		{"signature over other bytes", func(c *pki.Challenge) pki.Answer {
			a := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
			a.Signature = rawSign(t, leaf.Key, x509.SHA256WithRSA, append(c.SigningInput(), 'x'))
			return a
		}, []error{pki.ErrChallengeSignature}},
		{"signature by another key", func(c *pki.Challenge) pki.Answer {
			a := rawAnswer(t, c, other, x509.SHA256WithRSA)
			a.Certificates = leaf.Chain[:2]
			return a
		}, []error{pki.ErrChallengeSignature}},
		{"PSS signature called PKCS#1", func(c *pki.Challenge) pki.Answer {
			a := rawAnswer(t, c, leaf, x509.SHA256WithRSAPSS)
			a.Algorithm = x509.SHA256WithRSA
			return a
		}, []error{pki.ErrChallengeSignature}},
		{"ECDSA algorithm with an RSA key", func(c *pki.Challenge) pki.Answer {
			a := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
			a.Algorithm = x509.ECDSAWithSHA256
			return a
		}, []error{pki.ErrChallengeSignature}},
		{"ECDSA r||s of the wrong length", func(c *pki.Challenge) pki.Answer {
			a := rawAnswer(t, c, ecLeaf, x509.ECDSAWithSHA256)
			a.Signature = append(ecdsaConcat(t, ecLeaf.Cert.PublicKey.(*ecdsa.PublicKey), a.Signature), 0)
			return a
		}, []error{pki.ErrChallengeSignature}},
		{"SHA-1", func(c *pki.Challenge) pki.Answer { return rawAnswer(t, c, leaf, x509.SHA1WithRSA) },
			[]error{pki.ErrChallengeSignature, pki.ErrWeakSignature}},
		{"certificate not chaining to the root", func(c *pki.Challenge) pki.Answer { return rawAnswer(t, c, foreign, x509.SHA256WithRSA) },
			[]error{pki.ErrChallengeCertificate, pki.ErrUntrusted}},
		{"certificate without digitalSignature", func(c *pki.Challenge) pki.Answer { return rawAnswer(t, c, noSigning, x509.SHA256WithRSA) },
			[]error{pki.ErrChallengeCertificate, pki.ErrKeyUsage}},
		{"raw signature without certificate", func(c *pki.Challenge) pki.Answer {
			a := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
			a.Certificates = nil
			return a
		}, []error{pki.ErrChallengeMalformed}},
		{"both CMS and raw signature", func(c *pki.Challenge) pki.Answer {
			a := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
			a.CMS = cmsSign(t, c.SigningInput(), leaf, cmsOpts{})
			return a
		}, []error{pki.ErrChallengeMalformed}},
		{"empty answer", func(c *pki.Challenge) pki.Answer { return pki.Answer{ChallengeID: c.ID} }, []error{pki.ErrChallengeMalformed}},
		{"CMS over other bytes", func(c *pki.Challenge) pki.Answer {
			return pki.Answer{ChallengeID: c.ID, CMS: cmsSign(t, []byte("something else"), leaf, cmsOpts{})}
		}, []error{pki.ErrChallengeSignature}},
		{"CMS attached, other content", func(c *pki.Challenge) pki.Answer {
			return pki.Answer{ChallengeID: c.ID, CMS: cmsSign(t, []byte("something else"), leaf, cmsOpts{attached: true})}
		}, []error{pki.ErrChallengeSignature}},
		{"CMS with two signers", func(c *pki.Challenge) pki.Answer {
			return pki.Answer{ChallengeID: c.ID, CMS: cmsSign(t, c.SigningInput(), leaf, cmsOpts{secondSigner: other})}
		}, []error{pki.ErrChallengeMalformed}},
		{"CMS with SHA-1", func(c *pki.Challenge) pki.Answer {
			return pki.Answer{ChallengeID: c.ID, CMS: cmsSign(t, c.SigningInput(), leaf, cmsOpts{digest: pkcs7.OIDDigestAlgorithmSHA1})}
		}, []error{pki.ErrChallengeSignature, pki.ErrWeakSignature}},
		{"CMS tampered signed attribute", func(c *pki.Challenge) pki.Answer {
			der := cmsSign(t, c.SigningInput(), leaf, cmsOpts{extraSigned: []pkcs7.Attribute{
				{Type: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 7}, Value: string(marker)}}})
			i := bytes.Index(der, marker)
			if i < 0 {
				t.Fatal("marker not found")
			}
			der[i+len(marker)-1] = 'B'
			return pki.Answer{ChallengeID: c.ID, CMS: der}
		}, []error{pki.ErrChallengeSignature}},
		{"CMS tampered signature", func(c *pki.Challenge) pki.Answer {
			der := cmsSign(t, c.SigningInput(), leaf, cmsOpts{})
			der[len(der)-10] ^= 1 // inside the signature value, the last field
			return pki.Answer{ChallengeID: c.ID, CMS: der}
		}, []error{pki.ErrChallengeSignature}},
		{"CMS two signing times", func(c *pki.Challenge) pki.Answer {
			return pki.Answer{ChallengeID: c.ID, CMS: cmsSign(t, c.SigningInput(), leaf, cmsOpts{extraSigned: []pkcs7.Attribute{
				{Type: pkcs7.OIDAttributeSigningTime, Value: time.Now().UTC()}}})}
		}, []error{pki.ErrChallengeMalformed}},
		{"CMS contentType not id-data", func(c *pki.Challenge) pki.Answer {
			return pki.Answer{ChallengeID: c.ID, CMS: cmsSign(t, c.SigningInput(), leaf, cmsOpts{extraSigned: []pkcs7.Attribute{
				{Type: pkcs7.OIDAttributeContentType, Value: pkcs7.OIDSignedData}}})}
		}, []error{pki.ErrChallengeMalformed}},
		{"CMS garbage", func(c *pki.Challenge) pki.Answer {
			return pki.Answer{ChallengeID: c.ID, CMS: []byte{0x30, 0x82, 0x01, 0x00, 0xff}}
		}, []error{pki.ErrChallengeMalformed}},
		{"CMS bad PEM type", func(c *pki.Challenge) pki.Answer {
			return pki.Answer{ChallengeID: c.ID, CMS: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Cert.Raw})}
		}, []error{pki.ErrChallengeMalformed}},
		{"oversized CMS", func(c *pki.Challenge) pki.Answer {
			return pki.Answer{ChallengeID: c.ID, CMS: make([]byte, pki.MaxAnswerBytes+1)}
		}, []error{pki.ErrChallengeMalformed}},
		{"oversized certificates", func(c *pki.Challenge) pki.Answer {
			a := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
			a.CertificatesDER = [][]byte{make([]byte, pki.MaxAnswerBytes)}
			return a
		}, []error{pki.ErrChallengeMalformed}},
		{"too many certificates", func(c *pki.Challenge) pki.Answer {
			a := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
			for range pki.MaxAnswerCertificates {
				a.Certificates = append(a.Certificates, leaf.Chain[1])
			}
			return a
		}, []error{pki.ErrChallengeMalformed}},
		{"unknown challenge ID", func(c *pki.Challenge) pki.Answer {
			a := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
			a.ChallengeID = "AAAAAAAAAAAAAAAAAAAAAAAA"
			return a
		}, []error{pki.ErrChallengeUnknown}},
		{"malformed challenge ID", func(c *pki.Challenge) pki.Answer {
			a := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
			a.ChallengeID = c.ID + "\n"
			return a
		}, []error{pki.ErrChallengeMalformed}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := e.issue(t)
			a := tc.answer(c)
			_, err := e.ch.VerifyAnswer(ctx, testPurpose, a)
			t.Logf("refused: %v", err)
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Fatalf("got %v, want %v", err, w)
				}
			}
			var ce *pki.ChallengeError
			if !errors.As(err, &ce) {
				t.Fatalf("not a *ChallengeError: %T", err)
			}
			if a.ChallengeID == c.ID {
				// Whatever the outcome, the challenge is spent.
				good := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
				if _, err := e.ch.VerifyAnswer(ctx, testPurpose, good); !errors.Is(err, pki.ErrChallengeUnknown) {
					t.Fatalf("challenge reusable after a refused answer: %v", err)
				}
			}
		})
	}
}

func TestReplayExpiryPurposeAudience(t *testing.T) {
	e := newChEnv(t)
	leaf := e.agencyLeaf(t, pkitest.RSA2048)
	ctx := context.Background()

	t.Run("replay", func(t *testing.T) {
		c := e.issue(t)
		a := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
		if _, err := e.ch.VerifyAnswer(ctx, testPurpose, a); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ch.VerifyAnswer(ctx, testPurpose, a); !errors.Is(err, pki.ErrChallengeUnknown) {
			t.Fatalf("replay: %v", err)
		}
	})
	t.Run("concurrent answers: one wins", func(t *testing.T) {
		c := e.issue(t)
		a := pki.Answer{ChallengeID: c.ID, CMS: cmsSign(t, c.SigningInput(), leaf, cmsOpts{})}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, unknown := 0, 0
		for range 8 {
			wg.Go(func() {
				_, err := e.ch.VerifyAnswer(ctx, testPurpose, a)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, pki.ErrChallengeUnknown):
					unknown++
				default:
					t.Errorf("unexpected: %v", err)
				}
			})
		}
		wg.Wait()
		if wins != 1 || unknown != 7 {
			t.Fatalf("wins=%d unknown=%d", wins, unknown)
		}
	})
	t.Run("expired", func(t *testing.T) {
		c := e.issue(t)
		a := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
		e.clock.Advance(pki.DefaultChallengeTTL + time.Second)
		defer e.clock.Advance(-pki.DefaultChallengeTTL - time.Second)
		if _, err := e.ch.VerifyAnswer(ctx, testPurpose, a); !errors.Is(err, pki.ErrChallengeExpired) {
			t.Fatalf("expired: %v", err)
		}
	})
	t.Run("long expired is unknown", func(t *testing.T) {
		c := e.issue(t)
		a := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
		e.clock.Advance(pki.DefaultChallengeTTL + 2*time.Minute)
		defer e.clock.Advance(-pki.DefaultChallengeTTL - 2*time.Minute)
		if _, err := e.ch.VerifyAnswer(ctx, testPurpose, a); !errors.Is(err, pki.ErrChallengeUnknown) {
			t.Fatalf("long expired: %v", err)
		}
	})
	t.Run("wrong purpose", func(t *testing.T) {
		c, err := e.ch.Issue(ctx, "agency-login")
		if err != nil {
			t.Fatal(err)
		}
		a := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
		if _, err := e.ch.VerifyAnswer(ctx, testPurpose, a); !errors.Is(err, pki.ErrChallengePurpose) {
			t.Fatalf("purpose: %v", err)
		}
		if _, err := e.ch.VerifyAnswer(ctx, "agency-login", a); !errors.Is(err, pki.ErrChallengeUnknown) {
			t.Fatalf("after a wrong-purpose answer the challenge must be spent: %v", err)
		}
	})
	t.Run("wrong audience", func(t *testing.T) {
		// Two relying parties sharing one store: a challenge of one is
		// found by the other, and refused.
		c, err := e.challenger(t, "https://pakn.example.gov.vn").Issue(ctx, testPurpose)
		if err != nil {
			t.Fatal(err)
		}
		a := rawAnswer(t, c, leaf, x509.SHA256WithRSA)
		if _, err := e.ch.VerifyAnswer(ctx, testPurpose, a); !errors.Is(err, pki.ErrChallengeAudience) {
			t.Fatalf("audience: %v", err)
		}
	})
	t.Run("CMS signing time outside the window", func(t *testing.T) {
		// The library stamps the real time; move the challenger an hour
		// ahead so the challenge is issued after the signature was made.
		e.clock.Advance(time.Hour)
		defer e.clock.Advance(-time.Hour)
		c := e.issue(t)
		a := pki.Answer{ChallengeID: c.ID, CMS: cmsSign(t, c.SigningInput(), leaf, cmsOpts{})}
		if _, err := e.ch.VerifyAnswer(ctx, testPurpose, a); !errors.Is(err, pki.ErrChallengeSignature) {
			t.Fatalf("signing time: %v", err)
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		c := e.issue(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := e.ch.VerifyAnswer(cctx, testPurpose, rawAnswer(t, c, leaf, x509.SHA256WithRSA)); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled: %v", err)
		}
	})
}

func TestRevokedSigner(t *testing.T) {
	e := newChEnv(t)
	leaf := e.agencyLeaf(t, pkitest.RSA2048)
	e.pki.Revoke(leaf.Cert, pkitest.ReasonKeyCompromise)
	c := e.issue(t)
	_, err := e.ch.VerifyAnswer(context.Background(), testPurpose, pki.Answer{ChallengeID: c.ID, CMS: cmsSign(t, c.SigningInput(), leaf, cmsOpts{})})
	if !errors.Is(err, pki.ErrChallengeCertificate) || !errors.Is(err, pki.ErrRevoked) {
		t.Fatalf("revoked signer: %v", err)
	}
	if e.pki.CRLFetches() == 0 {
		t.Error("the CRL server was not asked")
	}
	if strings.Contains(err.Error(), "SỞ Y TẾ") {
		t.Errorf("error quotes the certificate: %v", err)
	}
}

func TestParseAnswerRefuses(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":           "cms=abc",
		"bad base64 sig":     `{"challenge_id":"x","signature":"***"}`,
		"unknown algorithm":  `{"challenge_id":"x","signature":"AAAA","algorithm":"HS256"}`,
		"bad certificate":    `{"challenge_id":"x","signature":"AAAA","certificates":["%%"]}`,
		"too many certs":     `{"certificates":["","","","","","","","","","",""]}`,
		"too large":          `{"cms":"` + strings.Repeat("A", 2*pki.MaxAnswerBytes) + `"}`,
		"mixed alphabets":    `{"challenge_id":"x","signature":"ab+_"}`,
		"signature is array": `{"signature":[1,2]}`,
	} {
		if _, err := pki.ParseAnswer([]byte(body)); !errors.Is(err, pki.ErrChallengeMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestMemoryNonceStore(t *testing.T) {
	clk := &testClock{}
	s := pki.NewMemoryNonceStore(clk.Now, 2)
	ctx := context.Background()
	if err := s.Put(ctx, "a", []byte("1"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "a", []byte("1"), time.Minute); err == nil {
		t.Fatal("duplicate ID accepted")
	}
	if err := s.Put(ctx, "b", []byte("2"), time.Second); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "c", []byte("3"), time.Minute); !errors.Is(err, pki.ErrChallengeStoreFull) {
		t.Fatalf("full: %v", err)
	}
	clk.Advance(2 * time.Second) // b expires; the next Put sweeps it
	if err := s.Put(ctx, "c", []byte("3"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Take(ctx, "a"); err != nil || string(v) != "1" {
		t.Fatalf("take a: %q %v", v, err)
	}
	if v, err := s.Take(ctx, "a"); err != nil || v != nil {
		t.Fatalf("second take: %q %v", v, err)
	}
	if v, err := s.Take(ctx, "missing"); err != nil || v != nil {
		t.Fatalf("missing: %q %v", v, err)
	}
	if s.Len() != 1 {
		t.Fatalf("len %d", s.Len())
	}
}
