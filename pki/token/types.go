package token

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Token flags (CKF_* of CK_TOKEN_INFO), spelled out so that TokenInfo's
// helpers compile without cgo.
const (
	flagLoginRequired   = 0x00000004
	flagInitialized     = 0x00000400
	flagProtectedPath   = 0x00000100
	flagPINCountLow     = 0x00010000
	flagPINFinalTry     = 0x00020000
	flagPINLocked       = 0x00040000
	flagPINToBeChanged  = 0x00080000
	defaultMaxSessions  = 4
	findObjectsPageSize = 32
)

// TokenInfo describes a token present in a slot (CK_TOKEN_INFO, with the
// space padding trimmed).
type TokenInfo struct {
	Slot         uint
	Label        string
	Serial       string
	Manufacturer string
	Model        string
	// Flags is CK_TOKEN_INFO.flags; the methods below read the ones that
	// matter to a login prompt.
	Flags uint
	// MaxSessions is ulMaxSessionCount: 0 means no limit, ^uint(0) unknown.
	MaxSessions uint
}

// LoginRequired reports whether private objects need a user login.
func (i TokenInfo) LoginRequired() bool { return i.Flags&flagLoginRequired != 0 }

// ProtectedAuthPath reports a PIN pad or biometric reader: the PIN is
// entered on the device, and PINFunc is not called.
func (i TokenInfo) ProtectedAuthPath() bool { return i.Flags&flagProtectedPath != 0 }

// PINCountLow reports that a wrong PIN has been entered since the last
// successful login; a prompt should warn the user.
func (i TokenInfo) PINCountLow() bool { return i.Flags&flagPINCountLow != 0 }

// PINFinalTry reports that one more wrong PIN locks the token.
func (i TokenInfo) PINFinalTry() bool { return i.Flags&flagPINFinalTry != 0 }

// PINLocked reports that the user PIN is blocked.
func (i TokenInfo) PINLocked() bool { return i.Flags&flagPINLocked != 0 }

// PINToBeChanged reports a PIN that must be changed (a default or expired
// PIN) before the token will sign.
func (i TokenInfo) PINToBeChanged() bool { return i.Flags&flagPINToBeChanged != 0 }

// Selector picks one token. Every field that is set must match; the zero
// Selector matches any token, which is what a machine with one USB token
// wants (two tokens present → ErrAmbiguous).
type Selector struct {
	Label  string
	Serial string
	Slot   *uint
}

func (s Selector) String() string {
	var parts []string
	if s.Label != "" {
		parts = append(parts, fmt.Sprintf("label=%q", s.Label))
	}
	if s.Serial != "" {
		parts = append(parts, fmt.Sprintf("serial=%q", s.Serial))
	}
	if s.Slot != nil {
		parts = append(parts, fmt.Sprintf("slot=%d", *s.Slot))
	}
	if len(parts) == 0 {
		return "any token"
	}
	return strings.Join(parts, " ")
}

// matches never picks an uninitialized token: there is nothing on it to use,
// and SoftHSM2 and some readers always show one such empty slot.
func (s Selector) matches(i TokenInfo) bool {
	return i.Flags&flagInitialized != 0 &&
		(s.Label == "" || s.Label == i.Label) &&
		(s.Serial == "" || s.Serial == i.Serial) &&
		(s.Slot == nil || *s.Slot == i.Slot)
}

// KeySelector picks one private key on a token. Fields that are set must all
// match. Certificate matches the key whose public half is the certificate's
// (through the certificate object's CKA_ID on the token, else by comparing
// public keys). The zero KeySelector picks the only private key, or, when
// there are several (a renewed certificate beside an expired one is common
// on VGCA tokens), the one whose certificate is valid now and expires last.
type KeySelector struct {
	ID          []byte
	Label       string
	Certificate *x509.Certificate
}

// Certificate is an X.509 certificate object stored on a token. ID is its
// CKA_ID, which by convention equals the CKA_ID of its private key.
type Certificate struct {
	Cert  *x509.Certificate
	ID    []byte
	Label string
}

// PINFunc returns the user PIN for a token, typically by prompting. It is
// called only when a login is needed, with the token's current flags so the
// prompt can warn about PINCountLow or PINFinalTry. The PIN is passed to the
// module and not kept.
type PINFunc func(ctx context.Context, info TokenInfo) (string, error)

// Options configure Open. The zero value is usable for tokens that need no
// login; set PIN for those that do.
type Options struct {
	// PIN supplies the user PIN when a token needs a login.
	PIN PINFunc
	// Clock tells the time used to prefer a currently valid certificate's
	// key (zero KeySelector). Nil means time.Now.
	Clock func() time.Time
	// Logger receives debug and warning events (never a PIN). Nil discards.
	Logger *slog.Logger
	// MaxSessions bounds the PKCS#11 sessions each Token opens for
	// concurrent operations (default 4, lowered to what the token allows).
	// Callers beyond the bound wait for a session.
	MaxSessions int
}

func (o Options) now() time.Time {
	if o.Clock != nil {
		return o.Clock()
	}
	return time.Now()
}

func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (ks KeySelector) isZero() bool {
	return ks.ID == nil && ks.Label == "" && ks.Certificate == nil
}

func (ks KeySelector) String() string {
	var parts []string
	if ks.ID != nil {
		parts = append(parts, fmt.Sprintf("id=%x", ks.ID))
	}
	if ks.Label != "" {
		parts = append(parts, fmt.Sprintf("label=%q", ks.Label))
	}
	if ks.Certificate != nil {
		parts = append(parts, fmt.Sprintf("certificate serial=%x", ks.Certificate.SerialNumber))
	}
	if len(parts) == 0 {
		return "any key"
	}
	return strings.Join(parts, " ")
}
