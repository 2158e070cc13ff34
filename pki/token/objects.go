//go:build cgo

package token

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"math/big"

	"github.com/miekg/pkcs11"
)

// Reading objects: finding them by template and reading attributes that may
// be absent. A token answers CKR_ATTRIBUTE_TYPE_INVALID for the whole
// C_GetAttributeValue when one attribute is unknown to the object, so
// optional attributes are read one at a time.

const (
	ckrAttributeSensitive   = 0x011
	ckrAttributeTypeInvalid = 0x012
)

func findObjects(c *pkcs11.Ctx, s pkcs11.SessionHandle, tmpl []*pkcs11.Attribute) ([]pkcs11.ObjectHandle, error) {
	if err := c.FindObjectsInit(s, tmpl); err != nil {
		return nil, wrap("C_FindObjectsInit", err)
	}
	var all []pkcs11.ObjectHandle
	for {
		hs, _, err := c.FindObjects(s, findObjectsPageSize)
		if err != nil {
			_ = c.FindObjectsFinal(s)
			return nil, wrap("C_FindObjects", err)
		}
		if len(hs) == 0 {
			break
		}
		all = append(all, hs...)
	}
	if err := c.FindObjectsFinal(s); err != nil {
		return nil, wrap("C_FindObjectsFinal", err)
	}
	return all, nil
}

// attr reads one attribute; absent reports that the object has no such
// attribute or will not reveal it.
func attr(c *pkcs11.Ctx, s pkcs11.SessionHandle, o pkcs11.ObjectHandle, typ uint) (value []byte, absent bool, err error) {
	as, err := c.GetAttributeValue(s, o, []*pkcs11.Attribute{pkcs11.NewAttribute(typ, nil)})
	if err != nil {
		err = wrap("C_GetAttributeValue", err)
		if code := codeOf(err); code == ckrAttributeTypeInvalid || code == ckrAttributeSensitive {
			return nil, true, nil
		}
		return nil, false, err
	}
	if as[0].Value == nil {
		return nil, true, nil
	}
	return as[0].Value, false, nil
}

// Certificates lists the X.509 certificates on the token. It does not log
// in: certificates are public objects on the tokens we know, so a caller can
// show them before asking for a PIN. Certificates Go cannot parse are
// skipped with a warning in the log.
func (t *Token) Certificates(ctx context.Context) ([]*Certificate, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := t.enter(); err != nil {
		return nil, err
	}
	defer t.leave()
	var certs []*Certificate
	err := t.withSession(ctx, func(c *pkcs11.Ctx, s pkcs11.SessionHandle) (bool, error) {
		var err error
		certs, err = t.certificates(c, s, nil)
		return false, err
	})
	if err != nil {
		return nil, fmt.Errorf("token %q: certificates: %w", t.info.Label, err)
	}
	return certs, nil
}

// certificates reads the certificate objects, all of them or those with the
// given CKA_ID.
func (t *Token) certificates(c *pkcs11.Ctx, s pkcs11.SessionHandle, id []byte) ([]*Certificate, error) {
	tmpl := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_CERTIFICATE),
		pkcs11.NewAttribute(pkcs11.CKA_CERTIFICATE_TYPE, pkcs11.CKC_X_509),
	}
	if id != nil {
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_ID, id))
	}
	hs, err := findObjects(c, s, tmpl)
	if err != nil {
		return nil, err
	}
	var certs []*Certificate
	for _, h := range hs {
		der, _, err := attr(c, s, h, pkcs11.CKA_VALUE)
		if err != nil {
			return nil, err
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.log.Warn("skipping unparsable certificate on token", "err", err)
			continue
		}
		objID, _, err := attr(c, s, h, pkcs11.CKA_ID)
		if err != nil {
			return nil, err
		}
		label, _, err := attr(c, s, h, pkcs11.CKA_LABEL)
		if err != nil {
			return nil, err
		}
		certs = append(certs, &Certificate{Cert: cert, ID: objID, Label: string(label)})
	}
	return certs, nil
}

// publicKey finds the public half of the private key o with CKA_ID id: from
// a certificate with that ID (also returned), else a public key object,
// else the private key's own RSA modulus and exponent.
func (t *Token) publicKey(c *pkcs11.Ctx, s pkcs11.SessionHandle, o pkcs11.ObjectHandle, id []byte, keyType uint) (crypto.PublicKey, *x509.Certificate, error) {
	if len(id) > 0 {
		certs, err := t.certificates(c, s, id)
		if err != nil {
			return nil, nil, err
		}
		if len(certs) > 0 {
			// Several certificates may share a key (a renewal keeping the
			// key); the newest is the one to present.
			best := certs[0].Cert
			for _, ct := range certs[1:] {
				if ct.Cert.NotAfter.After(best.NotAfter) {
					best = ct.Cert
				}
			}
			return best.PublicKey, best, nil
		}
		pubs, err := findObjects(c, s, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PUBLIC_KEY),
			pkcs11.NewAttribute(pkcs11.CKA_ID, id),
		})
		if err != nil {
			return nil, nil, err
		}
		if len(pubs) > 0 {
			pub, err := readPublic(c, s, pubs[0], keyType)
			return pub, nil, err
		}
	}
	if keyType == pkcs11.CKK_RSA {
		pub, err := readPublic(c, s, o, keyType)
		return pub, nil, err
	}
	return nil, nil, fmt.Errorf("%w: no certificate or public key object shares the key's CKA_ID", ErrKeyNotFound)
}

// readPublic builds a public key from a public key object, or from an RSA
// private key object, which carries the modulus and public exponent.
func readPublic(c *pkcs11.Ctx, s pkcs11.SessionHandle, o pkcs11.ObjectHandle, keyType uint) (crypto.PublicKey, error) {
	switch keyType {
	case pkcs11.CKK_RSA:
		as, err := c.GetAttributeValue(s, o, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_MODULUS, nil),
			pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, nil),
		})
		if err != nil {
			return nil, wrap("C_GetAttributeValue", err)
		}
		e := new(big.Int).SetBytes(as[1].Value)
		if !e.IsInt64() || e.Int64() > 1<<31-1 || e.Int64() < 3 {
			return nil, fmt.Errorf("%w: RSA public exponent out of range", ErrUnsupported)
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(as[0].Value), E: int(e.Int64())}, nil
	case pkcs11.CKK_EC:
		as, err := c.GetAttributeValue(s, o, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, nil),
			pkcs11.NewAttribute(pkcs11.CKA_EC_POINT, nil),
		})
		if err != nil {
			return nil, wrap("C_GetAttributeValue", err)
		}
		return ecPublic(as[0].Value, as[1].Value)
	}
	return nil, fmt.Errorf("%w: key type 0x%X", ErrUnsupported, keyType)
}
