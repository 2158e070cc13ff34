package pkitest_test

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/rpkit-vn/rpkit/pki/pkitest"
)

// askOCSP sends an OCSP request for cert over POST (or GET) and returns the
// raw response.
func askOCSP(t *testing.T, p *pkitest.PKI, cert, issuer *x509.Certificate, get bool) []byte {
	t.Helper()
	req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{Hash: crypto.SHA256})
	if err != nil {
		t.Fatal(err)
	}
	var resp *http.Response
	if get {
		resp, err = http.Get(p.OCSPServerURL() + "/" + url.PathEscape(base64.StdEncoding.EncodeToString(req)))
	} else {
		resp, err = http.Post(p.OCSPServerURL(), "application/ocsp-request", bytes.NewReader(req))
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("OCSP status %d", resp.StatusCode)
	}
	return b
}

func TestOCSP(t *testing.T) {
	p := pkitest.NewPKI(t)
	l := p.Issue(t, pkitest.LeafSpec{})
	for _, get := range []bool{false, true} {
		r, err := ocsp.ParseResponseForCert(askOCSP(t, p, l.Cert, p.SubCA(), get), l.Cert, p.SubCA())
		if err != nil || r.Status != ocsp.Good {
			t.Fatalf("get=%v: %v status %v", get, err, r)
		}
		if !bytes.Equal(r.RawResponderName, p.SubCA().RawSubject) && r.ResponderKeyHash == nil {
			t.Error("responder not identified")
		}
		if r.Certificate != nil {
			t.Error("issuer-signed response embeds a certificate")
		}
	}
	at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	p.RevokeAt(l.Cert, pkitest.ReasonKeyCompromise, at)
	r, err := ocsp.ParseResponseForCert(askOCSP(t, p, l.Cert, p.SubCA(), false), l.Cert, p.SubCA())
	if err != nil || r.Status != ocsp.Revoked || r.RevocationReason != pkitest.ReasonKeyCompromise || !r.RevokedAt.Equal(at) {
		t.Fatalf("revoked: %v %+v", err, r)
	}

	// The sub-CA itself, asked of the root.
	r, err = ocsp.ParseResponseForCert(askOCSP(t, p, p.SubCA(), p.Root(), false), p.SubCA(), p.Root())
	if err != nil || r.Status != ocsp.Good {
		t.Fatalf("sub-CA: %v %+v", err, r)
	}

	// A serial this CA never issued is unknown.
	fake := *l.Cert
	fake.SerialNumber = big.NewInt(42)
	r, err = ocsp.ParseResponseForCert(askOCSP(t, p, &fake, p.SubCA(), false), &fake, p.SubCA())
	if err != nil || r.Status != ocsp.Unknown {
		t.Fatalf("unknown: %v %+v", err, r)
	}

	// An issuer that is not ours: unauthorized.
	other := pkitest.NewPKI(t)
	ol := other.Issue(t, pkitest.LeafSpec{})
	if _, err := ocsp.ParseResponse(askOCSP(t, p, ol.Cert, other.SubCA(), false), nil); err == nil {
		t.Fatal("foreign issuer answered")
	} else if re, ok := err.(ocsp.ResponseError); !ok || re.Status != ocsp.Unauthorized {
		t.Fatalf("foreign issuer: %v", err)
	}

	// Garbage request: malformed.
	resp, err := http.Post(p.OCSPServerURL(), "application/ocsp-request", bytes.NewReader([]byte("junk")))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if _, err := ocsp.ParseResponse(b, nil); err == nil {
		t.Fatal("junk request answered")
	}
	if p.OCSPRequests() != 7 {
		t.Errorf("OCSPRequests = %d", p.OCSPRequests())
	}
}

func TestOCSPDelegated(t *testing.T) {
	p := pkitest.NewPKI(t, pkitest.WithDelegatedOCSP())
	l := p.Issue(t, pkitest.LeafSpec{})
	r, err := ocsp.ParseResponseForCert(askOCSP(t, p, l.Cert, p.SubCA(), false), l.Cert, p.SubCA())
	if err != nil || r.Status != ocsp.Good {
		t.Fatalf("%v %+v", err, r)
	}
	d := r.Certificate
	if d == nil || !d.Equal(p.OCSPResponder(p.SubCA())) {
		t.Fatal("delegate certificate not embedded")
	}
	if len(d.ExtKeyUsage) != 1 || d.ExtKeyUsage[0] != x509.ExtKeyUsageOCSPSigning || d.CheckSignatureFrom(p.SubCA()) != nil {
		t.Errorf("delegate: EKU %v", d.ExtKeyUsage)
	}
	// Offline form agrees, and switching delegation off signs with the CA.
	p.SetDelegatedOCSP(false)
	r, err = ocsp.ParseResponseForCert(p.OCSPResponse(l.Cert), l.Cert, p.SubCA())
	if err != nil || r.Certificate != nil {
		t.Fatalf("after SetDelegatedOCSP(false): %v, cert %v", err, r.Certificate != nil)
	}
}

func TestOCSPFaults(t *testing.T) {
	p := pkitest.NewPKI(t)
	l := p.Issue(t, pkitest.LeafSpec{})

	p.Inject(pkitest.FaultOCSPDown)
	resp, err := http.Post(p.OCSPServerURL(), "application/ocsp-request", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("down: %d", resp.StatusCode)
	}
	p.Clear(pkitest.FaultOCSPDown)

	p.Inject(pkitest.FaultOCSPHang)
	c := &http.Client{Timeout: 100 * time.Millisecond}
	if resp, err := c.Post(p.OCSPServerURL(), "application/ocsp-request", nil); err == nil {
		resp.Body.Close()
		t.Error("hanging responder answered")
	}
	p.Clear(pkitest.FaultOCSPHang)

	p.Inject(pkitest.FaultStaleOCSP)
	r, err := ocsp.ParseResponseForCert(askOCSP(t, p, l.Cert, p.SubCA(), false), l.Cert, p.SubCA())
	if err != nil || !r.NextUpdate.Before(time.Now()) {
		t.Errorf("stale: %v next %v", err, r.NextUpdate)
	}
	p.Clear(pkitest.FaultStaleOCSP)

	p.Inject(pkitest.FaultOCSPWrongKey)
	raw := askOCSP(t, p, l.Cert, p.SubCA(), false)
	if _, err := ocsp.ParseResponseForCert(raw, l.Cert, p.SubCA()); err == nil {
		t.Error("rogue-signed response verified against the issuer")
	}
	p.Clear(pkitest.FaultOCSPWrongKey)

	p.Inject(pkitest.FaultOCSPDelegateNoEKU)
	r, err = ocsp.ParseResponse(askOCSP(t, p, l.Cert, p.SubCA(), false), nil)
	if err != nil || r.Certificate == nil || r.Certificate.CheckSignatureFrom(p.SubCA()) != nil {
		t.Fatalf("no-EKU delegate: %v", err)
	}
	for _, e := range r.Certificate.ExtKeyUsage {
		if e == x509.ExtKeyUsageOCSPSigning {
			t.Error("no-EKU delegate has OCSPSigning")
		}
	}
	p.Clear(pkitest.FaultOCSPDelegateNoEKU)
}
