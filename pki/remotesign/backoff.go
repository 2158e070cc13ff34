package remotesign

import (
	"io"
	"time"
)

// Backoff is the polling schedule of Wait: the n-th delay (from 0) is
// Initial·Multiplier^n capped at Max, then spread by ±Jitter (a fraction) so
// that many transactions started together do not poll in lockstep.
//
// The zero value is usable: every zero field takes its default.
type Backoff struct {
	// Initial is the first delay (default 1s).
	Initial time.Duration
	// Max caps the delay before jitter (default 10s).
	Max time.Duration
	// Multiplier is the growth factor (default 1.6; values < 1 mean 1).
	Multiplier float64
	// Jitter is the relative spread in [0, 1] (default 0.2). Negative
	// means none.
	Jitter float64
}

const (
	defaultBackoffInitial    = time.Second
	defaultBackoffMax        = 10 * time.Second
	defaultBackoffMultiplier = 1.6
	defaultBackoffJitter     = 0.2
)

func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = defaultBackoffInitial
	}
	if b.Max <= 0 {
		b.Max = defaultBackoffMax
	}
	if b.Max < b.Initial {
		b.Max = b.Initial
	}
	if b.Multiplier == 0 {
		b.Multiplier = defaultBackoffMultiplier
	}
	if b.Multiplier < 1 {
		b.Multiplier = 1
	}
	// Negative Jitter ("none") is kept negative, so that applying the
	// defaults twice does not turn it into the default.
	switch {
	case b.Jitter == 0:
		b.Jitter = defaultBackoffJitter
	case b.Jitter > 1:
		b.Jitter = 1
	}
	return b
}

// Delay returns the n-th delay (n from 0), drawing jitter from r.
// Multiplying in floating point and capping on every step keeps a large n
// from overflowing.
func (b Backoff) Delay(n int, r io.Reader) time.Duration {
	b = b.withDefaults()
	d := float64(b.Initial)
	for i := 0; i < n && d < float64(b.Max); i++ {
		d *= b.Multiplier
	}
	if d > float64(b.Max) {
		d = float64(b.Max)
	}
	if b.Jitter > 0 {
		d *= 1 - b.Jitter + 2*b.Jitter*randomFloat(r)
	}
	if d < float64(time.Millisecond) {
		d = float64(time.Millisecond)
	}
	return time.Duration(d)
}
