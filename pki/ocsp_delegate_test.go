package pki

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// A delegated OCSP responder's own revocation (checkResponder): skipped for
// id-pkix-ocsp-nocheck, else established from the CA's CRL under the
// verifier's policy.

type delegateCase struct {
	f        *fixture
	srv      *httptest.Server
	delegate *x509.Certificate
	leaf     *x509.Certificate
	crl      atomic.Pointer[[]byte] // served at /delegates.crl; nil → 404
	crlHits  atomic.Int64
}

// newDelegateCase: the sub-CA's OCSP delegate signs "good" for every
// request; the leaf's own CRL is unavailable (404), so OCSP decides it; the
// delegate's CRL is at /delegates.crl, its IDP scoped to that point.
func newDelegateCase(t *testing.T, delegateExts ...pkix.Extension) *delegateCase {
	f := newFixture(t)
	dc := &delegateCase{f: f}
	key := fxKey(4)
	dc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/delegates.crl":
			dc.crlHits.Add(1)
			if p := dc.crl.Load(); p != nil {
				w.Write(*p)
				return
			}
			http.NotFound(w, r)
			return
		case "/leaf.crl":
			http.NotFound(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		req, err := ocsp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		tmpl := ocsp.Response{Status: ocsp.Good, SerialNumber: req.SerialNumber, ThisUpdate: fxNow.Add(-time.Hour),
			NextUpdate: fxNow.Add(24 * time.Hour), Certificate: dc.delegate}
		der, err := ocsp.CreateResponse(f.sub, dc.delegate, tmpl, key)
		if err != nil {
			t.Error(err)
		}
		w.Write(der)
	}))
	t.Cleanup(dc.srv.Close)
	dc.delegate = f.sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: "OCSP delegate"},
		NotBefore: fxNow.AddDate(-1, 0, 0), NotAfter: fxNow.AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning},
		CRLDistributionPoints: []string{dc.srv.URL + "/delegates.crl"}, ExtraExtensions: delegateExts,
	}, f.sub, f.subKey, &key.PublicKey)
	dc.leaf = f.leaf(t, func(c *x509.Certificate) {
		c.OCSPServer = []string{dc.srv.URL}
		c.CRLDistributionPoints = []string{dc.srv.URL + "/leaf.crl"}
	})
	return dc
}

// serveCRL publishes the delegates' CRL, revoking serials, valid until next.
func (dc *delegateCase) serveCRL(t *testing.T, next time.Time, revoked ...*big.Int) {
	idp := seq(tagged(0, tagged(0, tlv(asn1.ClassContextSpecific, 6, false, []byte(dc.srv.URL+"/delegates.crl")))))
	rl := dc.f.crl(t, dc.f.sub, dc.f.subKey, revoked, func(rl *x509.RevocationList) {
		rl.NextUpdate = next
		rl.ExtraExtensions = []pkix.Extension{{Id: oidIssuingDP, Critical: true, Value: idp}}
	})
	dc.crl.Store(&rl.Raw)
}

func (dc *delegateCase) verifier(t *testing.T, policy RevocationPolicy) *Verifier {
	cfg := dc.f.config(t)
	cfg.CRLs = cfg.CRLs[:1] // the root's: the sub-CA stays covered
	cfg.HTTPClient = dc.srv.Client()
	cfg.Revocation = policy
	return mustVerifier(t, cfg)
}

func (dc *delegateCase) verify(v *Verifier, at time.Time) (*Result, error) {
	return v.Verify(context.Background(), dc.leaf, []*x509.Certificate{dc.f.sub}, Options{At: at})
}

var noCheck = pkix.Extension{Id: oidOCSPNoCheck, Value: asn1.NullBytes}

func TestOCSPDelegateRevocation(t *testing.T) {
	week := fxNow.Add(7 * 24 * time.Hour)
	tests := []struct {
		name     string
		exts     []pkix.Extension
		policy   RevocationPolicy
		crl      bool // publish the delegates' CRL
		revoke   bool // with the delegate on it
		want     string
		wantSt   Status
		wantHits bool // the delegates' CRL was fetched
	}{
		{name: "nocheck, no CRL", exts: []pkix.Extension{noCheck}, policy: RevocationOCSPThenCRL, wantSt: StatusGood},
		{name: "nocheck, delegate on the CRL", exts: []pkix.Extension{noCheck}, policy: RevocationOCSPThenCRL, crl: true, revoke: true, wantSt: StatusGood},
		{name: "CRL says good", policy: RevocationOCSPThenCRL, crl: true, wantSt: StatusGood, wantHits: true},
		{name: "CRL revokes the delegate", policy: RevocationOCSPThenCRL, crl: true, revoke: true, want: "responder certificate revoked", wantHits: true},
		{name: "no CRL, hard fail", policy: RevocationOCSPThenCRL, want: "responder certificate revocation unknown", wantHits: true},
		{name: "no CRL, default policy", policy: RevocationHardFail, want: "responder certificate revocation unknown", wantHits: true},
		{name: "no CRL, soft fail", policy: RevocationSoftFail, wantSt: StatusGood, wantHits: true},
		{name: "soft fail, CRL revokes the delegate", policy: RevocationSoftFail, crl: true, revoke: true, wantSt: StatusUnknown, want: "responder certificate revoked", wantHits: true},
		{name: "malformed nocheck counts as absent", exts: []pkix.Extension{{Id: oidOCSPNoCheck, Value: []byte{0x01, 0x01, 0xff}}},
			policy: RevocationOCSPThenCRL, crl: true, revoke: true, want: "responder certificate revoked", wantHits: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dc := newDelegateCase(t, tc.exts...)
			if tc.crl {
				var revoked []*big.Int
				if tc.revoke {
					revoked = append(revoked, dc.delegate.SerialNumber)
				}
				dc.serveCRL(t, week, revoked...)
			}
			res, err := dc.verify(dc.verifier(t, tc.policy), time.Time{})
			if hits := dc.crlHits.Load() > 0; hits != tc.wantHits {
				t.Errorf("delegates' CRL fetched: %v, want %v", hits, tc.wantHits)
			}
			if tc.wantSt == StatusUnknown { // refused
				if tc.policy == RevocationSoftFail {
					if err != nil || res.Revocation[0].Status != StatusUnknown || !strings.Contains(res.Revocation[0].Err.Error(), tc.want) {
						t.Fatalf("got %v %+v, want unknown: %s", err, res, tc.want)
					}
					return
				}
				if !errors.Is(err, ErrRevocationUnknown) || !errors.Is(err, ErrOCSPInvalid) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got %v, want refused: %s", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st := res.Revocation[0]; st.Status != tc.wantSt || st.Source != "ocsp" {
				t.Fatalf("status %+v", st)
			}
		})
	}
}

// TestOCSPDelegateRevocationCached: a cached answer is used only while its
// delegate's status still holds; here its CRL goes stale.
func TestOCSPDelegateRevocationCached(t *testing.T) {
	dc := newDelegateCase(t)
	dc.serveCRL(t, fxNow.Add(time.Hour))
	v := dc.verifier(t, RevocationOCSPThenCRL)
	if _, err := dc.verify(v, fxNow); err != nil {
		t.Fatal(err)
	}
	_, err := dc.verify(v, fxNow.Add(3*time.Hour)) // answer fresh until +24h, CRL stale
	if !errors.Is(err, ErrRevocationUnknown) || !strings.Contains(err.Error(), "responder certificate revocation unknown") {
		t.Fatalf("cached answer of a delegate of unknown status: %v", err)
	}
}
