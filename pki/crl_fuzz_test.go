package pki

import (
	"crypto/x509"
	"testing"
	"time"
)

// FuzzParseCRL feeds arbitrary DER to the CRL handling: parse, structural
// checks, indexing, IDP/DP parsing and a lookup. It must never panic.
func FuzzParseCRL(f *testing.F) {
	fx := newFixture(f)
	f.Add(fx.crl(f, fx.sub, fx.subKey, nil, nil).Raw)
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		if len(der) > 1<<16 {
			return
		}
		rl, err := ParseCRL(der)
		if err != nil {
			return
		}
		p, err := prepareCRL(rl, "fuzz")
		if err != nil {
			t.Fatalf("ParseCRL accepted what prepareCRL refuses: %v", err)
		}
		p.lookup(fx.sub, p.issuerKey)
		_ = p.current(time.Now(), time.Minute, time.Hour)
		_ = p.inScope(distPoint{reasons: allReasons}, false)
		_ = x509.Certificate{}
	})
}
