//go:build cgo

package token

import (
	"context"
	"errors"
	"fmt"

	"github.com/miekg/pkcs11"
)

// Login logs the user in now, asking Options.PIN for the PIN, so that a
// wrong or locked PIN is reported before the first signature. Signer logs
// in by itself when needed, so calling Login is optional.
//
// Because PKCS#11 login state is per process, Login succeeds without asking
// for or checking a PIN when the token is already logged in through another
// session of this process.
func (t *Token) Login(ctx context.Context) error {
	if err := t.enter(); err != nil {
		return err
	}
	defer t.leave()
	return t.login(ctx)
}

// login does the work of Login; t is entered.
func (t *Token) login(ctx context.Context) error {
	t.loginMu.Lock()
	defer t.loginMu.Unlock()
	if t.loggedIn {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Fresh flags: a locked PIN is refused without prompting the user, and
	// the prompt sees PINCountLow / PINFinalTry as they are now.
	info, err := t.m.tokenInfo(t.info.Slot)
	if err != nil {
		return fmt.Errorf("token %q: %w", t.info.Label, err)
	}
	if !info.LoginRequired() {
		t.loggedIn, t.noLogin = true, true
		return nil
	}
	// Logged in already through another session of this process (another
	// Token or Module on the same token): no prompt needed.
	if t.anchorLoggedIn() {
		t.loggedIn = true
		return nil
	}
	if info.PINLocked() {
		return fmt.Errorf("token %q: %w", info.Label, ErrPINLocked)
	}
	pin, err := t.pin(ctx, info)
	if err != nil {
		return err
	}
	// The PIN goes no further than this call. miekg/pkcs11 copies it into C
	// memory that it frees right after C_Login; a Go string cannot be wiped,
	// so the best we can do is to keep no reference to it.
	err = wrap("C_Login", t.m.lib.ctx.Login(t.anchor, pkcs11.CKU_USER, pin))
	switch {
	case err == nil:
		t.log.Debug("logged in")
	case codeOf(err) == ckrUserAlreadyLoggedIn:
		t.log.Debug("already logged in by another session of this process")
	default:
		t.log.Warn("login failed", "err", err)
		return fmt.Errorf("token %q: %w", info.Label, err)
	}
	t.loggedIn = true
	return nil
}

// pin asks the callback, except on a PIN pad reader where the PIN is typed
// on the device and C_Login takes none.
func (t *Token) pin(ctx context.Context, info TokenInfo) (string, error) {
	if info.ProtectedAuthPath() {
		return "", nil
	}
	if t.m.opts.PIN == nil {
		return "", fmt.Errorf("token %q: %w", info.Label, ErrNoPIN)
	}
	pin, err := t.m.opts.PIN(ctx, info)
	if err != nil {
		return "", fmt.Errorf("token %q: PIN callback: %w", info.Label, err)
	}
	if pin == "" {
		return "", fmt.Errorf("token %q: PIN callback: %w", info.Label, errors.New("empty PIN"))
	}
	return pin, nil
}

// lostLogin reports whether err came from a token that is no longer logged
// in, and if so records it so the next login asks again. Tokens say so with
// CKR_USER_NOT_LOGGED_IN, or, hiding private objects, with an invalid
// handle (SoftHSM2 answers CKR_OBJECT_HANDLE_INVALID); the session state of
// the anchor tells which it is.
func (t *Token) lostLogin(err error) bool {
	switch codeOf(err) {
	case ckrUserNotLoggedIn, ckrKeyHandleInvalid, ckrObjectHandleInvalid:
	default:
		return false
	}
	t.loginMu.Lock()
	defer t.loginMu.Unlock()
	if !t.loggedIn {
		return true // another signer saw it first; login will ask
	}
	if t.closed.Load() || t.anchorLoggedIn() {
		return false
	}
	t.loggedIn = false
	t.log.Info("token is no longer logged in; logging in again", "err", err)
	return true
}

// anchorLoggedIn reads the login state through the anchor session; loginMu
// is held.
func (t *Token) anchorLoggedIn() bool {
	si, err := t.m.lib.ctx.GetSessionInfo(t.anchor)
	return err == nil && (si.State == pkcs11.CKS_RO_USER_FUNCTIONS || si.State == pkcs11.CKS_RW_USER_FUNCTIONS)
}

// recheckLogin forgets a cached login the token no longer has, so that a key
// lookup (which cannot see private keys without it) logs in first rather
// than report ErrKeyNotFound. Signing skips this check and recovers from
// the failure instead, to keep the extra call off every signature.
func (t *Token) recheckLogin() {
	t.loginMu.Lock()
	defer t.loginMu.Unlock()
	if t.loggedIn && !t.noLogin && !t.anchorLoggedIn() {
		t.loggedIn = false
	}
}
