//go:build cgo

package token

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// Module is a loaded PKCS#11 library (a token vendor's .so/.dll). It is safe
// for concurrent use. Close it when done; closing also closes its Tokens.
type Module struct {
	lib  *library
	opts Options
	log  *slog.Logger

	// mu is held for reading by every operation that calls into the
	// library and for writing by Close, so the library is never unloaded
	// under a running call.
	mu     sync.RWMutex
	closed bool
	// tokMu guards tokens, which Token and Token.Close change while holding
	// only the read side of mu.
	tokMu  sync.Mutex
	tokens map[*Token]struct{}
}

// Open loads and initializes the PKCS#11 module at modulePath. Opening the
// same path twice shares the loaded library (see the package doc).
func Open(modulePath string, opts Options) (*Module, error) {
	if modulePath == "" {
		return nil, errors.New("token: empty module path")
	}
	lib, err := acquire(modulePath)
	if err != nil {
		return nil, err
	}
	m := &Module{lib: lib, opts: opts, log: opts.logger(), tokens: map[*Token]struct{}{}}
	m.log.Debug("pkcs11 module opened", "module", lib.path)
	return m, nil
}

// Close closes the Tokens taken from m and releases the library.
func (m *Module) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	for t := range m.tokens {
		t.closeLocked()
	}
	m.tokens = nil
	return m.lib.release()
}

// enter guards a call into the library; leave ends it.
func (m *Module) enter() error {
	m.mu.RLock()
	if m.closed {
		m.mu.RUnlock()
		return ErrClosed
	}
	return nil
}

func (m *Module) leave() { m.mu.RUnlock() }

// Tokens lists the tokens present in the module's slots.
func (m *Module) Tokens() ([]TokenInfo, error) {
	if err := m.enter(); err != nil {
		return nil, err
	}
	defer m.leave()
	return m.tokenInfos()
}

func (m *Module) tokenInfos() ([]TokenInfo, error) {
	slots, err := m.lib.ctx.GetSlotList(true)
	if err != nil {
		return nil, wrap("C_GetSlotList", err)
	}
	infos := make([]TokenInfo, 0, len(slots))
	for _, slot := range slots {
		info, err := m.tokenInfo(slot)
		if errors.Is(err, ErrTokenNotFound) {
			// Pulled out between the two calls: it is simply not present.
			continue
		}
		if err != nil {
			return nil, err
		}
		infos = append(infos, info)
	}
	return infos, nil
}

func (m *Module) tokenInfo(slot uint) (TokenInfo, error) {
	ti, err := m.lib.ctx.GetTokenInfo(slot)
	if err != nil {
		return TokenInfo{}, wrap("C_GetTokenInfo", err)
	}
	// CK_TOKEN_INFO strings are fixed-width, blank-padded; some vendors pad
	// with NULs instead.
	trim := func(s string) string { return strings.TrimRight(s, " \x00") }
	return TokenInfo{
		Slot:         slot,
		Label:        trim(ti.Label),
		Serial:       trim(ti.SerialNumber),
		Manufacturer: trim(ti.ManufacturerID),
		Model:        trim(ti.Model),
		Flags:        ti.Flags,
		MaxSessions:  ti.MaxSessionCount,
	}, nil
}

// Token selects one present token and opens it. The login happens when an
// operation needs it (or at Token.Login). ctx bounds the selection only:
// PKCS#11 calls themselves cannot be interrupted.
func (m *Module) Token(ctx context.Context, sel Selector) (*Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := m.enter(); err != nil {
		return nil, err
	}
	defer m.leave()
	infos, err := m.tokenInfos()
	if err != nil {
		return nil, err
	}
	var found []TokenInfo
	for _, info := range infos {
		if sel.matches(info) {
			found = append(found, info)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%w: %s", ErrTokenNotFound, sel)
	case 1:
	default:
		return nil, fmt.Errorf("%w: %d tokens match %s", ErrAmbiguous, len(found), sel)
	}
	t, err := newToken(m, found[0])
	if err != nil {
		return nil, err
	}
	m.registerToken(t)
	return t, nil
}

func (m *Module) registerToken(t *Token) {
	m.tokMu.Lock()
	m.tokens[t] = struct{}{}
	m.tokMu.Unlock()
}

func (m *Module) forgetToken(t *Token) {
	m.tokMu.Lock()
	delete(m.tokens, t)
	m.tokMu.Unlock()
}
