package pkitest_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/pki/pkitest"
)

// fetch GETs url and returns the status and body.
func fetch(t *testing.T, url string) (int, []byte) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// fetchCRL GETs url and parses the body as a CRL.
func fetchCRL(t *testing.T, url string) *x509.RevocationList {
	t.Helper()
	code, b := fetch(t, url)
	if code != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, code)
	}
	crl, err := x509.ParseRevocationList(b)
	if err != nil {
		t.Fatalf("parsing CRL from %s: %v", url, err)
	}
	return crl
}

func verifyChain(p *pkitest.PKI, l *pkitest.Leaf, at time.Time) error {
	roots := x509.NewCertPool()
	roots.AddCert(p.Root())
	inter := x509.NewCertPool()
	for _, c := range l.Intermediates() {
		inter.AddCert(c)
	}
	_, err := l.Cert.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	return err
}

func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", name)
		}
	}()
	f()
}

// fixedClock is a settable clock for WithClock.
type fixedClock struct{ t time.Time }

func (c *fixedClock) now() time.Time { return c.t }

func pkixExt(id asn1.ObjectIdentifier, critical bool) pkix.Extension {
	return pkix.Extension{Id: id, Critical: critical, Value: asn1.NullBytes}
}
