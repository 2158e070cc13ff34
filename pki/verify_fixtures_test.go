package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"sync"
	"testing"
	"time"
)

// A small root → sub-CA → leaf hierarchy of RSA-2048 keys for the rule
// tests and benchmarks. Keys are generated once per test binary.

var (
	fxKeysOnce sync.Once
	fxKeys     []*rsa.PrivateKey
)

func fxKey(i int) *rsa.PrivateKey {
	fxKeysOnce.Do(func() {
		for range 6 {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			fxKeys = append(fxKeys, k)
		}
	})
	return fxKeys[i]
}

var fxNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

const fxCRLURL = "http://crl.invalid/sub.crl"

type fixture struct {
	root, sub       *x509.Certificate
	rootKey, subKey *rsa.PrivateKey
	serial          int64
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	f := &fixture{rootKey: fxKey(0), subKey: fxKey(1), serial: 100}
	f.root = f.sign(tb, &x509.Certificate{
		Subject:               pkix.Name{Country: []string{"VN"}, Organization: []string{"Ban Co yeu Chinh phu"}, CommonName: "Test RootCA"},
		NotBefore:             fxNow.AddDate(-5, 0, 0),
		NotAfter:              fxNow.AddDate(5, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, nil, f.rootKey, &f.rootKey.PublicKey)
	f.sub = f.sign(tb, &x509.Certificate{
		Subject:               pkix.Name{Country: []string{"VN"}, Organization: []string{"Ban Co yeu Chinh phu"}, CommonName: "Test SubCA"},
		NotBefore:             fxNow.AddDate(-4, 0, 0),
		NotAfter:              fxNow.AddDate(4, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		CRLDistributionPoints: []string{"http://crl.invalid/root.crl"},
	}, f.root, f.rootKey, &f.subKey.PublicKey)
	return f
}

// sign issues tmpl under parent (nil: self-signed).
func (f *fixture) sign(tb testing.TB, tmpl, parent *x509.Certificate, key crypto.Signer, pub crypto.PublicKey) *x509.Certificate {
	tb.Helper()
	f.serial++
	if tmpl.SerialNumber == nil {
		tmpl.SerialNumber = big.NewInt(f.serial)
	}
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// leaf issues a signing certificate under the sub-CA; mod edits the template.
func (f *fixture) leaf(tb testing.TB, mod func(*x509.Certificate)) *x509.Certificate {
	tb.Helper()
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{Country: []string{"VN"}, CommonName: "SỞ Y TẾ"},
		NotBefore:             fxNow.AddDate(-1, 0, 0),
		NotAfter:              fxNow.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageEmailProtection},
		CRLDistributionPoints: []string{fxCRLURL},
	}
	if mod != nil {
		mod(tmpl)
	}
	return f.sign(tb, tmpl, f.sub, f.subKey, &fxKey(2).PublicKey)
}

// crl signs a CRL as issuer with key; mod edits the template.
func (f *fixture) crl(tb testing.TB, issuer *x509.Certificate, key crypto.Signer, revoked []*big.Int, mod func(*x509.RevocationList)) *x509.RevocationList {
	tb.Helper()
	tmpl := &x509.RevocationList{
		Number:     big.NewInt(1),
		ThisUpdate: fxNow.Add(-time.Hour),
		NextUpdate: fxNow.Add(7 * 24 * time.Hour),
	}
	for _, s := range revoked {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, x509.RevocationListEntry{
			SerialNumber: s, RevocationTime: fxNow.Add(-2 * time.Hour), ReasonCode: ReasonKeyCompromise,
		})
	}
	if mod != nil {
		mod(tmpl)
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, issuer, key)
	if err != nil {
		tb.Fatal(err)
	}
	rl, err := x509.ParseRevocationList(der)
	if err != nil {
		tb.Fatal(err)
	}
	return rl
}

// goodCRLs are current, empty CRLs of the root and the sub-CA.
func (f *fixture) goodCRLs(tb testing.TB) []*x509.RevocationList {
	return []*x509.RevocationList{
		f.crl(tb, f.root, f.rootKey, nil, nil),
		f.crl(tb, f.sub, f.subKey, nil, nil),
	}
}

func (f *fixture) config(tb testing.TB) Config {
	return Config{
		Roots:      []*x509.Certificate{f.root},
		Clock:      func() time.Time { return fxNow },
		CRLs:       f.goodCRLs(tb),
		HTTPClient: noNetworkClient(),
	}
}
