//go:build cgo

package token

import (
	"context"
	"sync"

	"github.com/miekg/pkcs11"
)

// pool lends PKCS#11 sessions of one slot, one caller at a time per
// session: a session runs a single operation (SignInit…Sign) at once, so
// concurrent signers each need their own. Sessions are kept for reuse
// because opening one costs a round trip to a USB device, and the pool is
// bounded because tokens allow only a few sessions (and are serial devices
// anyway: more sessions add queuing in the driver, not throughput).
type pool struct {
	ctx  *pkcs11.Ctx
	slot uint
	// sem holds one value per session lent out or being opened.
	sem chan struct{}

	mu     sync.Mutex
	idle   []pkcs11.SessionHandle
	closed bool
}

func newPool(ctx *pkcs11.Ctx, slot uint, size int) *pool {
	return &pool{ctx: ctx, slot: slot, sem: make(chan struct{}, size)}
}

// get returns a session for the caller's exclusive use until put, waiting
// while all are lent out.
func (p *pool) get(ctx context.Context) (pkcs11.SessionHandle, error) {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		<-p.sem
		return 0, ErrClosed
	}
	if n := len(p.idle); n > 0 {
		s := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return s, nil
	}
	p.mu.Unlock()
	// Read-only is enough to sign and to read objects; it also keeps a bug
	// here from ever modifying the token.
	s, err := p.ctx.OpenSession(p.slot, pkcs11.CKF_SERIAL_SESSION)
	if err != nil {
		<-p.sem
		return 0, wrap("C_OpenSession", err)
	}
	return s, nil
}

// put returns a session after use. discard closes it instead: after the
// device went away, or when an operation may still be active on it.
func (p *pool) put(s pkcs11.SessionHandle, discard bool) {
	p.mu.Lock()
	if discard || p.closed {
		p.mu.Unlock()
		_ = p.ctx.CloseSession(s)
	} else {
		p.idle = append(p.idle, s)
		p.mu.Unlock()
	}
	<-p.sem
}

// close closes the idle sessions; sessions lent out close when put back.
func (p *pool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, s := range idle {
		_ = p.ctx.CloseSession(s)
	}
}
