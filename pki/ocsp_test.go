package pki

import (
	"context"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// ocspFixture serves, for every request, an answer built by answer.
func ocspServer(t *testing.T, answer func(req *ocsp.Request) []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := ocsp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/ocsp-response")
		w.Write(answer(req))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestOCSP(t *testing.T) {
	f := newFixture(t)
	delegateKey := fxKey(4)
	delegate := func(ekus []x509.ExtKeyUsage, notAfter time.Time) *x509.Certificate {
		return f.sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: "OCSP delegate"}, NotBefore: fxNow.AddDate(-1, 0, 0), NotAfter: notAfter,
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: ekus,
			ExtraExtensions: []pkix.Extension{{Id: oidOCSPNoCheck, Value: asn1.NullBytes}}}, f.sub, f.subKey, &delegateKey.PublicKey)
	}
	rogueKey := fxKey(5)
	rogue := f.sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: "rogue"}, NotBefore: fxNow.AddDate(-1, 0, 0), NotAfter: fxNow.AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}}, nil, rogueKey, &rogueKey.PublicKey)

	type signer struct {
		cert *x509.Certificate // embedded responder certificate; nil = issuer signs
		key  crypto.Signer
	}
	tests := []struct {
		name      string
		by        signer
		status    int
		this, nxt time.Time
		want      error
		wantSt    Status
	}{
		{name: "issuer good", by: signer{nil, f.subKey}, status: ocsp.Good, wantSt: StatusGood},
		{name: "issuer revoked", by: signer{nil, f.subKey}, status: ocsp.Revoked, want: ErrRevoked},
		{name: "delegate with EKU", by: signer{delegate([]x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}, fxNow.AddDate(1, 0, 0)), delegateKey}, status: ocsp.Good, wantSt: StatusGood},
		{name: "delegate without EKU", by: signer{delegate([]x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, fxNow.AddDate(1, 0, 0)), delegateKey}, status: ocsp.Good, want: ErrRevocationUnknown},
		{name: "delegate expired", by: signer{delegate([]x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}, fxNow.Add(-time.Hour)), delegateKey}, status: ocsp.Good, want: ErrRevocationUnknown},
		{name: "unauthorized responder", by: signer{rogue, rogueKey}, status: ocsp.Good, want: ErrRevocationUnknown},
		{name: "issuer key not embedded, wrong key", by: signer{nil, rogueKey}, status: ocsp.Good, want: ErrRevocationUnknown},
		{name: "stale", by: signer{nil, f.subKey}, status: ocsp.Good, this: fxNow.AddDate(0, 0, -10), nxt: fxNow.AddDate(0, 0, -3), want: ErrRevocationUnknown},
		{name: "no nextUpdate, too old", by: signer{nil, f.subKey}, status: ocsp.Good, this: fxNow.AddDate(0, 0, -30), nxt: time.Time{}, want: ErrRevocationUnknown},
		{name: "thisUpdate in the future", by: signer{nil, f.subKey}, status: ocsp.Good, this: fxNow.Add(time.Hour), nxt: fxNow.AddDate(0, 0, 3), want: ErrRevocationUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := ocspServer(t, func(req *ocsp.Request) []byte {
				this, nxt := tc.this, tc.nxt
				if this.IsZero() {
					this, nxt = fxNow.Add(-time.Hour), fxNow.Add(24*time.Hour)
				}
				tmpl := ocsp.Response{Status: tc.status, SerialNumber: req.SerialNumber, ThisUpdate: this, NextUpdate: nxt,
					Certificate: tc.by.cert, RevokedAt: fxNow.Add(-time.Hour), RevocationReason: ocsp.KeyCompromise}
				respCert := f.sub
				if tc.by.cert != nil {
					respCert = tc.by.cert
				}
				der, err := ocsp.CreateResponse(f.sub, respCert, tmpl, tc.by.key)
				if err != nil {
					t.Error(err)
				}
				return der
			})
			leaf := f.leaf(t, func(c *x509.Certificate) { c.OCSPServer = []string{srv.URL}; c.CRLDistributionPoints = nil })
			cfg := f.config(t)
			cfg.HTTPClient = srv.Client()
			cfg.Revocation = RevocationOCSPThenCRL
			cfg.CRLs = cfg.CRLs[:1] // the root's CRL still covers the sub-CA
			res, err := mustVerifier(t, cfg).Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{})
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("got %v, want %v", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Revocation[0].Status != tc.wantSt || res.Revocation[0].Source != "ocsp" {
				t.Fatalf("status %+v", res.Revocation[0])
			}
		})
	}
}

func TestCRLFetch(t *testing.T) {
	f := newFixture(t)
	var hits int
	subCRL := f.crl(t, f.sub, f.subKey, nil, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if r.URL.Path == "/big.crl" {
			w.Write(make([]byte, 2048))
			return
		}
		w.Write(subCRL.Raw)
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	leaf := f.leaf(t, func(c *x509.Certificate) { c.CRLDistributionPoints = []string{srv.URL + "/sub.crl"} })
	cfg := f.config(t)
	cfg.CRLs = cfg.CRLs[:1]
	cfg.HTTPClient = srv.Client()
	v := mustVerifier(t, cfg)
	for range 3 {
		if _, err := v.Verify(ctx, leaf, []*x509.Certificate{f.sub}, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if hits != 1 {
		t.Errorf("fetched %d times, want 1 (cached until nextUpdate)", hits)
	}
	// Size limit.
	big := f.leaf(t, func(c *x509.Certificate) { c.CRLDistributionPoints = []string{srv.URL + "/big.crl"} })
	cfg.MaxCRLBytes = 1024
	_, err := mustVerifier(t, cfg).Verify(ctx, big, []*x509.Certificate{f.sub}, Options{})
	if !errors.Is(err, ErrRevocationUnknown) || !errors.Is(err, ErrFetch) {
		t.Fatalf("oversized CRL: %v", err)
	}
	// Cancelled context.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := v.Verify(cctx, leaf, nil, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}
