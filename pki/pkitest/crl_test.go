package pkitest_test

import (
	"context"
	"encoding/asn1"
	"math/big"
	"net/http"
	"testing"
	"time"

	"crypto/x509"

	"github.com/rpkit-vn/rpkit/pki/pkitest"
)

func TestCRLRevocation(t *testing.T) {
	p := pkitest.NewPKI(t)
	l := p.Issue(t, pkitest.LeafSpec{})
	url := l.Cert.CRLDistributionPoints[0]

	crl := fetchCRL(t, url)
	if err := crl.CheckSignatureFrom(p.SubCA()); err != nil {
		t.Fatalf("CRL signature: %v", err)
	}
	if len(crl.RevokedCertificateEntries) != 0 {
		t.Fatalf("fresh CRL has %d entries", len(crl.RevokedCertificateEntries))
	}
	first := crl.Number

	at := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	p.RevokeAt(l.Cert, pkitest.ReasonKeyCompromise, at)
	p.Revoke(l.Cert, pkitest.ReasonSuperseded) // second revocation: ignored
	crl = fetchCRL(t, url)
	if len(crl.RevokedCertificateEntries) != 1 {
		t.Fatalf("entries = %d", len(crl.RevokedCertificateEntries))
	}
	e := crl.RevokedCertificateEntries[0]
	if e.SerialNumber.Cmp(l.Cert.SerialNumber) != 0 || e.ReasonCode != pkitest.ReasonKeyCompromise || !e.RevocationTime.Equal(at) {
		t.Errorf("entry = %+v", e)
	}
	if crl.Number.Cmp(first) <= 0 {
		t.Errorf("CRL number did not grow: %v then %v", first, crl.Number)
	}

	// Revoking the sub-CA puts it on the root's CRL, not the sub-CA's.
	p.Revoke(p.SubCA(), pkitest.ReasonCACompromise)
	arl := fetchCRL(t, p.SubCA().CRLDistributionPoints[0])
	if err := arl.CheckSignatureFrom(p.Root()); err != nil || len(arl.RevokedCertificateEntries) != 1 {
		t.Errorf("root CRL: %v, %d entries", err, len(arl.RevokedCertificateEntries))
	}
	if p.CRLFetches() != 3 {
		t.Errorf("CRLFetches = %d", p.CRLFetches())
	}
}

func TestCRLFaults(t *testing.T) {
	p := pkitest.NewPKI(t)
	url := p.CRLServerURL() + "/crl/subca.crl"

	t.Run("Down", func(t *testing.T) {
		p.Inject(pkitest.FaultCRLDown)
		defer p.Clear(pkitest.FaultCRLDown)
		if code, _ := fetch(t, url); code != http.StatusServiceUnavailable {
			t.Fatalf("status %d", code)
		}
	})
	t.Run("Garbage", func(t *testing.T) {
		p.Inject(pkitest.FaultCRLGarbage)
		defer p.Clear(pkitest.FaultCRLGarbage)
		_, b := fetch(t, url)
		if _, err := x509.ParseRevocationList(b); err == nil {
			t.Fatal("garbage parsed")
		}
	})
	t.Run("Hang", func(t *testing.T) {
		p.Inject(pkitest.FaultCRLHang)
		defer p.Clear(pkitest.FaultCRLHang)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Fatal("hanging server answered")
		}
	})
	t.Run("Stale", func(t *testing.T) {
		p.Inject(pkitest.FaultStaleCRL)
		defer p.Clear(pkitest.FaultStaleCRL)
		crl := fetchCRL(t, url)
		if !crl.NextUpdate.Before(time.Now()) {
			t.Fatalf("nextUpdate %v not in the past", crl.NextUpdate)
		}
	})
	t.Run("WrongKey", func(t *testing.T) {
		p.Inject(pkitest.FaultCRLWrongKey)
		defer p.Clear(pkitest.FaultCRLWrongKey)
		crl := fetchCRL(t, url)
		if crl.Issuer.CommonName != pkitest.SubCACommonName {
			t.Fatalf("issuer %v", crl.Issuer)
		}
		if err := crl.CheckSignatureFrom(p.SubCA()); err == nil {
			t.Fatal("wrong-key CRL verified")
		}
	})
	t.Run("Fixed", func(t *testing.T) {
		old := p.CRL(p.SubCA())
		p.SetFixedCRL(p.SubCA(), old)
		defer p.SetFixedCRL(p.SubCA(), nil)
		_, b := fetch(t, url)
		if string(b) != string(old) {
			t.Fatal("fixed CRL not served")
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		for _, u := range []string{"/crl/nope.crl", "/crl/subca-delta.crl", "/crl/subca", "/certs/x.cer"} {
			if code, _ := fetch(t, p.CRLServerURL()+u); code != http.StatusNotFound {
				t.Errorf("%s: status %d", u, code)
			}
		}
	})
	// After the faults are cleared the CRL is good again.
	if err := fetchCRL(t, url).CheckSignatureFrom(p.SubCA()); err != nil {
		t.Fatal(err)
	}
}

func TestDeltaCRL(t *testing.T) {
	p := pkitest.NewPKI(t, pkitest.WithDeltaCRL())
	a := p.Issue(t, pkitest.LeafSpec{})
	b := p.Issue(t, pkitest.LeafSpec{})
	var freshest string
	for _, e := range a.Cert.Extensions {
		if e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 46}) {
			freshest = string(e.Value)
		}
	}
	if freshest == "" {
		t.Fatal("no FreshestCRL extension")
	}
	p.Revoke(a.Cert, 0)
	p.PublishBaseCRL()
	p.Revoke(b.Cert, 0)

	base := fetchCRL(t, p.CRLServerURL()+"/crl/subca.crl")
	delta := fetchCRL(t, p.CRLServerURL()+"/crl/subca-delta.crl")
	if len(base.RevokedCertificateEntries) != 1 || base.RevokedCertificateEntries[0].SerialNumber.Cmp(a.Cert.SerialNumber) != 0 {
		t.Errorf("base entries wrong")
	}
	if len(delta.RevokedCertificateEntries) != 1 || delta.RevokedCertificateEntries[0].SerialNumber.Cmp(b.Cert.SerialNumber) != 0 {
		t.Errorf("delta entries wrong")
	}
	var ind *big.Int
	for _, e := range delta.Extensions {
		if e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 27}) {
			if !e.Critical {
				t.Error("delta CRL indicator not critical")
			}
			if _, err := asn1.Unmarshal(e.Value, &ind); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ind == nil {
		t.Fatal("no delta CRL indicator")
	}
	// RFC 5280 §5.2.4: the delta applies to bases numbered ≥ the indicator.
	if ind.Cmp(base.Number) > 0 {
		t.Errorf("delta refers to base %v, newer than the served base %v", ind, base.Number)
	}
	if err := delta.CheckSignatureFrom(p.SubCA()); err != nil {
		t.Error(err)
	}
	_ = p.DeltaCRL(p.SubCA())
}

func TestCRLWithEntries(t *testing.T) {
	p := pkitest.NewPKI(t)
	crl, err := x509.ParseRevocationList(p.CRLWithEntries(1000))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(crl.RevokedCertificateEntries); n != 1000 {
		t.Fatalf("entries %d", n)
	}
	if crl.RevokedCertificateEntries[999].SerialNumber.Cmp(pkitest.BigCRLSerial(999)) != 0 {
		t.Error("last serial wrong")
	}
	if err := crl.CheckSignatureFrom(p.SubCA()); err != nil {
		t.Error(err)
	}
}
