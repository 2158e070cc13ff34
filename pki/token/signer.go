//go:build cgo

package token

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/miekg/pkcs11"
)

// Signer is a private key on a token. It implements crypto.Signer and is
// safe for concurrent use; it stays usable until its Token is closed.
type Signer struct {
	t *Token
	// key is the private key's handle; refind replaces it, hence atomic.
	key        atomic.Uint64
	keyType    uint
	id         []byte
	label      string
	alwaysAuth bool
	pub        crypto.PublicKey
	cert       *x509.Certificate
}

var _ crypto.Signer = (*Signer)(nil)

// Public returns the *rsa.PublicKey or *ecdsa.PublicKey.
func (k *Signer) Public() crypto.PublicKey { return k.pub }

// Certificate returns the certificate of the key: the one given in the
// KeySelector, else the newest certificate on the token sharing the key's
// CKA_ID, else nil.
func (k *Signer) Certificate() *x509.Certificate { return k.cert }

// ID returns the key's CKA_ID.
func (k *Signer) ID() []byte { return bytes.Clone(k.id) }

// Label returns the key's CKA_LABEL.
func (k *Signer) Label() string { return k.label }

// Sign signs digest with the key, as crypto.Signer: PKCS#1 v1.5 for an RSA
// key unless opts is *rsa.PSSOptions, ECDSA (ASN.1 DER) for an EC key. rand
// is ignored: the token draws its own randomness. Sign has no context, so it
// waits for a free session as long as it takes; use SignContext to bound it.
func (k *Signer) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return k.SignContext(context.Background(), digest, opts)
}

// SignContext is Sign with a context bounding the wait for a session and
// passed to the PIN callback if a login is needed. A PKCS#11 call already
// running on the device cannot be interrupted.
func (k *Signer) SignContext(ctx context.Context, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts == nil {
		return nil, fmt.Errorf("token: nil crypto.SignerOpts")
	}
	mech, input, err := k.mechanism(digest, opts)
	if err != nil {
		return nil, err
	}
	t := k.t
	if err := t.enter(); err != nil {
		return nil, err
	}
	defer t.leave()
	for attempt := 0; ; attempt++ {
		if err := t.login(ctx); err != nil {
			return nil, err
		}
		sig, err := t.sign(ctx, k, mech, input)
		if err != nil && attempt == 0 && t.lostLogin(err) {
			// The token forgot the login (a reset, a logout by another
			// application); log in once more, find the key again (its
			// handle may have changed with the login) and retry.
			if err := t.login(ctx); err != nil {
				return nil, err
			}
			if err := k.refind(ctx); err != nil {
				return nil, fmt.Errorf("token %q: key %q after login: %w", t.info.Label, k.label, err)
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("token %q: sign with key %q: %w", t.info.Label, k.label, err)
		}
		if k.keyType == pkcs11.CKK_EC {
			return ecdsaDER(sig)
		}
		return sig, nil
	}
}

// mechanism picks the PKCS#11 mechanism and the bytes the token signs.
func (k *Signer) mechanism(digest []byte, opts crypto.SignerOpts) (*pkcs11.Mechanism, []byte, error) {
	h := opts.HashFunc()
	switch pub := k.pub.(type) {
	case *rsa.PublicKey:
		if pss, ok := opts.(*rsa.PSSOptions); ok {
			if err := checkDigest(digest, h); err != nil {
				return nil, nil, err
			}
			salt, err := pssSaltLength(pss, pub)
			if err != nil {
				return nil, nil, err
			}
			hm := pssHashes[h]
			params := pkcs11.NewPSSParams(hm.hash, hm.mgf, uint(salt))
			return pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS_PSS, params), digest, nil
		}
		di, err := digestInfo(h, digest)
		if err != nil {
			return nil, nil, err
		}
		return pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS, nil), di, nil
	default: // ECDSA: only RSA and EC keys reach a Signer
		if err := checkDigest(digest, h); err != nil {
			return nil, nil, err
		}
		return pkcs11.NewMechanism(pkcs11.CKM_ECDSA, nil), digest, nil
	}
}

// pssHashes gives, for each hash checkDigest admits, the CK_RSA_PKCS_PSS_PARAMS
// hash mechanism and the MGF1 of the same hash (what crypto/rsa uses).
var pssHashes = map[crypto.Hash]struct{ hash, mgf uint }{
	crypto.SHA224: {pkcs11.CKM_SHA224, pkcs11.CKG_MGF1_SHA224},
	crypto.SHA256: {pkcs11.CKM_SHA256, pkcs11.CKG_MGF1_SHA256},
	crypto.SHA384: {pkcs11.CKM_SHA384, pkcs11.CKG_MGF1_SHA384},
	crypto.SHA512: {pkcs11.CKM_SHA512, pkcs11.CKG_MGF1_SHA512},
}

// sign runs one C_SignInit/C_Sign on a pooled session; t is entered.
func (t *Token) sign(ctx context.Context, k *Signer, mech *pkcs11.Mechanism, input []byte) ([]byte, error) {
	var sig []byte
	err := t.withSession(ctx, func(c *pkcs11.Ctx, s pkcs11.SessionHandle) (bool, error) {
		if err := c.SignInit(s, []*pkcs11.Mechanism{mech}, pkcs11.ObjectHandle(k.key.Load())); err != nil {
			return false, wrap("C_SignInit", err)
		}
		if k.alwaysAuth {
			// CKA_ALWAYS_AUTHENTICATE keys (non-repudiation keys on some
			// qualified tokens) want the PIN again for each signature,
			// between C_SignInit and C_Sign.
			if err := t.contextLogin(ctx, c, s); err != nil {
				// The signing operation stays active on this session.
				return true, err
			}
		}
		out, err := c.Sign(s, input)
		if err != nil {
			// A failed C_Sign ends the operation, so the session is clean.
			return false, wrap("C_Sign", err)
		}
		sig = out
		return false, nil
	})
	return sig, err
}

func (t *Token) contextLogin(ctx context.Context, c *pkcs11.Ctx, s pkcs11.SessionHandle) error {
	info, err := t.m.tokenInfo(t.info.Slot)
	if err != nil {
		return err
	}
	pin, err := t.pin(ctx, info)
	if err != nil {
		return err
	}
	return wrap("C_Login(CKU_CONTEXT_SPECIFIC)", c.Login(s, pkcs11.CKU_CONTEXT_SPECIFIC, pin))
}

// refind looks the key up again by CKA_ID and public key; t is entered.
func (k *Signer) refind(ctx context.Context) error {
	t := k.t
	return t.withSession(ctx, func(c *pkcs11.Ctx, s pkcs11.SessionHandle) (bool, error) {
		keys, err := t.findKeys(c, s, KeySelector{ID: k.id, Label: k.label})
		if err != nil {
			return false, err
		}
		for _, found := range keys {
			if samePublic(found.pub, k.pub) {
				k.key.Store(found.key.Load())
				return false, nil
			}
		}
		return false, ErrKeyNotFound
	})
}
