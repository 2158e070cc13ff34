package pki

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/internal/testenv"
)

func TestVGCARoot(t *testing.T) {
	der, err := os.ReadFile(filepath.Join(testenv.SharedDir(t), "testdata", "vgca", "vgca-root-ca.cer"))
	if err != nil {
		t.Fatal(err)
	}
	roots, err := LoadCertificates(der)
	if err != nil {
		t.Fatal(err)
	}
	root := roots[0]
	if got := root.Subject.String(); got != "CN=Co quan chung thuc so chuyen dung Chinh phu (RootCA),O=Ban Co yeu Chinh phu,C=VN" {
		t.Errorf("subject %q", got)
	}
	if root.NotBefore.Year() != 2010 || root.NotAfter.Year() != 2030 {
		t.Errorf("validity %v – %v", root.NotBefore, root.NotAfter)
	}
	sum := sha256.Sum256(root.Raw)
	want := "F7BC89054CEC7F12730D7B8CD3EB7955B163835087E5EB873EDFB584763B3F90"
	if got := strings.ToUpper(hex.EncodeToString(sum[:])); got != want {
		t.Errorf("fingerprint %s", got)
	}
	if root.SignatureAlgorithm != x509.SHA1WithRSA {
		t.Errorf("signature algorithm %v", root.SignatureAlgorithm)
	}
	// The SHA-1 self-signature does not matter: an anchor is trusted for its
	// name and key. The root anchors a verifier, and — as a leaf verified
	// with UseAny — verifies against itself without any SHA-1 option.
	v, err := NewVerifier(Config{Roots: roots, InsecureSkipRevocation: true, Clock: func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	res, err := v.Verify(context.Background(), root, nil, Options{Use: UseAny})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Chain) != 1 {
		t.Errorf("chain length %d", len(res.Chain))
	}
	// PEM works too.
	pemRoots, err := LoadCertificates([]byte("-----BEGIN CERTIFICATE-----\n" + b64(root.Raw) + "\n-----END CERTIFICATE-----\n"))
	if err != nil || !pemRoots[0].Equal(root) {
		t.Errorf("PEM: %v", err)
	}
}

func TestVerifyGood(t *testing.T) {
	f := newFixture(t)
	leaf := f.leaf(t, nil)
	v := mustVerifier(t, f.config(t))
	res, err := v.Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Chain) != 3 || len(res.Revocation) != 2 || res.Subject == nil || res.Subject.CommonName != "SỞ Y TẾ" {
		t.Fatalf("result %+v", res)
	}
	for i, st := range res.Revocation {
		if st.Status != StatusGood || st.Source != "crl" {
			t.Errorf("revocation[%d] = %+v", i, st)
		}
	}
	res2, err := v.Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{})
	if err != nil || !res2.Cached {
		t.Fatalf("second call: cached=%v err=%v", res2 != nil && res2.Cached, err)
	}
	// Outside the cached window the cache must not answer.
	if _, err := v.Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{At: fxNow.AddDate(2, 0, 0)}); !errors.Is(err, ErrExpired) {
		t.Fatalf("after expiry: %v", err)
	}
}

func mustVerifier(t *testing.T, cfg Config) *Verifier {
	t.Helper()
	v, err := NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRules tries to break each rule and expects the matching sentinel.
func TestRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inter := []*x509.Certificate{f.sub}
	unknownExt := pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{5, 0}}
	otherKey := fxKey(3)
	otherCA := f.sign(t, &x509.Certificate{
		Subject: f.sub.Subject, NotBefore: f.sub.NotBefore, NotAfter: f.sub.NotAfter,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, nil, otherKey, &otherKey.PublicKey)
	_ = otherCA

	tests := []struct {
		name   string
		leaf   func() *x509.Certificate
		cfg    func(*Config)
		inter  []*x509.Certificate
		opts   Options
		want   error
		status Status // checked when want == nil
	}{
		{name: "expired", leaf: func() *x509.Certificate {
			return f.leaf(t, func(c *x509.Certificate) { c.NotAfter = fxNow.Add(-time.Hour) })
		}, want: ErrExpired},
		{name: "not yet valid", leaf: func() *x509.Certificate {
			return f.leaf(t, func(c *x509.Certificate) { c.NotBefore = fxNow.Add(time.Hour) })
		}, want: ErrNotYetValid},
		{name: "key usage for signing", leaf: func() *x509.Certificate {
			return f.leaf(t, func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageKeyEncipherment })
		}, want: ErrKeyUsage},
		{name: "wrong EKU", leaf: func() *x509.Certificate {
			return f.leaf(t, func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} })
		}, cfg: func(c *Config) { c.EKUs = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} }, want: ErrExtKeyUsage},
		{name: "client auth without clientAuth EKU", leaf: func() *x509.Certificate {
			return f.leaf(t, func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection} })
		}, opts: Options{Use: UseClientAuth}, want: ErrExtKeyUsage},
		{name: "unknown critical extension", leaf: func() *x509.Certificate {
			return f.leaf(t, func(c *x509.Certificate) { c.ExtraExtensions = []pkix.Extension{unknownExt} })
		}, want: ErrUnhandledCriticalExtension},
		{name: "revoked leaf", leaf: func() *x509.Certificate {
			return f.leaf(t, func(c *x509.Certificate) { c.SerialNumber = big.NewInt(4242) })
		}, cfg: func(c *Config) {
			c.CRLs = []*x509.RevocationList{f.crl(t, f.root, f.rootKey, nil, nil), f.crl(t, f.sub, f.subKey, []*big.Int{big.NewInt(4242)}, nil)}
		}, want: ErrRevoked},
		{name: "revoked intermediate", cfg: func(c *Config) {
			c.CRLs = []*x509.RevocationList{f.crl(t, f.root, f.rootKey, []*big.Int{f.sub.SerialNumber}, nil), f.crl(t, f.sub, f.subKey, nil, nil)}
		}, want: ErrRevoked},
		{name: "CRL signed by another key", cfg: func(c *Config) {
			c.CRLs = []*x509.RevocationList{f.crl(t, f.root, f.rootKey, nil, nil), f.crl(t, otherCA, otherKey, nil, nil)}
		}, want: ErrRevocationUnknown},
		{name: "stale CRL hard fail", cfg: func(c *Config) {
			c.CRLs = []*x509.RevocationList{f.crl(t, f.root, f.rootKey, nil, nil), f.crl(t, f.sub, f.subKey, nil, func(r *x509.RevocationList) {
				r.ThisUpdate, r.NextUpdate = fxNow.AddDate(0, 0, -14), fxNow.AddDate(0, 0, -7)
			})}
		}, want: ErrRevocationUnknown},
		{name: "stale CRL soft fail", cfg: func(c *Config) {
			c.Revocation = RevocationSoftFail
			c.CRLs = []*x509.RevocationList{f.crl(t, f.root, f.rootKey, nil, nil), f.crl(t, f.sub, f.subKey, nil, func(r *x509.RevocationList) {
				r.ThisUpdate, r.NextUpdate = fxNow.AddDate(0, 0, -14), fxNow.AddDate(0, 0, -7)
			})}
		}, status: StatusUnknown},
		{name: "revoked under soft fail still fails", leaf: func() *x509.Certificate {
			return f.leaf(t, func(c *x509.Certificate) { c.SerialNumber = big.NewInt(4343) })
		}, cfg: func(c *Config) {
			c.Revocation = RevocationSoftFail
			c.CRLs = []*x509.RevocationList{f.crl(t, f.root, f.rootKey, nil, nil), f.crl(t, f.sub, f.subKey, []*big.Int{big.NewInt(4343)}, nil)}
		}, want: ErrRevoked},
		{name: "IDP scope: user-only CRL for a CA", cfg: func(c *Config) {
			c.CRLs = []*x509.RevocationList{f.crl(t, f.root, f.rootKey, nil, func(r *x509.RevocationList) {
				r.ExtraExtensions = []pkix.Extension{{Id: oidIssuingDP, Critical: true, Value: mustHex(t, "30038101ff")}}
			}), f.crl(t, f.sub, f.subKey, nil, nil)}
		}, want: ErrRevocationUnknown},
		{name: "IDP scope: other distribution point", cfg: func(c *Config) {
			// IDP fullName URI http://x/ differs from the leaf's CRL DP.
			c.CRLs = []*x509.RevocationList{f.crl(t, f.root, f.rootKey, nil, nil), f.crl(t, f.sub, f.subKey, nil, func(r *x509.RevocationList) {
				r.ExtraExtensions = []pkix.Extension{{Id: oidIssuingDP, Critical: true, Value: idpWithURI(t, "http://other.invalid/x.crl")}}
			})}
		}, want: ErrRevocationUnknown},
		{name: "too many intermediates", cfg: func(c *Config) { c.MaxIntermediates = 2 },
			inter: []*x509.Certificate{f.sub, f.sub, f.sub}, want: ErrTooManyIntermediates},
		{name: "untrusted", cfg: func(c *Config) { c.Roots = []*x509.Certificate{otherCA} }, want: ErrUntrusted},
		{name: "skip revocation", cfg: func(c *Config) { c.CRLs = nil; c.InsecureSkipRevocation = true }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := f.config(t)
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			v, err := NewVerifier(cfg)
			if err != nil {
				t.Fatal(err)
			}
			leaf := f.leaf(t, nil)
			if tc.leaf != nil {
				leaf = tc.leaf()
			}
			in := inter
			if tc.inter != nil {
				in = tc.inter
			}
			res, err := v.Verify(ctx, leaf, in, tc.opts)
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("got %v, want %v", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.status != StatusUnknown && len(res.Revocation) > 0 && res.Revocation[0].Status != tc.status {
				t.Fatalf("status %v", res.Revocation[0].Status)
			}
			if tc.status == StatusUnknown && cfg.Revocation == RevocationSoftFail && res.Revocation[0].Status != StatusUnknown {
				t.Fatalf("soft fail status %v", res.Revocation[0].Status)
			}
		})
	}
}

func TestCRLWithoutCRLSign(t *testing.T) {
	f := newFixture(t)
	// A sub-CA that may sign certificates but not CRLs.
	noCRLSign := f.sign(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "No cRLSign CA"}, NotBefore: f.sub.NotBefore, NotAfter: f.sub.NotAfter,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}, f.root, f.rootKey, &f.subKey.PublicKey)
	leaf := f.sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: "leaf"}, NotBefore: fxNow.AddDate(-1, 0, 0), NotAfter: fxNow.AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature}, noCRLSign, f.subKey, &fxKey(2).PublicKey)
	cfg := f.config(t)
	// crypto/x509 will not sign a CRL for such an issuer: present it a copy
	// claiming cRLSign; the CRL's issuer name and signature are the real CA's.
	claim := *noCRLSign
	claim.KeyUsage |= x509.KeyUsageCRLSign
	cfg.CRLs = append(cfg.CRLs, f.crl(t, &claim, f.subKey, nil, nil))
	_, err := mustVerifier(t, cfg).Verify(context.Background(), leaf, []*x509.Certificate{noCRLSign}, Options{})
	if !errors.Is(err, ErrRevocationUnknown) || !errors.Is(err, ErrKeyUsage) {
		t.Fatalf("got %v", err)
	}
}

func TestUnknownCriticalCRLExtension(t *testing.T) {
	f := newFixture(t)
	rl := f.crl(t, f.sub, f.subKey, nil, func(r *x509.RevocationList) {
		r.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 2}, Critical: true, Value: []byte{5, 0}}}
	})
	v := mustVerifier(t, Config{Roots: []*x509.Certificate{f.root}})
	if err := v.AddCRL(rl); !errors.Is(err, ErrCRLInvalid) {
		t.Fatalf("AddCRL: %v", err)
	}
	if _, err := ParseCRL(rl.Raw); !errors.Is(err, ErrCRLInvalid) {
		t.Fatalf("ParseCRL: %v", err)
	}
}

func TestDeltaCRL(t *testing.T) {
	f := newFixture(t)
	leaf := f.leaf(t, func(c *x509.Certificate) { c.SerialNumber = big.NewInt(777) })
	base := f.crl(t, f.sub, f.subKey, nil, func(r *x509.RevocationList) { r.Number = big.NewInt(10) })
	delta := f.crl(t, f.sub, f.subKey, []*big.Int{big.NewInt(777)}, func(r *x509.RevocationList) {
		r.Number = big.NewInt(11)
		r.ExtraExtensions = []pkix.Extension{{Id: oidDeltaCRLIndicator, Critical: true, Value: []byte{2, 1, 10}}}
	})
	cfg := f.config(t)
	cfg.CRLs = []*x509.RevocationList{cfg.CRLs[0], base, delta}
	_, err := mustVerifier(t, cfg).Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{})
	if !errors.Is(err, ErrRevoked) {
		t.Fatalf("revoked by delta: %v", err)
	}
	// A delta alone decides nothing.
	cfg.CRLs = []*x509.RevocationList{cfg.CRLs[0], delta}
	_, err = mustVerifier(t, cfg).Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{})
	if !errors.Is(err, ErrRevocationUnknown) {
		t.Fatalf("delta without base: %v", err)
	}
}

func TestSHA1(t *testing.T) {
	f := newFixture(t)
	sha1Leaf := func(notBefore time.Time) *x509.Certificate {
		return f.leaf(t, func(c *x509.Certificate) {
			c.SignatureAlgorithm = x509.SHA1WithRSA
			c.NotBefore = notBefore
		})
	}
	old := sha1Leaf(fxNow.AddDate(-1, 0, 0))
	ctx := context.Background()
	// Refused by default.
	if _, err := mustVerifier(t, f.config(t)).Verify(ctx, old, []*x509.Certificate{f.sub}, Options{}); !errors.Is(err, ErrWeakSignature) {
		t.Fatalf("default: %v", err)
	}
	cfg := f.config(t)
	cfg.InsecureAllowSHA1Before = fxNow.AddDate(0, -6, 0)
	v := mustVerifier(t, cfg)
	if _, err := v.Verify(ctx, old, []*x509.Certificate{f.sub}, Options{}); err != nil {
		t.Fatalf("before cut-off: %v", err)
	}
	// Issued after the cut-off: refused even with the option.
	late := sha1Leaf(fxNow.AddDate(0, -1, 0))
	if _, err := v.Verify(ctx, late, []*x509.Certificate{f.sub}, Options{}); !errors.Is(err, ErrWeakSignature) {
		t.Fatalf("after cut-off: %v", err)
	}
	// Every other check still applies.
	expired := f.leaf(t, func(c *x509.Certificate) {
		c.SignatureAlgorithm = x509.SHA1WithRSA
		c.NotBefore, c.NotAfter = fxNow.AddDate(-2, 0, 0), fxNow.AddDate(0, 0, -1)
	})
	if _, err := v.Verify(ctx, expired, []*x509.Certificate{f.sub}, Options{}); !errors.Is(err, ErrExpired) {
		t.Fatalf("expired SHA-1: %v", err)
	}
}

func TestPathBuildingBudget(t *testing.T) {
	f := newFixture(t)
	leaf := f.leaf(t, nil)
	// Ten look-alike sub-CAs with the right name and the wrong key: each
	// costs a signature check and leads nowhere.
	var decoys []*x509.Certificate
	for i := range 10 {
		k := fxKey(3 + i%3)
		decoys = append(decoys, f.sign(t, &x509.Certificate{Subject: f.sub.Subject, NotBefore: f.sub.NotBefore, NotAfter: f.sub.NotAfter,
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, f.root, f.rootKey, &k.PublicKey))
	}
	cfg := f.config(t)
	cfg.MaxSignatureChecks = 5
	_, err := mustVerifier(t, cfg).Verify(context.Background(), leaf, decoys, Options{})
	if !errors.Is(err, ErrTooManyIntermediates) {
		t.Fatalf("got %v", err)
	}
}

func TestConfigZeroValue(t *testing.T) {
	if _, err := NewVerifier(Config{}); !errors.Is(err, ErrConfig) {
		t.Fatalf("zero config: %v", err)
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// idpWithURI encodes an IssuingDistributionPoint naming one URI.
func idpWithURI(t *testing.T, uri string) []byte {
	t.Helper()
	wrap := func(class, tag int, compound bool, inner []byte) []byte {
		b, err := asn1.Marshal(asn1.RawValue{Class: class, Tag: tag, IsCompound: compound, Bytes: inner})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	gn := wrap(asn1.ClassContextSpecific, 6, false, []byte(uri))
	full := wrap(asn1.ClassContextSpecific, 0, true, gn)
	dp := wrap(asn1.ClassContextSpecific, 0, true, full)
	return wrap(asn1.ClassUniversal, asn1.TagSequence, true, dp)
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func TestVerifyConcurrent(t *testing.T) {
	f := newFixture(t)
	leaf := f.leaf(t, nil)
	v := mustVerifier(t, f.config(t))
	done := make(chan error, 16)
	for range 16 {
		go func() {
			for range 20 {
				if _, err := v.Verify(context.Background(), leaf, []*x509.Certificate{f.sub}, Options{}); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 16 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
