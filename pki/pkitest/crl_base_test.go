package pkitest_test

import (
	"crypto/x509"
	"encoding/asn1"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/pki/pkitest"
)

// deltaIndicator returns a delta CRL's BaseCRLNumber, failing the test when
// crl is not a delta.
func deltaIndicator(t *testing.T, crl *x509.RevocationList) *big.Int {
	t.Helper()
	for _, e := range crl.Extensions {
		if e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 27}) {
			var n *big.Int
			if _, err := asn1.Unmarshal(e.Value, &n); err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("not a delta CRL")
	return nil
}

func serials(crl *x509.RevocationList) map[string]bool {
	m := map[string]bool{}
	for _, e := range crl.RevokedCertificateEntries {
		m[e.SerialNumber.String()] = true
	}
	return m
}

// TestDeltaCRLNumbering: however often and in whatever order base and delta
// are fetched, the base served is the one published, and every delta is
// numbered after it and refers to it (RFC 5280 §5.2.4) — the property a
// relying party combining them depends on.
func TestDeltaCRLNumbering(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	p := pkitest.NewPKI(t, pkitest.WithDeltaCRL(), pkitest.WithClock(clock), pkitest.WithCRLValidity(time.Hour))
	baseURL, deltaURL := p.CRLServerURL()+"/crl/subca.crl", p.CRLServerURL()+"/crl/subca-delta.crl"
	a := p.Issue(t, pkitest.LeafSpec{})
	b := p.Issue(t, pkitest.LeafSpec{})
	p.Revoke(a.Cert, pkitest.ReasonKeyCompromise)
	p.PublishBaseCRL()
	p.Revoke(b.Cert, pkitest.ReasonSuperseded)

	delta1 := fetchCRL(t, deltaURL)
	base1 := fetchCRL(t, baseURL)
	base2 := fetchCRL(t, baseURL)
	delta2 := fetchCRL(t, deltaURL)
	if base1.Number.Cmp(base2.Number) != 0 || !base1.ThisUpdate.Equal(base2.ThisUpdate) {
		t.Errorf("base re-issued: number %v then %v", base1.Number, base2.Number)
	}
	for _, d := range []*x509.RevocationList{delta1, delta2} {
		if deltaIndicator(t, d).Cmp(base2.Number) != 0 || d.Number.Cmp(base2.Number) <= 0 {
			t.Errorf("delta %v (base %v) does not apply to base %v", d.Number, deltaIndicator(t, d), base2.Number)
		}
		if s := serials(d); len(s) != 1 || !s[b.Cert.SerialNumber.String()] {
			t.Errorf("delta lists %v, want only the revocation since the base", s)
		}
	}
	if delta2.Number.Cmp(delta1.Number) <= 0 {
		t.Errorf("delta numbers %v then %v", delta1.Number, delta2.Number)
	}
	if s := serials(base2); len(s) != 1 || !s[a.Cert.SerialNumber.String()] {
		t.Errorf("base lists %v, want the revocations before its publication", s)
	}
	// p.CRL serves the same base offline.
	offline, err := x509.ParseRevocationList(p.CRL(p.SubCA()))
	if err != nil || offline.Number.Cmp(base2.Number) != 0 {
		t.Errorf("offline base %v, %v; served %v", offline.Number, err, base2.Number)
	}

	// A base published later carries everything, and the next delta is
	// empty and refers to it.
	p.PublishBaseCRL()
	base3, delta3 := fetchCRL(t, baseURL), fetchCRL(t, deltaURL)
	if base3.Number.Cmp(delta2.Number) <= 0 || len(serials(base3)) != 2 {
		t.Errorf("new base %v lists %d", base3.Number, len(serials(base3)))
	}
	if deltaIndicator(t, delta3).Cmp(base3.Number) != 0 || len(delta3.RevokedCertificateEntries) != 0 {
		t.Errorf("delta after new base: base %v, %d entries", deltaIndicator(t, delta3), len(delta3.RevokedCertificateEntries))
	}

	// When the base expires by the PKI clock, the next one publishes itself.
	mu.Lock()
	now = now.Add(90 * time.Minute)
	mu.Unlock()
	base4 := fetchCRL(t, baseURL)
	if base4.Number.Cmp(base3.Number) <= 0 || !base4.ThisUpdate.After(base3.ThisUpdate) || !base4.NextUpdate.After(clock()) {
		t.Errorf("expired base not republished: %v at %v", base4.Number, base4.ThisUpdate)
	}
}
