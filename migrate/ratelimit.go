package migrate

import (
	"context"
	"sync"
	"time"
)

// Limiter counts password attempts per key (a username, a client network)
// and locks a key out when it has had too many. The Linker calls Take
// before it hashes anything and Forgive after the right password.
//
// Take counts the attempt as it allows it — not after it failed — so that
// a burst of parallel guesses cannot all pass the check before the first
// failure is recorded: at most Policy.Max attempts per key run in a
// window. Both calls are single atomic operations on one key's state,
// which is the shape of a Redis implementation too (one Lua script on a
// hash with a TTL of the lockout or window).
type Limiter interface {
	// Take records an attempt on key at now. It returns 0 if the attempt
	// may go ahead, or how long until the key may try again.
	Take(ctx context.Context, key string, now time.Time) (time.Duration, error)
	// Forgive clears key's attempts and lockout history after a success.
	Forgive(ctx context.Context, key string) error
}

// LimitPolicy is how many attempts a key gets and how it is locked out.
type LimitPolicy struct {
	// Max attempts per Window; the next one starts a lockout.
	Max    int
	Window time.Duration
	// Lockout is the first lockout; each further lockout before the key
	// has been quiet for Memory doubles it, up to MaxLockout.
	Lockout, MaxLockout time.Duration
	// Memory is how long a key's lockout history is kept after its last
	// attempt.
	Memory time.Duration
}

// Default policies: five attempts per username per 15 minutes, then
// 15 min, 30 min, 1 h… up to a day. A client network gets more, since
// a government office puts many people behind one address.
var (
	DefaultUserPolicy   = LimitPolicy{Max: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute, MaxLockout: 24 * time.Hour, Memory: 24 * time.Hour}
	DefaultClientPolicy = LimitPolicy{Max: 50, Window: 15 * time.Minute, Lockout: 15 * time.Minute, MaxLockout: 24 * time.Hour, Memory: 24 * time.Hour}
)

func (p LimitPolicy) withDefaults(d LimitPolicy) LimitPolicy {
	if p.Max <= 0 {
		p.Max = d.Max
	}
	if p.Window <= 0 {
		p.Window = d.Window
	}
	if p.Lockout <= 0 {
		p.Lockout = d.Lockout
	}
	if p.MaxLockout < p.Lockout {
		p.MaxLockout = max(d.MaxLockout, p.Lockout)
	}
	if p.Memory <= 0 {
		p.Memory = d.Memory
	}
	return p
}

// DefaultMaxKeys bounds a MemoryLimiter when MaxKeys is zero.
const DefaultMaxKeys = 100_000

// MemoryLimiter is the in-process Limiter. Several processes behind a load
// balancer each keep their own counts, which multiplies what an attacker
// gets by the number of processes: use a shared store there.
type MemoryLimiter struct {
	policy  LimitPolicy
	maxKeys int
	mu      sync.Mutex
	keys    map[string]*limitState
}

var _ Limiter = (*MemoryLimiter)(nil)

// limitState is one key's state: what a Redis hash would hold.
type limitState struct {
	count       int       // attempts in the current window
	windowStart time.Time // when the window began
	lockedUntil time.Time
	strikes     int // lockouts so far
	last        time.Time
}

// NewMemoryLimiter returns a Limiter with policy p (zero fields take
// DefaultUserPolicy's) holding at most maxKeys keys (zero:
// DefaultMaxKeys).
func NewMemoryLimiter(p LimitPolicy, maxKeys int) *MemoryLimiter {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	return &MemoryLimiter{policy: p.withDefaults(DefaultUserPolicy), maxKeys: maxKeys, keys: map[string]*limitState{}}
}

// Take implements Limiter.
func (l *MemoryLimiter) Take(_ context.Context, key string, now time.Time) (time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.keys[key]
	if s == nil {
		if len(l.keys) >= l.maxKeys {
			l.sweep(now)
		}
		if len(l.keys) >= l.maxKeys {
			// Full of live keys: refuse rather than forget someone's
			// lockout, which is what a spray of fresh keys would aim at.
			return l.policy.Window, nil
		}
		s = &limitState{windowStart: now}
		l.keys[key] = s
	}
	p := l.policy
	if now.Before(s.lockedUntil) {
		return s.lockedUntil.Sub(now), nil
	}
	if now.Sub(s.last) > p.Memory {
		s.strikes = 0
	}
	if now.Sub(s.windowStart) >= p.Window {
		s.count, s.windowStart = 0, now
	}
	s.last = now
	if s.count >= p.Max {
		s.strikes++
		d := p.Lockout
		for i := 1; i < s.strikes && d < p.MaxLockout; i++ {
			d *= 2
		}
		d = min(d, p.MaxLockout)
		s.lockedUntil, s.count, s.windowStart = now.Add(d), 0, now.Add(d)
		return d, nil
	}
	s.count++
	return 0, nil
}

// Forgive implements Limiter.
func (l *MemoryLimiter) Forgive(_ context.Context, key string) error {
	l.mu.Lock()
	delete(l.keys, key)
	l.mu.Unlock()
	return nil
}

// sweep drops keys that remember nothing any more: not locked, window
// over, and no lockout history (or history past Memory). A spray of
// one-attempt keys is thus gone after one window.
func (l *MemoryLimiter) sweep(now time.Time) {
	for k, s := range l.keys {
		if !now.Before(s.lockedUntil) && now.Sub(s.windowStart) >= l.policy.Window && (s.strikes == 0 || now.Sub(s.last) > l.policy.Memory) {
			delete(l.keys, k)
		}
	}
}
