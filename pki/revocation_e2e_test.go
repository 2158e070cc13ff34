package pki_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/pki/pkitest"
)

// End-to-end revocation: pki.Verifier against pkitest's live CRL and OCSP
// servers (real HTTP on loopback), with its faults injected. Each case
// builds its own PKI and Verifier so that no cache carries over.

type e2eCase struct {
	p *pkitest.PKI
	v *pki.Verifier
}

func newE2E(t *testing.T, policy pki.RevocationPolicy, opts ...pkitest.Option) *e2eCase {
	t.Helper()
	p := pkitest.NewPKI(t, opts...)
	v, err := pki.NewVerifier(pki.Config{Roots: []*x509.Certificate{p.Root()}, Revocation: policy,
		FetchTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &e2eCase{p: p, v: v}
}

func (c *e2eCase) leaf(t *testing.T) *pkitest.Leaf {
	t.Helper()
	return c.p.Issue(t, pkitest.LeafSpec{Subject: pkitest.AgencySubject("SỞ Y TẾ", testAgencyCode, testMST)})
}

func (c *e2eCase) verify(leaf *pkitest.Leaf) (*pki.Result, error) {
	return c.v.Verify(context.Background(), leaf.Cert, leaf.Intermediates(), pki.Options{Purpose: "e2e"})
}

// wantStatuses checks the leaf's and the sub-CA's revocation status and source.
func wantStatuses(t *testing.T, res *pki.Result, err error, st pki.Status, sources ...string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Revocation) != 2 {
		t.Fatalf("revocation statuses %+v", res.Revocation)
	}
	for i, rs := range res.Revocation {
		if rs.Status != st || (i < len(sources) && rs.Source != sources[i]) {
			t.Errorf("revocation[%d] = %+v, want %v from %v", i, rs, st, sources)
		}
	}
}

func wantErr(t *testing.T, err error, want ...error) {
	t.Helper()
	for _, w := range want {
		if !errors.Is(err, w) {
			t.Fatalf("got %v, want %v", err, w)
		}
	}
}

func TestE2EGoodAndCached(t *testing.T) {
	c := newE2E(t, pki.RevocationHardFail)
	leaf := c.leaf(t)
	res, err := c.verify(leaf)
	wantStatuses(t, res, err, pki.StatusGood, "crl", "crl")
	fetches := c.p.CRLFetches()
	if fetches == 0 {
		t.Fatal("no CRL fetched")
	}
	res, err = c.verify(leaf)
	wantStatuses(t, res, err, pki.StatusGood, "crl", "crl")
	if c.p.CRLFetches() != fetches {
		t.Errorf("CRLs fetched again (%d → %d): they are cached until nextUpdate", fetches, c.p.CRLFetches())
	}
}

func TestE2ERevokedLeafCRL(t *testing.T) {
	c := newE2E(t, pki.RevocationCRLOnly)
	leaf := c.leaf(t)
	c.p.Revoke(leaf.Cert, pkitest.ReasonKeyCompromise)
	_, err := c.verify(leaf)
	wantErr(t, err, pki.ErrRevoked)
	var ve *pki.VerifyError
	if !errors.As(err, &ve) || ve.Depth != 0 {
		t.Fatalf("want the leaf (depth 0) at fault: %v", err)
	}
	if c.p.OCSPRequests() != 0 {
		t.Error("CRLOnly asked OCSP")
	}
}

func TestE2ERevokedLeafOCSP(t *testing.T) {
	c := newE2E(t, pki.RevocationOCSPThenCRL)
	leaf := c.leaf(t)
	good := c.leaf(t)
	c.p.Revoke(leaf.Cert, pkitest.ReasonKeyCompromise)
	// With the CRL server down only OCSP can decide.
	c.p.Inject(pkitest.FaultCRLDown)
	_, err := c.verify(leaf)
	wantErr(t, err, pki.ErrRevoked)
	if c.p.OCSPRequests() == 0 {
		t.Fatal("OCSP not asked")
	}
	res, err := c.verify(good)
	wantStatuses(t, res, err, pki.StatusGood, "ocsp", "ocsp")
}

func TestE2ERevokedSubCA(t *testing.T) {
	for _, policy := range []pki.RevocationPolicy{pki.RevocationCRLOnly, pki.RevocationOCSPThenCRL} {
		c := newE2E(t, policy)
		leaf := c.leaf(t)
		c.p.Revoke(c.p.SubCA(), pkitest.ReasonCACompromise)
		_, err := c.verify(leaf)
		wantErr(t, err, pki.ErrRevoked)
		var ve *pki.VerifyError
		if !errors.As(err, &ve) || ve.Depth != 1 {
			t.Fatalf("policy %d: want the sub-CA (depth 1) at fault: %v", policy, err)
		}
	}
}

func TestE2ECRLDown(t *testing.T) {
	t.Run("hard fail, OCSP down too", func(t *testing.T) {
		c := newE2E(t, pki.RevocationHardFail)
		leaf := c.leaf(t)
		c.p.Inject(pkitest.FaultCRLDown | pkitest.FaultOCSPDown)
		_, err := c.verify(leaf)
		wantErr(t, err, pki.ErrRevocationUnknown)
	})
	t.Run("hard fail falls back to OCSP", func(t *testing.T) {
		c := newE2E(t, pki.RevocationHardFail)
		leaf := c.leaf(t)
		c.p.Inject(pkitest.FaultCRLDown)
		res, err := c.verify(leaf)
		wantStatuses(t, res, err, pki.StatusGood, "ocsp", "ocsp")
	})
	t.Run("CRL only", func(t *testing.T) {
		c := newE2E(t, pki.RevocationCRLOnly)
		leaf := c.leaf(t)
		c.p.Inject(pkitest.FaultCRLDown)
		_, err := c.verify(leaf)
		wantErr(t, err, pki.ErrRevocationUnknown)
	})
	t.Run("soft fail accepts, reports unknown", func(t *testing.T) {
		c := newE2E(t, pki.RevocationSoftFail)
		leaf := c.leaf(t)
		c.p.Inject(pkitest.FaultCRLDown | pkitest.FaultOCSPDown)
		res, err := c.verify(leaf)
		wantStatuses(t, res, err, pki.StatusUnknown)
		if res.Revocation[0].Err == nil {
			t.Error("unknown status without its reason")
		}
	})
	t.Run("soft fail still refuses a revoked certificate", func(t *testing.T) {
		c := newE2E(t, pki.RevocationSoftFail)
		leaf := c.leaf(t)
		c.p.Revoke(leaf.Cert, pkitest.ReasonKeyCompromise)
		c.p.Inject(pkitest.FaultCRLDown) // OCSP still says revoked
		_, err := c.verify(leaf)
		wantErr(t, err, pki.ErrRevoked)
	})
	t.Run("hanging server bounded by FetchTimeout", func(t *testing.T) {
		p := pkitest.NewPKI(t)
		v, err := pki.NewVerifier(pki.Config{Roots: []*x509.Certificate{p.Root()}, Revocation: pki.RevocationCRLOnly,
			FetchTimeout: 300 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		leaf := p.Issue(t, pkitest.LeafSpec{})
		p.Inject(pkitest.FaultCRLHang)
		start := time.Now()
		_, err = v.Verify(context.Background(), leaf.Cert, leaf.Intermediates(), pki.Options{})
		wantErr(t, err, pki.ErrRevocationUnknown)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	})
	t.Run("garbage CRL", func(t *testing.T) {
		c := newE2E(t, pki.RevocationCRLOnly)
		leaf := c.leaf(t)
		c.p.Inject(pkitest.FaultCRLGarbage)
		_, err := c.verify(leaf)
		wantErr(t, err, pki.ErrRevocationUnknown)
	})
}

func TestE2EStaleCRL(t *testing.T) {
	c := newE2E(t, pki.RevocationCRLOnly)
	leaf := c.leaf(t)
	c.p.Inject(pkitest.FaultStaleCRL)
	_, err := c.verify(leaf)
	wantErr(t, err, pki.ErrRevocationUnknown)
	t.Logf("stale CRL: %v", err)

	// Under hard fail OCSP answers instead.
	h := newE2E(t, pki.RevocationHardFail)
	leaf = h.leaf(t)
	h.p.Inject(pkitest.FaultStaleCRL)
	res, err := h.verify(leaf)
	wantStatuses(t, res, err, pki.StatusGood, "ocsp", "ocsp")
}

func TestE2ECRLWrongKey(t *testing.T) {
	c := newE2E(t, pki.RevocationCRLOnly)
	leaf := c.leaf(t)
	c.p.Revoke(leaf.Cert, pkitest.ReasonKeyCompromise)
	c.p.Inject(pkitest.FaultCRLWrongKey)
	// A CRL that does not verify decides nothing: neither "good" nor
	// (here, though it lists the leaf) "revoked".
	_, err := c.verify(leaf)
	wantErr(t, err, pki.ErrRevocationUnknown)
	if errors.Is(err, pki.ErrRevoked) {
		t.Fatalf("a forged CRL was believed: %v", err)
	}
	t.Logf("wrong-key CRL: %v", err)
}

func TestE2EOCSPResponders(t *testing.T) {
	t.Run("unauthorized responder", func(t *testing.T) {
		c := newE2E(t, pki.RevocationOCSPThenCRL)
		leaf := c.leaf(t)
		c.p.Inject(pkitest.FaultOCSPWrongKey | pkitest.FaultCRLDown)
		_, err := c.verify(leaf)
		wantErr(t, err, pki.ErrRevocationUnknown)
	})
	t.Run("unauthorized responder, CRL decides", func(t *testing.T) {
		c := newE2E(t, pki.RevocationOCSPThenCRL)
		leaf := c.leaf(t)
		c.p.Inject(pkitest.FaultOCSPWrongKey)
		res, err := c.verify(leaf)
		wantStatuses(t, res, err, pki.StatusGood, "crl", "crl")
	})
	t.Run("delegated responder with EKU", func(t *testing.T) {
		c := newE2E(t, pki.RevocationOCSPThenCRL, pkitest.WithDelegatedOCSP())
		leaf := c.leaf(t)
		revoked := c.leaf(t)
		c.p.Revoke(revoked.Cert, pkitest.ReasonKeyCompromise)
		c.p.Inject(pkitest.FaultCRLDown)
		res, err := c.verify(leaf)
		wantStatuses(t, res, err, pki.StatusGood, "ocsp", "ocsp")
		_, err = c.verify(revoked)
		wantErr(t, err, pki.ErrRevoked)
	})
	t.Run("delegated responder without EKU", func(t *testing.T) {
		c := newE2E(t, pki.RevocationOCSPThenCRL, pkitest.WithDelegatedOCSP())
		leaf := c.leaf(t)
		c.p.Inject(pkitest.FaultOCSPDelegateNoEKU | pkitest.FaultCRLDown)
		_, err := c.verify(leaf)
		wantErr(t, err, pki.ErrRevocationUnknown)
	})
	t.Run("stale OCSP", func(t *testing.T) {
		c := newE2E(t, pki.RevocationOCSPThenCRL)
		leaf := c.leaf(t)
		c.p.Inject(pkitest.FaultStaleOCSP | pkitest.FaultCRLDown)
		_, err := c.verify(leaf)
		wantErr(t, err, pki.ErrRevocationUnknown)
	})
}

func TestE2EDeltaCRL(t *testing.T) {
	c := newE2E(t, pki.RevocationCRLOnly, pkitest.WithDeltaCRL())
	onBase := c.leaf(t)
	onDelta := c.leaf(t)
	good := c.leaf(t)
	c.p.Revoke(onBase.Cert, pkitest.ReasonKeyCompromise)
	c.p.PublishBaseCRL()
	c.p.Revoke(onDelta.Cert, pkitest.ReasonSuperseded)

	// The CRLs as pkitest serves them, in no particular order: the base
	// is re-served as published and each delta is numbered after it.
	parse := func(der []byte) *x509.RevocationList {
		crl, err := x509.ParseRevocationList(der)
		if err != nil {
			t.Fatal(err)
		}
		return crl
	}
	delta := parse(c.p.DeltaCRL(c.p.SubCA()))
	subBase := parse(c.p.CRL(c.p.SubCA()))
	rootCRL := parse(c.p.CRL(c.p.Root()))
	for _, e := range subBase.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(onDelta.Cert.SerialNumber) == 0 {
			t.Fatal("the base lists a revocation made after it; the delta cases below would prove nothing")
		}
	}

	t.Run("base CRL fetched", func(t *testing.T) {
		_, err := c.verify(onBase)
		wantErr(t, err, pki.ErrRevoked)
	})
	t.Run("base and delta loaded offline", func(t *testing.T) {
		v, err := pki.NewVerifier(pki.Config{Roots: []*x509.Certificate{c.p.Root()}, Revocation: pki.RevocationCRLOnly,
			CRLs: []*x509.RevocationList{delta, rootCRL, subBase}, HTTPClient: noFetch(t)})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range []*pkitest.Leaf{onBase, onDelta} {
			_, err := v.Verify(context.Background(), l.Cert, l.Intermediates(), pki.Options{})
			wantErr(t, err, pki.ErrRevoked)
		}
		res, err := v.Verify(context.Background(), good.Cert, good.Intermediates(), pki.Options{})
		wantStatuses(t, res, err, pki.StatusGood, "crl", "crl")
	})
	t.Run("base alone when the delta cannot be fetched", func(t *testing.T) {
		// The base is the issuer's word until its nextUpdate: it decides
		// alone, missing the later revocation, as without deltas.
		var asked []string
		v, err := pki.NewVerifier(pki.Config{Roots: []*x509.Certificate{c.p.Root()}, Revocation: pki.RevocationCRLOnly,
			CRLs: []*x509.RevocationList{rootCRL, subBase}, HTTPClient: unreachable(&asked)})
		if err != nil {
			t.Fatal(err)
		}
		res, err := v.Verify(context.Background(), onDelta.Cert, onDelta.Intermediates(), pki.Options{})
		wantStatuses(t, res, err, pki.StatusGood, "crl", "crl")
		if len(asked) != 1 || !strings.HasSuffix(asked[0], "-delta.crl") {
			t.Errorf("asked for %v, want the delta named by FreshestCRL", asked)
		}
	})
	t.Run("delta fetched from FreshestCRL", func(t *testing.T) {
		_, err := c.verify(onDelta)
		wantErr(t, err, pki.ErrRevoked)
		res, err := c.verify(good)
		wantStatuses(t, res, err, pki.StatusGood, "crl", "crl")
	})
	t.Run("delta fetched when the base is cached", func(t *testing.T) {
		// A verifier that holds the base fetches the delta, and only it.
		var asked []string
		v, err := pki.NewVerifier(pki.Config{Roots: []*x509.Certificate{c.p.Root()}, Revocation: pki.RevocationCRLOnly,
			CRLs: []*x509.RevocationList{rootCRL, subBase}, HTTPClient: recording(&asked)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.Verify(context.Background(), onDelta.Cert, onDelta.Intermediates(), pki.Options{})
		wantErr(t, err, pki.ErrRevoked)
		if len(asked) != 1 || !strings.HasSuffix(asked[0], "-delta.crl") {
			t.Errorf("fetched %v, want the delta only", asked)
		}
		// Cached like a base CRL: not fetched again before its nextUpdate.
		_, err = v.Verify(context.Background(), onDelta.Cert, onDelta.Intermediates(), pki.Options{})
		wantErr(t, err, pki.ErrRevoked)
		if len(asked) != 1 {
			t.Errorf("delta fetched again: %v", asked)
		}
	})
}

// noFetch is an HTTP client that fails the test if used: the CRLs given
// offline must decide.
func noFetch(t *testing.T) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("unexpected fetch of %s", r.URL)
		return nil, errors.New("no network in this test")
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// recording is an HTTP client that notes the URLs it fetches.
func recording(urls *[]string) *http.Client {
	var mu sync.Mutex
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		*urls = append(*urls, r.URL.String())
		mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})}
}

// unreachable is an HTTP client that notes the URLs asked for and reaches
// none of them.
func unreachable(urls *[]string) *http.Client {
	var mu sync.Mutex
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		*urls = append(*urls, r.URL.String())
		mu.Unlock()
		return nil, errors.New("network unreachable (test)")
	})}
}
