//go:build cgo

package token

import (
	"context"
	"errors"
	"fmt"

	"github.com/miekg/pkcs11"
)

// Signer returns a crypto.Signer for one private key on the token, logging
// in first if the token needs it (private keys are invisible before).
func (t *Token) Signer(ctx context.Context, ks KeySelector) (*Signer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := t.enter(); err != nil {
		return nil, err
	}
	defer t.leave()
	t.recheckLogin()
	if err := t.login(ctx); err != nil {
		return nil, err
	}
	var keys []*Signer
	err := t.withSession(ctx, func(c *pkcs11.Ctx, s pkcs11.SessionHandle) (bool, error) {
		var err error
		keys, err = t.findKeys(c, s, ks)
		return false, err
	})
	if err != nil {
		return nil, fmt.Errorf("token %q: find key %s: %w", t.info.Label, ks, err)
	}
	k, err := t.pick(keys, ks)
	if err != nil {
		return nil, fmt.Errorf("token %q: %w", t.info.Label, err)
	}
	t.log.Debug("signer ready", "key", k.label, "type", fmt.Sprintf("%T", k.pub))
	return k, nil
}

// findKeys lists the private keys matching ks, each with its public key.
func (t *Token) findKeys(c *pkcs11.Ctx, s pkcs11.SessionHandle, ks KeySelector) ([]*Signer, error) {
	tmpl := []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY)}
	if ks.ID != nil {
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_ID, ks.ID))
	}
	if ks.Label != "" {
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_LABEL, ks.Label))
	}
	hs, err := findObjects(c, s, tmpl)
	if err != nil {
		return nil, err
	}
	var keys []*Signer
	for _, h := range hs {
		k, err := t.describeKey(c, s, h)
		if errors.Is(err, ErrUnsupported) || errors.Is(err, ErrKeyNotFound) {
			// One odd key (a DSA or GOST key, or one whose public half is
			// nowhere) must not hide the usable ones beside it.
			t.log.Warn("skipping private key", "err", err)
			continue
		}
		if err != nil {
			return nil, err
		}
		if ks.Certificate != nil {
			if !samePublic(k.pub, ks.Certificate.PublicKey) {
				continue
			}
			k.cert = ks.Certificate
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func (t *Token) describeKey(c *pkcs11.Ctx, s pkcs11.SessionHandle, h pkcs11.ObjectHandle) (*Signer, error) {
	kt, _, err := attr(c, s, h, pkcs11.CKA_KEY_TYPE)
	if err != nil {
		return nil, err
	}
	keyType, err := ulong(kt)
	if err != nil {
		return nil, err
	}
	if keyType != pkcs11.CKK_RSA && keyType != pkcs11.CKK_EC {
		return nil, fmt.Errorf("%w: key type 0x%X", ErrUnsupported, keyType)
	}
	k := &Signer{t: t, keyType: keyType}
	k.key.Store(uint64(h))
	if k.id, _, err = attr(c, s, h, pkcs11.CKA_ID); err != nil {
		return nil, err
	}
	label, _, err := attr(c, s, h, pkcs11.CKA_LABEL)
	if err != nil {
		return nil, err
	}
	k.label = string(label)
	always, _, err := attr(c, s, h, pkcs11.CKA_ALWAYS_AUTHENTICATE)
	if err != nil {
		return nil, err
	}
	k.alwaysAuth = len(always) > 0 && always[0] != 0
	if k.pub, k.cert, err = t.publicKey(c, s, h, k.id, keyType); err != nil {
		return nil, fmt.Errorf("key %q: %w", k.label, err)
	}
	return k, nil
}

// pick chooses among the matching keys. An explicit selector must match
// exactly one; the zero selector prefers the key whose certificate is valid
// now and expires last, because a VGCA token often keeps the expired
// certificate and key beside the renewed ones.
func (t *Token) pick(keys []*Signer, ks KeySelector) (*Signer, error) {
	switch {
	case len(keys) == 0:
		return nil, fmt.Errorf("%w: %s", ErrKeyNotFound, ks)
	case len(keys) == 1:
		return keys[0], nil
	case !ks.isZero():
		return nil, fmt.Errorf("%w: %d private keys match %s", ErrAmbiguous, len(keys), ks)
	}
	now := t.m.opts.now()
	var best *Signer
	for _, k := range keys {
		if k.cert == nil || now.Before(k.cert.NotBefore) || now.After(k.cert.NotAfter) {
			continue
		}
		if best == nil || k.cert.NotAfter.After(best.cert.NotAfter) {
			best = k
		}
	}
	if best == nil {
		return nil, fmt.Errorf("%w: %d private keys and none with a currently valid certificate; select one", ErrAmbiguous, len(keys))
	}
	return best, nil
}
