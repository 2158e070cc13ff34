package pki

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"math/big"
	"testing"
)

// Benchmarks on a 3-level RSA-2048 chain (root → sub-CA → leaf, SHA-256):
//
//	go test ./pki -run '^$' -bench 'X509Verify|VerifyChain|CRLLookup' -benchmem
//
// BenchmarkX509Verify is bare crypto/x509 on the same chain, the yardstick.

func benchChain(b *testing.B) (*fixture, *x509.Certificate) {
	f := newFixture(b)
	return f, f.leaf(b, nil)
}

func BenchmarkX509Verify(b *testing.B) {
	f, leaf := benchChain(b)
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(f.root)
	inter.AddCert(f.sub)
	opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: fxNow, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := leaf.Verify(opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyChainCachedCRL: full path building and validation on every
// call (chain cache off), CRLs already loaded and their signatures checked.
func BenchmarkVerifyChainCachedCRL(b *testing.B) {
	f, leaf := benchChain(b)
	cfg := f.config(b)
	cfg.CacheSize = -1
	v, err := NewVerifier(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	inter := []*x509.Certificate{f.sub}
	if _, err := v.Verify(ctx, leaf, inter, Options{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, leaf, inter, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyChainCached: the verified-chain cache on; revocation is
// still evaluated against the cached CRLs.
func BenchmarkVerifyChainCached(b *testing.B) {
	f, leaf := benchChain(b)
	v, err := NewVerifier(f.config(b))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	inter := []*x509.Certificate{f.sub}
	if _, err := v.Verify(ctx, leaf, inter, Options{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		r, err := v.Verify(ctx, leaf, inter, Options{})
		if err != nil || !r.Cached {
			b.Fatal(err)
		}
	}
}

// BenchmarkCRLLookup: one serial looked up in a CRL of 100 000 entries.
func BenchmarkCRLLookup(b *testing.B) {
	f := newFixture(b)
	serials := make([]*big.Int, 100_000)
	for i := range serials {
		h := sha256.Sum256([]byte{byte(i), byte(i >> 8), byte(i >> 16)})
		serials[i] = new(big.Int).SetBytes(h[:16])
	}
	rl := f.crl(b, f.sub, f.subKey, serials, nil)
	p, err := prepareCRL(rl, "offline")
	if err != nil {
		b.Fatal(err)
	}
	probe := &x509.Certificate{SerialNumber: serials[54321]}
	miss := &x509.Certificate{SerialNumber: big.NewInt(7)}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c := probe
		if i&1 == 1 {
			c = miss
		}
		if _, ok := p.lookup(c, p.issuerKey); ok != (c == probe) {
			b.Fatal("wrong lookup result")
		}
	}
}
