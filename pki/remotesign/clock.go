package remotesign

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// Clock is the time source of a Client or CallbackHandler. Wait sleeps only
// through After, so a test clock can make backoff instantaneous and observe
// every delay. A jonboulle/clockwork clock satisfies it.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// realClock is the default Clock.
type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// randomID returns n random bytes from r as unpadded base64url.
func randomID(r io.Reader, n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("remotesign: reading randomness: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// randomFloat returns a value in [0, 1) from r. Jitter does not need
// cryptographic randomness, but reading the instance's Rand keeps tests
// deterministic and avoids a package-global source.
func randomFloat(r io.Reader) float64 {
	var b [8]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return 0.5 // no randomness: fall back to the middle of the jitter band
	}
	return float64(binary.BigEndian.Uint64(b[:])>>11) / (1 << 53)
}

// defaultRand is the default randomness source.
func defaultRand() io.Reader { return rand.Reader }
