//go:build !cgo

package token

// Without cgo no PKCS#11 module can be loaded, but code that uses this
// package should still build (servers that never touch a token, static
// builds): the API is here and Open reports ErrNoCgo.

import (
	"context"
	"crypto"
	"crypto/x509"
	"io"
)

// Module is a loaded PKCS#11 library; see the cgo build.
type Module struct{}

// Token is an opened token; see the cgo build.
type Token struct{}

// Signer is a private key on a token; see the cgo build.
type Signer struct{}

// Open returns ErrNoCgo: this binary was built with CGO_ENABLED=0.
func Open(modulePath string, opts Options) (*Module, error) { return nil, ErrNoCgo }

func (m *Module) Close() error                                            { return ErrNoCgo }
func (m *Module) Tokens() ([]TokenInfo, error)                            { return nil, ErrNoCgo }
func (m *Module) Token(ctx context.Context, sel Selector) (*Token, error) { return nil, ErrNoCgo }

func (t *Token) Info() TokenInfo                                          { return TokenInfo{} }
func (t *Token) Close() error                                             { return ErrNoCgo }
func (t *Token) Login(ctx context.Context) error                          { return ErrNoCgo }
func (t *Token) Certificates(ctx context.Context) ([]*Certificate, error) { return nil, ErrNoCgo }
func (t *Token) Signer(ctx context.Context, ks KeySelector) (*Signer, error) {
	return nil, ErrNoCgo
}

func (k *Signer) Public() crypto.PublicKey       { return nil }
func (k *Signer) Certificate() *x509.Certificate { return nil }
func (k *Signer) ID() []byte                     { return nil }
func (k *Signer) Label() string                  { return "" }
func (k *Signer) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return nil, ErrNoCgo
}
func (k *Signer) SignContext(ctx context.Context, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return nil, ErrNoCgo
}

var _ crypto.Signer = (*Signer)(nil)
