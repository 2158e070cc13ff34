//go:build cgo

package token

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/miekg/pkcs11"
)

// Token is an opened token. It is safe for concurrent use: operations borrow
// sessions from a bounded pool.
//
// PKCS#11 keeps the login state per token for the whole process, not per
// session: one login serves every session, and the login lasts while any
// session of the process to that token is open. Token therefore holds one
// "anchor" session for as long as it is open, used only to log in.
type Token struct {
	m    *Module
	info TokenInfo
	pool *pool
	log  *slog.Logger

	closed atomic.Bool

	// loginMu serialises use of the anchor session and guards loggedIn.
	loginMu  sync.Mutex
	anchor   pkcs11.SessionHandle
	loggedIn bool
	noLogin  bool // the token needs no login (no CKF_LOGIN_REQUIRED)
}

// newToken opens the anchor session; the module is entered by the caller.
func newToken(m *Module, info TokenInfo) (*Token, error) {
	anchor, err := m.lib.ctx.OpenSession(info.Slot, pkcs11.CKF_SERIAL_SESSION)
	if err != nil {
		return nil, fmt.Errorf("token %q: %w", info.Label, wrap("C_OpenSession", err))
	}
	t := &Token{
		m:      m,
		info:   info,
		pool:   newPool(m.lib.ctx, info.Slot, poolSize(m.opts.MaxSessions, info.MaxSessions)),
		log:    m.log.With("slot", info.Slot, "token", info.Label),
		anchor: anchor,
	}
	t.log.Debug("token opened", "serial", info.Serial, "model", info.Model)
	return t, nil
}

// poolSize applies the default and leaves room for the anchor session when
// the token announces a session limit.
func poolSize(want int, tokenMax uint) int {
	if want <= 0 {
		want = defaultMaxSessions
	}
	const unknown = ^uint(0)
	if tokenMax != 0 && tokenMax != unknown && uint(want) >= tokenMax {
		want = int(tokenMax) - 1
	}
	return max(want, 1)
}

// Info returns what the token reported when it was selected. Flags may have
// changed since (a wrong PIN sets PINCountLow); Login rereads them.
func (t *Token) Info() TokenInfo { return t.info }

// enter guards an operation on t; leave ends it.
func (t *Token) enter() error {
	if err := t.m.enter(); err != nil {
		return err
	}
	if t.closed.Load() {
		t.m.leave()
		return ErrClosed
	}
	return nil
}

func (t *Token) leave() { t.m.leave() }

// Close closes the token's sessions. When no other session of the process
// is open on the token, the token logs out by itself (PKCS#11 semantics).
func (t *Token) Close() error {
	if err := t.m.enter(); err != nil {
		return err
	}
	defer t.m.leave()
	t.closeLocked()
	t.m.forgetToken(t)
	return nil
}

// closeLocked closes t; the module is entered, or locked by Module.Close.
func (t *Token) closeLocked() {
	if t.closed.Swap(true) {
		return
	}
	t.pool.close()
	t.loginMu.Lock()
	defer t.loginMu.Unlock()
	_ = t.m.lib.ctx.CloseSession(t.anchor)
	t.loggedIn = false
	t.log.Debug("token closed")
}

// withSession runs fn on a pooled session. The session goes back to the
// pool unless fn failed in a way that leaves it unusable, or fn asked for
// it to be dropped (an operation it could not finish).
func (t *Token) withSession(ctx context.Context, fn func(c *pkcs11.Ctx, s pkcs11.SessionHandle) (drop bool, err error)) error {
	s, err := t.pool.get(ctx)
	if err != nil {
		return err
	}
	drop, err := fn(t.m.lib.ctx, s)
	discard := drop || sessionLost(codeOf(err))
	if discard {
		t.log.Warn("pkcs11 session discarded", "err", err)
	}
	t.pool.put(s, discard)
	return err
}
