package pki

import (
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"
	"net/http"
	"sync"
	"testing"
)

const fxDeltaURL = "http://crl.invalid/sub-delta.crl"

// freshestExtension encodes a FreshestCRL extension naming uri.
func freshestExtension(tb testing.TB, uri string) pkix.Extension {
	tb.Helper()
	type dpName struct {
		FullName []asn1.RawValue `asn1:"optional,tag:0"`
	}
	type dp struct {
		Name dpName `asn1:"optional,tag:0"`
	}
	gn := asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 6, Bytes: []byte(uri)}
	val, err := asn1.Marshal([]dp{{Name: dpName{FullName: []asn1.RawValue{gn}}}})
	if err != nil {
		tb.Fatal(err)
	}
	return pkix.Extension{Id: oidFreshestCRL, Value: val}
}

// crlServer answers GETs of the URLs in crls with their DER, 404
// otherwise, and records what was asked.
type crlServer struct {
	mu    sync.Mutex
	crls  map[string][]byte
	asked []string
}

func (s *crlServer) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, r.URL.String())
	der, ok := s.crls[r.URL.String()]
	code := http.StatusOK
	if !ok {
		code = http.StatusNotFound
	}
	return &http.Response{StatusCode: code, Body: io.NopCloser(bytes.NewReader(der)), Header: http.Header{}, Request: r}, nil
}

func (s *crlServer) askedFor() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.asked...)
}

// TestDeltaFetched: deltas named by FreshestCRL, in the certificate or in
// the base CRL, are fetched and applied only under RFC 5280 §5.2.4.
func TestDeltaFetched(t *testing.T) {
	f := newFixture(t)
	indicator := func(n int64) pkix.Extension {
		v, err := asn1.Marshal(big.NewInt(n))
		if err != nil {
			t.Fatal(err)
		}
		return pkix.Extension{Id: oidDeltaCRLIndicator, Critical: true, Value: v}
	}
	withFreshest := func(c *x509.Certificate) {
		c.SerialNumber = big.NewInt(777)
		c.ExtraExtensions = []pkix.Extension{freshestExtension(t, fxDeltaURL)}
	}
	plain := func(c *x509.Certificate) { c.SerialNumber = big.NewInt(777) }
	base := func(freshest bool, revoked []*big.Int, reason int) *x509.RevocationList {
		return f.crl(t, f.sub, f.subKey, revoked, func(r *x509.RevocationList) {
			r.Number = big.NewInt(10)
			for i := range r.RevokedCertificateEntries {
				r.RevokedCertificateEntries[i].ReasonCode = reason
			}
			if freshest {
				r.ExtraExtensions = []pkix.Extension{freshestExtension(t, fxDeltaURL)}
			}
		})
	}
	delta := func(number, baseNumber int64, reason int, mod func(*x509.RevocationList)) *x509.RevocationList {
		return f.crl(t, f.sub, f.subKey, []*big.Int{big.NewInt(777)}, func(r *x509.RevocationList) {
			r.Number = big.NewInt(number)
			r.RevokedCertificateEntries[0].ReasonCode = reason
			r.ExtraExtensions = []pkix.Extension{indicator(baseNumber)}
			if mod != nil {
				mod(r)
			}
		})
	}
	wrongKey := f.crl(t, f.sub, fxKey(3), []*big.Int{big.NewInt(777)}, func(r *x509.RevocationList) {
		r.Number = big.NewInt(11)
		r.ExtraExtensions = []pkix.Extension{indicator(10)}
	})
	onlyCA := func(r *x509.RevocationList) {
		idp, err := asn1.Marshal(struct {
			OnlyCA bool `asn1:"optional,tag:2"`
		}{true})
		if err != nil {
			t.Fatal(err)
		}
		r.ExtraExtensions = append(r.ExtraExtensions, pkix.Extension{Id: oidIssuingDP, Critical: true, Value: idp})
	}

	tests := []struct {
		name      string
		leaf      func(*x509.Certificate)
		base      *x509.RevocationList
		delta     *x509.RevocationList // served at fxDeltaURL; nil: 404
		want      error                // nil: good
		wantFetch bool
	}{
		{"certificate's FreshestCRL", withFreshest, base(false, nil, 0), delta(11, 10, ReasonKeyCompromise, nil), ErrRevoked, true},
		{"base CRL's FreshestCRL", plain, base(true, nil, 0), delta(11, 10, ReasonKeyCompromise, nil), ErrRevoked, true},
		{"no FreshestCRL: nothing fetched", plain, base(false, nil, 0), delta(11, 10, ReasonKeyCompromise, nil), nil, false},
		{"delta unreachable: base decides", withFreshest, base(false, nil, 0), nil, nil, true},
		{"delta on a newer base ignored", withFreshest, base(false, nil, 0), delta(12, 11, ReasonKeyCompromise, nil), nil, true},
		{"delta not newer than base ignored", withFreshest, base(false, nil, 0), delta(10, 9, ReasonKeyCompromise, nil), nil, true},
		{"delta signed by another key ignored", withFreshest, base(false, nil, 0), wrongKey, nil, true},
		{"delta of another scope ignored", withFreshest, base(false, nil, 0), delta(11, 10, ReasonKeyCompromise, onlyCA), nil, true},
		{"revoked on base: final, no delta asked", withFreshest, base(false, []*big.Int{big.NewInt(777)}, ReasonKeyCompromise), delta(11, 10, ReasonRemoveFromCRL, nil), ErrRevoked, false},
		{"hold on base lifted by delta", withFreshest, base(false, []*big.Int{big.NewInt(777)}, ReasonCertificateHold), delta(11, 10, ReasonRemoveFromCRL, nil), nil, true},
		{"hold on base, delta unreachable", withFreshest, base(false, []*big.Int{big.NewInt(777)}, ReasonCertificateHold), nil, ErrRevoked, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaf := f.leaf(t, tt.leaf)
			srv := &crlServer{crls: map[string][]byte{}}
			if tt.delta != nil {
				srv.crls[fxDeltaURL] = tt.delta.Raw
			}
			cfg := f.config(t)
			cfg.CRLs = []*x509.RevocationList{cfg.CRLs[0], tt.base}
			cfg.HTTPClient = &http.Client{Transport: srv}
			cfg.Revocation = RevocationCRLOnly
			v := mustVerifier(t, cfg)
			for round := range 2 { // the second round runs on the cache
				_, err := v.Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{})
				if (tt.want == nil) != (err == nil) || tt.want != nil && !errors.Is(err, tt.want) {
					t.Fatalf("round %d: got %v, want %v", round, err, tt.want)
				}
			}
			asked := srv.askedFor()
			for _, u := range asked {
				if u != fxDeltaURL {
					t.Errorf("fetched %s", u)
				}
			}
			if got := len(asked) > 0; got != tt.wantFetch {
				t.Errorf("delta fetched: %v, want %v", asked, tt.wantFetch)
			}
			if tt.delta != nil && len(asked) > 1 {
				t.Errorf("delta fetched %d times: cached like a base", len(asked))
			}
		})
	}
}
