package pkitest

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Names of the TEST hierarchy; real VGCA names without " TEST".
const (
	RootCommonName  = "Co quan chung thuc so chuyen dung Chinh phu (RootCA) TEST"
	SubCACommonName = "CA phuc vu cac co quan Nha nuoc TEST"
	CAOrganization  = "Ban Co yeu Chinh phu"
)

// Validity of the CAs, counted from the clock at NewPKI. Back-dating by a
// day keeps certificates valid for a test clock that is a little behind.
const (
	caBackdate     = 24 * time.Hour
	rootLifetime   = 20 * 365 * 24 * time.Hour
	subCALifetime  = 10 * 365 * 24 * time.Hour
	leafBackdate   = time.Hour
	leafLifetime   = 365 * 24 * time.Hour
	responderLife  = 30 * 24 * time.Hour
	maxOCSPRequest = 16 << 10
)

// instances numbers the PKIs of a process; see the package doc, # Keys.
var instances atomic.Int64

// PKI is a running test PKI. Its methods are safe for concurrent use.
type PKI struct {
	cfg  config
	tag  string // the serialNumber attribute of its CA names
	root *authority
	sub  *authority

	crlSrv  *httptest.Server
	ocspSrv *httptest.Server

	mu            sync.Mutex // guards everything below and the authorities' state
	faults        Fault
	delegatedOCSP bool
	keyCursor     [numKeyTypes]int
	rogue         *signerCert // FaultOCSPWrongKey; made on first use
	wrongCRLKey   crypto.Signer

	crlFetches   atomic.Int64
	ocspRequests atomic.Int64
	closeOnce    sync.Once
	stop         chan struct{} // closed by Close: releases hanging handlers
	ready        chan struct{} // closed when NewPKI is done: handlers wait on it
}

// signerCert is a certificate and its key.
type signerCert struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// NewPKI builds the root and the sub-CA, starts the CRL and OCSP servers
// and registers their shutdown with t.Cleanup. It panics if t is nil. New
// (standalone.go) is the same without a test.
func NewPKI(t testing.TB, opts ...Option) *PKI {
	if t == nil {
		panic("pkitest: NewPKI needs a testing.TB")
	}
	t.Helper()
	p, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// Close stops the servers. NewPKI registers it with t.Cleanup; calling it
// again does nothing.
func (p *PKI) Close() {
	p.closeOnce.Do(func() {
		close(p.stop)
		p.crlSrv.Close()
		p.ocspSrv.Close()
	})
}

// Root returns the self-signed root certificate.
func (p *PKI) Root() *x509.Certificate { return p.root.cert }

// SubCA returns the intermediate that issues leaves.
func (p *PKI) SubCA() *x509.Certificate { return p.sub.cert }

// RootKey and SubCAKey return the CA keys, for tests that must craft what
// Issue will not (a malformed certificate signed by a trusted CA).
func (p *PKI) RootKey() crypto.Signer  { return p.root.key }
func (p *PKI) SubCAKey() crypto.Signer { return p.sub.key }

// CRLServerURL is the base URL of the repository server: CRLs under /crl/,
// CA certificates (AIA caIssuers) under /certs/.
func (p *PKI) CRLServerURL() string { return p.crlSrv.URL }

// OCSPServerURL is the OCSP responder's URL, as in issued certificates.
func (p *PKI) OCSPServerURL() string { return p.ocspSrv.URL }

// CRLFetches and OCSPRequests count the requests the servers received,
// faulty answers included, so tests can check caching.
func (p *PKI) CRLFetches() int64   { return p.crlFetches.Load() }
func (p *PKI) OCSPRequests() int64 { return p.ocspRequests.Load() }

// Inject switches faults on; Clear switches them off.
func (p *PKI) Inject(f Fault) {
	p.mu.Lock()
	p.faults |= f
	p.mu.Unlock()
}

// Clear switches faults off.
func (p *PKI) Clear(f Fault) {
	p.mu.Lock()
	p.faults &^= f
	p.mu.Unlock()
}

func (p *PKI) hasFault(f Fault) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.faults&f != 0
}

// SetDelegatedOCSP chooses who signs OCSP responses from now on: a
// delegated responder certificate (true) or the CA itself (false).
func (p *PKI) SetDelegatedOCSP(on bool) {
	p.mu.Lock()
	p.delegatedOCSP = on
	p.mu.Unlock()
}

func (p *PKI) now() time.Time { return p.cfg.clock() }

func (p *PKI) caName(cn string) pkix.Name {
	return pkix.Name{
		CommonName:   cn,
		Organization: []string{CAOrganization},
		Country:      []string{"VN"},
		SerialNumber: p.tag,
	}
}

// nextKey takes this PKI's next pool key of type kt; see # Keys.
func (p *PKI) nextKey(kt KeyType) (crypto.Signer, error) {
	if !kt.valid() {
		panic("pkitest: unknown key type " + kt.String())
	}
	p.mu.Lock()
	i := p.keyCursor[kt]
	p.keyCursor[kt]++
	p.mu.Unlock()
	return pool.key(kt, i)
}

// serial returns a positive 127-bit serial number from the injected rand.
func (p *PKI) serial() (*big.Int, error) {
	var b [16]byte
	p.mu.Lock()
	_, err := readFull(p.cfg.rand, b[:])
	p.mu.Unlock()
	if err != nil {
		return nil, err
	}
	b[0] &= 0x7f
	b[0] |= 0x40 // never zero, always 16 bytes: a stable DER length
	return new(big.Int).SetBytes(b[:]), nil
}

func (p *PKI) crlURL(a *authority) string   { return p.crlSrv.URL + "/crl/" + a.name + ".crl" }
func (p *PKI) deltaURL(a *authority) string { return p.crlSrv.URL + "/crl/" + a.name + "-delta.crl" }
func (p *PKI) certURL(a *authority) string  { return p.crlSrv.URL + "/certs/" + a.name + ".cer" }
