package pki

import (
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// countingReader yields 0x01, 0x02, … so the nonce a verifier sends is
// known in advance.
type countingReader struct{ n byte }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		r.n++
		p[i] = r.n
	}
	return len(p), nil
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("entropy exhausted") }

// nonceResponder answers every request through answer, given the request's
// nonce extnValue (nil if none); it records the nonces it saw.
type nonceResponder struct {
	mu   sync.Mutex
	seen [][]byte
}

func (f *fixture) nonceServer(t *testing.T, nr *nonceResponder, answer func(req *ocsp.Request, nonce []byte) []pkix.Extension) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := ocsp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		nonce := requestNonce(t, body)
		nr.mu.Lock()
		nr.seen = append(nr.seen, nonce)
		nr.mu.Unlock()
		tmpl := ocsp.Response{Status: ocsp.Good, SerialNumber: req.SerialNumber, ThisUpdate: fxNow.Add(-time.Hour), NextUpdate: fxNow.Add(24 * time.Hour)}
		w.Header().Set("Content-Type", "application/ocsp-response")
		w.Write(withResponseExtensions(t, f.sub, f.sub, tmpl, f.subKey, answer(req, nonce)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// ocspOnlyConfig makes OCSP decide the leaf: OCSP first, no sub-CA CRL.
func (f *fixture) ocspOnlyConfig(t *testing.T, srv *httptest.Server) Config {
	cfg := f.config(t)
	cfg.HTTPClient = srv.Client()
	cfg.Revocation = RevocationOCSPThenCRL
	cfg.CRLs = cfg.CRLs[:1]
	return cfg
}

func TestOCSPNonce(t *testing.T) {
	f := newFixture(t)
	echo := func(_ *ocsp.Request, n []byte) []pkix.Extension {
		if n == nil {
			return nil
		}
		return []pkix.Extension{nonceExt(n)}
	}
	none := func(*ocsp.Request, []byte) []pkix.Extension { return nil }
	other := func(*ocsp.Request, []byte) []pkix.Extension {
		return []pkix.Extension{nonceExt(octets(bytes.Repeat([]byte{0xee}, 32)))}
	}
	unwrapped := func(_ *ocsp.Request, n []byte) []pkix.Extension { // the bare bytes, without the OCTET STRING
		if n == nil {
			return nil
		}
		return []pkix.Extension{nonceExt(n[2:])}
	}
	critical := func(_ *ocsp.Request, n []byte) []pkix.Extension {
		return append(echo(nil, n), pkix.Extension{Id: []int{1, 2, 3, 4}, Critical: true, Value: []byte{0x05, 0x00}})
	}
	twice := func(_ *ocsp.Request, n []byte) []pkix.Extension {
		return []pkix.Extension{nonceExt(n), nonceExt(n)}
	}
	tests := []struct {
		name      string
		policy    OCSPNoncePolicy
		answer    func(*ocsp.Request, []byte) []pkix.Extension
		wantSent  bool
		wantError string // in the refusal; "" for success
	}{
		{"default, echoed", OCSPNonceIfEchoed, echo, true, ""},
		{"default, not echoed", OCSPNonceIfEchoed, none, true, ""},
		{"default, another nonce", OCSPNonceIfEchoed, other, true, "nonce does not match"},
		{"default, echoed without its OCTET STRING", OCSPNonceIfEchoed, unwrapped, true, "nonce does not match"},
		{"default, unknown critical response extension", OCSPNonceIfEchoed, critical, true, "unsupported critical response extension"},
		{"default, nonce twice", OCSPNonceIfEchoed, twice, true, "duplicate response extension"},
		{"required, echoed", OCSPNonceRequired, echo, true, ""},
		{"required, not echoed", OCSPNonceRequired, none, true, "nonce not echoed"},
		{"required, another nonce", OCSPNonceRequired, other, true, "nonce does not match"},
		{"off, none sent", OCSPNonceOff, echo, false, ""},
		{"off, answer carries a nonce anyway", OCSPNonceOff, other, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nr := &nonceResponder{}
			srv := f.nonceServer(t, nr, tc.answer)
			leaf := f.leaf(t, func(c *x509.Certificate) { c.OCSPServer = []string{srv.URL}; c.CRLDistributionPoints = nil })
			cfg := f.ocspOnlyConfig(t, srv)
			cfg.OCSPNonce = tc.policy
			cfg.Rand = &countingReader{}
			res, err := mustVerifier(t, cfg).Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{})
			if len(nr.seen) != 1 {
				t.Fatalf("%d requests", len(nr.seen))
			}
			if tc.wantSent {
				b := make([]byte, 32)
				(&countingReader{}).Read(b)
				want := octets(b)
				if !bytes.Equal(nr.seen[0], want) {
					t.Fatalf("nonce sent %x, want %x (from Config.Rand)", nr.seen[0], want)
				}
			} else if nr.seen[0] != nil {
				t.Fatalf("nonce sent with OCSPNonceOff: %x", nr.seen[0])
			}
			if tc.wantError != "" {
				if !errors.Is(err, ErrRevocationUnknown) || !errors.Is(err, ErrOCSPInvalid) || !strings.Contains(err.Error(), tc.wantError) {
					t.Fatalf("got %v, want the answer refused", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Revocation[0].Status != StatusGood || res.Revocation[0].Source != "ocsp" {
				t.Fatalf("status %+v", res.Revocation[0])
			}
		})
	}
}

// TestOCSPNonceReplay: an answer captured with one request's nonce is
// refused for the next request, whose nonce differs; and a nonce changed
// after signing breaks the signature.
func TestOCSPNonceReplay(t *testing.T) {
	f := newFixture(t)
	var captured []byte
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := ocsp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if captured == nil {
			tmpl := ocsp.Response{Status: ocsp.Good, SerialNumber: req.SerialNumber, ThisUpdate: fxNow.Add(-time.Hour), NextUpdate: fxNow.Add(24 * time.Hour)}
			captured = withResponseExtensions(t, f.sub, f.sub, tmpl, f.subKey, []pkix.Extension{nonceExt(requestNonce(t, body))})
		}
		w.Write(captured) // the attacker's replay from the second request on
	}))
	t.Cleanup(srv.Close)
	leaf := f.leaf(t, func(c *x509.Certificate) { c.OCSPServer = []string{srv.URL}; c.CRLDistributionPoints = nil })
	cfg := f.ocspOnlyConfig(t, srv)
	if _, err := mustVerifier(t, cfg).Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{}); err != nil {
		t.Fatalf("first, genuine answer: %v", err)
	}
	// A new verifier (no cached answer) sends a new nonce.
	_, err := mustVerifier(t, cfg).Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{})
	if !errors.Is(err, ErrRevocationUnknown) || !strings.Contains(err.Error(), "nonce does not match") {
		t.Fatalf("replayed answer: %v", err)
	}

	// Tampering: the nonce rewritten to the new request's, not re-signed.
	tampered := func(sent []byte) []byte {
		i := bytes.LastIndex(captured, requestNonceOf(t, captured))
		out := bytes.Clone(captured)
		copy(out[i:], sent)
		return out
	}
	sent := octets(bytes.Repeat([]byte{7}, 32))
	if _, err := mustVerifier(t, cfg).parseOCSP(tampered(sent), leaf, f.sub, fxNow, sent); err == nil || strings.Contains(err.Error(), "nonce") {
		t.Fatalf("answer with a rewritten nonce: %v, want a signature failure", err)
	}
}

// requestNonceOf is the nonce extnValue of a response built by
// withResponseExtensions (its responseExtensions' only entry).
func requestNonceOf(t *testing.T, resp []byte) []byte {
	r, err := ocsp.ParseResponse(resp, nil)
	if err != nil {
		t.Fatal(err)
	}
	exts, err := parseResponseExtensions(r.TBSResponseData)
	if err != nil || len(exts) != 1 {
		t.Fatalf("extensions %v %v", exts, err)
	}
	return exts[0].value
}

func TestOCSPNonceConfig(t *testing.T) {
	f := newFixture(t)
	cfg := f.config(t)
	cfg.OCSPNonce = OCSPNonceOff + 1
	if _, err := NewVerifier(cfg); !errors.Is(err, ErrConfig) {
		t.Fatalf("unknown nonce policy: %v", err)
	}
	// A failing Rand fails the request: no nonce-less fallback.
	nr := &nonceResponder{}
	srv := f.nonceServer(t, nr, func(*ocsp.Request, []byte) []pkix.Extension { return nil })
	leaf := f.leaf(t, func(c *x509.Certificate) { c.OCSPServer = []string{srv.URL}; c.CRLDistributionPoints = nil })
	cfg = f.ocspOnlyConfig(t, srv)
	cfg.Rand = failingReader{}
	_, err := mustVerifier(t, cfg).Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{})
	if !errors.Is(err, ErrRevocationUnknown) || len(nr.seen) != 0 {
		t.Fatalf("failing Rand: %v, %d requests", err, len(nr.seen))
	}
}

func TestAddOCSPNonce(t *testing.T) {
	f := newFixture(t)
	leaf := f.leaf(t, nil)
	req, err := ocsp.CreateRequest(leaf, f.sub, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := octets(bytes.Repeat([]byte{9}, 32))
	with, err := addOCSPNonce(req, n)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ocsp.ParseRequest(with)
	if err != nil || parsed.SerialNumber.Cmp(leaf.SerialNumber) != 0 {
		t.Fatalf("x/crypto cannot read the request with a nonce: %v", err)
	}
	if got := requestNonce(t, with); !bytes.Equal(got, n) {
		t.Fatalf("nonce %x", got)
	}
	for _, bad := range [][]byte{nil, {0x30, 0x00}, append(bytes.Clone(req), 0), req[:len(req)-1]} {
		if _, err := addOCSPNonce(bad, n); err == nil {
			t.Errorf("addOCSPNonce(%x) accepted", bad)
		}
	}
}

// FuzzParseResponseExtensions: the responseExtensions reader and the nonce
// check never panic, and a nonce is accepted only when it is the one sent.
func FuzzParseResponseExtensions(f *testing.F) {
	fx := newFixture(f)
	sent := octets(bytes.Repeat([]byte{3}, 32))
	tmpl := ocsp.Response{Status: ocsp.Good, SerialNumber: fx.sub.SerialNumber, ThisUpdate: fxNow, NextUpdate: fxNow.Add(time.Hour)}
	for _, exts := range [][]pkix.Extension{nil, {nonceExt(sent)}, {nonceExt(octets([]byte{1}))}} {
		r, err := ocsp.ParseResponse(withResponseExtensions(f, fx.root, fx.root, tmpl, fx.rootKey, exts), nil)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(r.TBSResponseData)
	}
	f.Fuzz(func(t *testing.T, tbs []byte) {
		exts, err := parseResponseExtensions(tbs)
		var nonce []byte
		for _, e := range exts {
			if e.id.Equal(oidOCSPNonce) {
				nonce = e.value
			}
		}
		for _, p := range []OCSPNoncePolicy{OCSPNonceIfEchoed, OCSPNonceRequired, OCSPNonceOff} {
			cerr := checkOCSPNonce(p, tbs, sent)
			if err != nil && cerr == nil {
				t.Fatal("malformed extensions accepted")
			}
			if cerr == nil && nonce != nil && !bytes.Equal(nonce, sent) {
				t.Fatal("another nonce accepted")
			}
			if cerr == nil && p == OCSPNonceRequired && nonce == nil {
				t.Fatal("missing nonce accepted under OCSPNonceRequired")
			}
		}
	})
}
