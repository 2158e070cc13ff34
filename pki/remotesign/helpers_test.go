package remotesign_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/pki/remotesign"
	"github.com/rpkit-vn/rpkit/pki/remotesign/remotesigntest"
)

// fakeClock is a Clock whose After returns at once and advances time by
// the requested delay (auto mode), or never fires (hold mode), recording
// every delay either way. Wait therefore runs its whole schedule without
// real sleeps, and the test reads the schedule back.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	delays []time.Duration
	hold   bool
	asked  chan time.Duration // optional: told about every After
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.delays = append(c.delays, d)
	if c.asked != nil {
		c.asked <- d
	}
	ch := make(chan time.Time, 1)
	if !c.hold {
		c.now = c.now.Add(d)
		ch <- c.now
	}
	return ch
}

func (c *fakeClock) Delays() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.delays...)
}

// seeded returns a deterministic randomness source.
func seeded(n byte) *rand.ChaCha8 {
	var seed [32]byte
	seed[0] = n
	return rand.NewChaCha8(seed)
}

// newSim starts a simulator on the test's clock.
func newSim(t *testing.T, fc *fakeClock, mod func(*remotesigntest.Config)) *remotesigntest.Simulator {
	t.Helper()
	cfg := remotesigntest.Config{Clock: fc.Now, Rand: seeded(1)}
	if mod != nil {
		mod(&cfg)
	}
	return remotesigntest.NewServer(t, cfg)
}

// newClient returns a client of sim on fc.
func newClient(t *testing.T, sim *remotesigntest.Simulator, fc *fakeClock, mod func(*remotesign.Config)) *remotesign.Client {
	t.Helper()
	cfg := remotesign.Config{
		BaseURL:     sim.URL(),
		BearerToken: sim.BearerToken(),
		Clock:       fc,
		Rand:        seeded(2),
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := remotesign.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// digests returns n distinct digests of h.
func digests(h crypto.Hash, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		msg := []byte(fmt.Sprintf("văn bản số %d", i))
		switch h {
		case crypto.SHA384:
			s := sha512.Sum384(msg)
			out[i] = s[:]
		case crypto.SHA512:
			s := sha512.Sum512(msg)
			out[i] = s[:]
		default:
			s := sha256.Sum256(msg)
			out[i] = s[:]
		}
	}
	return out
}

// checkSignatures verifies a result independently of the package.
func checkSignatures(t *testing.T, res *remotesign.Result, alg remotesign.SignAlgorithm, h crypto.Hash, hashes [][]byte) {
	t.Helper()
	if len(res.Signatures) != len(hashes) {
		t.Fatalf("%d signatures for %d hashes", len(res.Signatures), len(hashes))
	}
	for i, sig := range res.Signatures {
		var err error
		switch alg {
		case remotesign.RSAPKCS1v15:
			err = rsa.VerifyPKCS1v15(res.Certificate.PublicKey.(*rsa.PublicKey), h, hashes[i], sig)
		case remotesign.RSAPSS:
			err = rsa.VerifyPSS(res.Certificate.PublicKey.(*rsa.PublicKey), h, hashes[i], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		case remotesign.ECDSA:
			if !ecdsa.VerifyASN1(res.Certificate.PublicKey.(*ecdsa.PublicKey), hashes[i], sig) {
				err = fmt.Errorf("ECDSA signature %d does not verify", i)
			}
		}
		if err != nil {
			t.Fatalf("signature %d: %v", i, err)
		}
	}
}

// callbackServer mounts h on a loopback server.
func callbackServer(t *testing.T, h *remotesign.CallbackHandler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
