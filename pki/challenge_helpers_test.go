package pki_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"math/big"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/pki/pkitest"
	"github.com/smallstep/pkcs7"
)

const (
	testAudience   = "https://quantri.example.gov.vn"
	testPurpose    = "superadmin-registration"
	testAgencyCode = "000.00.00.H41"
	testMST        = "0400260612"
)

// testClock is real time shifted by an offset the test moves: the CMS
// library stamps signingTime with the real clock, so the test clock must
// stay near it.
type testClock struct{ off atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *testClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

// chEnv is a test PKI, a Verifier trusting its root (hard-fail revocation
// against its live CRL/OCSP servers) and a Challenger.
type chEnv struct {
	pki   *pkitest.PKI
	clock *testClock
	v     *pki.Verifier
	store pki.NonceStore
	ch    *pki.Challenger
}

func newChEnv(t testing.TB) *chEnv {
	t.Helper()
	e := &chEnv{clock: &testClock{}}
	e.pki = pkitest.NewPKI(t, pkitest.WithClock(e.clock.Now))
	v, err := pki.NewVerifier(pki.Config{Roots: []*x509.Certificate{e.pki.Root()}, Clock: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.v = v
	e.store = pki.NewMemoryNonceStore(e.clock.Now, 0)
	e.ch = e.challenger(t, testAudience)
	return e
}

// challenger returns a Challenger for audience sharing e's store.
func (e *chEnv) challenger(t testing.TB, audience string) *pki.Challenger {
	t.Helper()
	ch, err := pki.NewChallenger(pki.ChallengeConfig{Verifier: e.v, Store: e.store, Audience: audience, Clock: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func (e *chEnv) agencyLeaf(t testing.TB, kt pkitest.KeyType) *pkitest.Leaf {
	t.Helper()
	return e.pki.Issue(t, pkitest.LeafSpec{Subject: pkitest.AgencySubject("SỞ Y TẾ", testAgencyCode, testMST), KeyType: kt})
}

func (e *chEnv) issue(t testing.TB) *pki.Challenge {
	t.Helper()
	c, err := e.ch.Issue(context.Background(), testPurpose)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rawSign signs msg with key for alg as a plugin would.
func rawSign(t testing.TB, key crypto.Signer, alg x509.SignatureAlgorithm, msg []byte) []byte {
	t.Helper()
	var h crypto.Hash
	switch alg {
	case x509.SHA256WithRSA, x509.SHA256WithRSAPSS, x509.ECDSAWithSHA256:
		h = crypto.SHA256
	case x509.SHA384WithRSA, x509.SHA384WithRSAPSS, x509.ECDSAWithSHA384:
		h = crypto.SHA384
	case x509.SHA512WithRSA, x509.SHA512WithRSAPSS, x509.ECDSAWithSHA512:
		h = crypto.SHA512
	case x509.SHA1WithRSA:
		h = crypto.SHA1
	default:
		t.Fatalf("rawSign: %v", alg)
	}
	hh := h.New()
	hh.Write(msg)
	var opts crypto.SignerOpts = h
	switch alg {
	case x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS:
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h}
	}
	sig, err := key.Sign(rand.Reader, hh.Sum(nil), opts)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// rawAnswer answers c with a raw signature by leaf.
func rawAnswer(t testing.TB, c *pki.Challenge, leaf *pkitest.Leaf, alg x509.SignatureAlgorithm) pki.Answer {
	t.Helper()
	return pki.Answer{ChallengeID: c.ID, Signature: rawSign(t, leaf.Key, alg, c.SigningInput()),
		Algorithm: alg, Certificates: leaf.Chain[:len(leaf.Chain)-1]}
}

// cmsOpts varies the SignedData a test builds.
type cmsOpts struct {
	attached     bool
	digest       asn1.ObjectIdentifier // default SHA-256
	noAttributes bool
	extraSigned  []pkcs7.Attribute
	secondSigner *pkitest.Leaf
}

// cmsSign builds a SignedData over content by leaf (with its chain).
func cmsSign(t testing.TB, content []byte, leaf *pkitest.Leaf, o cmsOpts) []byte {
	t.Helper()
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		t.Fatal(err)
	}
	if o.digest == nil {
		o.digest = pkcs7.OIDDigestAlgorithmSHA256
	}
	sd.SetDigestAlgorithm(o.digest)
	if o.noAttributes {
		err = sd.SignWithoutAttr(leaf.Cert, leaf.Key, pkcs7.SignerInfoConfig{})
	} else {
		err = sd.AddSignerChain(leaf.Cert, leaf.Key, leaf.Intermediates(), pkcs7.SignerInfoConfig{ExtraSignedAttributes: o.extraSigned})
	}
	if err != nil {
		t.Fatal(err)
	}
	if o.secondSigner != nil {
		if err := sd.AddSignerChain(o.secondSigner.Cert, o.secondSigner.Key, o.secondSigner.Intermediates(), pkcs7.SignerInfoConfig{}); err != nil {
			t.Fatal(err)
		}
	}
	if !o.attached {
		sd.Detach()
	}
	der, err := sd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// ecdsaConcat re-encodes an ASN.1 ECDSA signature as r‖s.
func ecdsaConcat(t testing.TB, pub *ecdsa.PublicKey, sig []byte) []byte {
	t.Helper()
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(sig, &rs); err != nil {
		t.Fatal(err)
	}
	n := (pub.Curve.Params().N.BitLen() + 7) / 8
	out := make([]byte, 2*n)
	rs.R.FillBytes(out[:n])
	rs.S.FillBytes(out[n:])
	return out
}
