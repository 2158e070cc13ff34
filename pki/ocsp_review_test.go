package pki

import (
	"context"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/crypto/ocsp"
)

// Security review of the OCSP responder rules: answers that must not
// decide a certificate's status.

// reviewOCSPVerify verifies a fresh leaf whose only revocation source is an
// OCSP responder answering through answer, at at (zero: the clock's now).
func reviewOCSPVerify(t *testing.T, f *fixture, answer func(req *ocsp.Request) []byte) (*Result, error) {
	t.Helper()
	srv := ocspServer(t, answer)
	leaf := f.leaf(t, func(c *x509.Certificate) { c.OCSPServer = []string{srv.URL}; c.CRLDistributionPoints = nil })
	cfg := f.ocspOnlyConfig(t, srv)
	return mustVerifier(t, cfg).Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{})
}

func goodTemplate(serial *big.Int, responder *x509.Certificate) ocsp.Response {
	return ocsp.Response{Status: ocsp.Good, SerialNumber: serial, ThisUpdate: fxNow.Add(-time.Hour),
		NextUpdate: fxNow.Add(24 * time.Hour), Certificate: responder}
}

// TestReviewOCSPAnswerForAnotherIssuer: a "good" answer, properly signed by
// the leaf's issuer, but whose CertID names another CA (same serial) is
// about another certificate (RFC 6960 §3.2 (1)); x/crypto/ocsp matches on
// the serial only.
func TestReviewOCSPAnswerForAnotherIssuer(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name   string
		hashes *x509.Certificate // whose name and key the CertID hashes
		hash   crypto.Hash
		ok     bool
	}{
		{name: "own issuer, SHA-1 CertID", hashes: f.sub, hash: crypto.SHA1, ok: true},
		{name: "own issuer, SHA-256 CertID", hashes: f.sub, hash: crypto.SHA256, ok: true},
		{name: "another CA (the root)", hashes: f.root, hash: crypto.SHA1},
		{name: "another CA, SHA-256 CertID", hashes: f.root, hash: crypto.SHA256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := reviewOCSPVerify(t, f, func(req *ocsp.Request) []byte {
				tmpl := goodTemplate(req.SerialNumber, nil)
				tmpl.IssuerHash = tc.hash
				der, err := ocsp.CreateResponse(tc.hashes, f.sub, tmpl, f.subKey)
				if err != nil {
					t.Error(err)
				}
				return der
			})
			if tc.ok {
				if err != nil || res.Revocation[0].Status != StatusGood {
					t.Fatalf("genuine answer refused: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrRevocationUnknown) || !errors.Is(err, ErrOCSPInvalid) {
				t.Fatalf("answer about another CA's certificate decided: %v %+v", err, res)
			}
		})
	}
	// Two single responses with the leaf's serial, the other CA's first:
	// the first one is what x/crypto reads, so the answer is refused even
	// though the second one is right.
	t.Run("another CA's response first", func(t *testing.T) {
		_, err := reviewOCSPVerify(t, f, func(req *ocsp.Request) []byte {
			return twoSingleResponses(t, f, req.SerialNumber, true)
		})
		if !errors.Is(err, ErrRevocationUnknown) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("own response first", func(t *testing.T) {
		_, err := reviewOCSPVerify(t, f, func(req *ocsp.Request) []byte {
			return twoSingleResponses(t, f, req.SerialNumber, false)
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzReviewOCSPCertIDHashes(f *testing.F) {
	fx := newFixture(f)
	der, err := ocsp.CreateResponse(fx.sub, fx.sub, goodTemplate(big.NewInt(7), nil), fx.subKey)
	if err != nil {
		f.Fatal(err)
	}
	r, err := ocsp.ParseResponse(der, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(r.TBSResponseData)
	f.Fuzz(func(t *testing.T, tbs []byte) {
		n, k, ok := ocspCertIDHashes(tbs, big.NewInt(7))
		if !ok && (n != nil || k != nil) {
			t.Fatal("hashes without ok")
		}
	})
}

// twoSingleResponses is an answer signed by the sub-CA holding a "good"
// for (root, serial) and a "good" for (sub, serial), in that order if
// otherFirst.
func twoSingleResponses(t *testing.T, f *fixture, serial *big.Int, otherFirst bool) []byte {
	t.Helper()
	tmpl := goodTemplate(serial, nil)
	other, err := ocsp.CreateResponse(f.root, f.sub, tmpl, f.subKey)
	if err != nil {
		t.Fatal(err)
	}
	own, err := ocsp.CreateResponse(f.sub, f.sub, tmpl, f.subKey)
	if err != nil {
		t.Fatal(err)
	}
	single := func(der []byte) []byte {
		r, err := ocsp.ParseResponse(der, nil)
		if err != nil {
			t.Fatal(err)
		}
		var rd struct {
			Responder asn1.RawValue
			Produced  time.Time `asn1:"generalized"`
			Responses []asn1.RawValue
		}
		if _, err := asn1.Unmarshal(r.TBSResponseData, &rd); err != nil {
			t.Fatal(err)
		}
		return rd.Responses[0].FullBytes
	}
	// Rebuild own's ResponseData with both single responses, re-signed.
	return resignResponseData(t, own, f.subKey, func(responses []byte) []byte {
		if otherFirst {
			return append(append([]byte{}, single(other)...), responses...)
		}
		return append(append([]byte{}, responses...), single(other)...)
	})
}

// TestReviewOCSPDelegateAuthority: delegates that are not the issuer's.
func TestReviewOCSPDelegateAuthority(t *testing.T) {
	f := newFixture(t)
	key := fxKey(4)
	ocspEKU := []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}
	mk := func(parent *x509.Certificate, parentKey crypto.Signer, ekus []x509.ExtKeyUsage, name string) *x509.Certificate {
		return f.sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: name}, NotBefore: fxNow.AddDate(-1, 0, 0), NotAfter: fxNow.AddDate(1, 0, 0),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: ekus, ExtraExtensions: []pkix.Extension{noCheck}}, parent, parentKey, &key.PublicKey)
	}
	// A self-signed "delegate" whose subject is the sub-CA's name, so that
	// it names the sub-CA as issuer.
	selfSub := f.sign(t, &x509.Certificate{Subject: f.sub.Subject, NotBefore: fxNow.AddDate(-1, 0, 0), NotAfter: fxNow.AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: ocspEKU, ExtraExtensions: []pkix.Extension{noCheck}}, nil, key, &key.PublicKey)
	for _, tc := range []struct {
		name string
		d    *x509.Certificate
	}{
		{"nocheck delegate of another CA (the root)", mk(f.root, f.rootKey, ocspEKU, "root's OCSP delegate")},
		{"nocheck, self-signed, not issued by the CA", mk(nil, key, ocspEKU, "rogue")},
		{"nocheck, self-signed, the CA's name", selfSub},
		{"the CA's delegate without OCSPSigning", mk(f.sub, f.subKey, []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, "any EKU")},
		{"the CA's delegate with no EKU", mk(f.sub, f.subKey, nil, "no EKU")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := reviewOCSPVerify(t, f, func(req *ocsp.Request) []byte {
				der, err := ocsp.CreateResponse(f.sub, tc.d, goodTemplate(req.SerialNumber, tc.d), key)
				if err != nil {
					t.Error(err)
				}
				return der
			})
			if !errors.Is(err, ErrRevocationUnknown) {
				t.Fatalf("accepted: %v %+v", err, res)
			}
		})
	}
}

// TestReviewOCSPCachedDelegateExpired: a cached answer signed by a nocheck
// delegate is used only while the delegate is valid — as a fresh answer
// would be — even when the answer's own nextUpdate is later.
func TestReviewOCSPCachedDelegateExpired(t *testing.T) {
	f := newFixture(t)
	key := fxKey(4)
	d := f.sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: "short-lived OCSP delegate"},
		NotBefore: fxNow.Add(-time.Hour), NotAfter: fxNow.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning},
		ExtraExtensions: []pkix.Extension{noCheck}}, f.sub, f.subKey, &key.PublicKey)
	var hits atomic.Int64
	srv := ocspServer(t, func(req *ocsp.Request) []byte {
		hits.Add(1)
		der, err := ocsp.CreateResponse(f.sub, d, goodTemplate(req.SerialNumber, d), key) // fresh until +24h
		if err != nil {
			t.Error(err)
		}
		return der
	})
	leaf := f.leaf(t, func(c *x509.Certificate) { c.OCSPServer = []string{srv.URL}; c.CRLDistributionPoints = nil })
	v := mustVerifier(t, f.ocspOnlyConfig(t, srv))
	verify := func(v *Verifier, at time.Time) error {
		_, err := v.Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{At: at})
		return err
	}
	if err := verify(v, fxNow); err != nil {
		t.Fatal(err)
	}
	later := fxNow.Add(3 * time.Hour) // the delegate has expired, the answer has not
	// Without a cached answer, the delegate is refused.
	if err := verify(mustVerifier(t, f.ocspOnlyConfig(t, srv)), later); !errors.Is(err, ErrRevocationUnknown) ||
		!strings.Contains(err.Error(), "responder certificate not valid") {
		t.Fatalf("premise: uncached answer of an expired delegate: %v", err)
	}
	// With one, the same.
	if err := verify(v, later); !errors.Is(err, ErrRevocationUnknown) {
		t.Fatalf("cached answer of an expired delegate accepted: %v", err)
	}
}

// resignResponseData rewrites the responses of der's ResponseData (a
// response as ocsp.CreateResponse makes it, version absent, no
// extensions) by edit, and signs it again with key (SHA-256).
func resignResponseData(t *testing.T, der []byte, key crypto.Signer, edit func(responses []byte) []byte) []byte {
	t.Helper()
	return resignBasic(t, der, key, func(tbs []byte) []byte {
		in := cryptobyte.String(tbs)
		var body, responder, produced, responses cryptobyte.String
		var tag cbasn1.Tag
		if !in.ReadASN1(&body, cbasn1.SEQUENCE) || !body.ReadAnyASN1Element(&responder, &tag) ||
			!body.ReadASN1Element(&produced, cbasn1.GeneralizedTime) || !body.ReadASN1(&responses, cbasn1.SEQUENCE) || !body.Empty() {
			t.Fatal("unexpected ResponseData shape")
		}
		return seq(responder, produced, seq(edit(responses)))
	})
}
