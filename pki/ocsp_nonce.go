package pki

import (
	"bytes"
	"encoding/asn1"
	"fmt"
	"io"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// OCSP nonces (RFC 8954). golang.org/x/crypto/ocsp can neither put an
// extension in a request nor read a response's responseExtensions, so both
// are done here, on DER structure only: the request x/crypto builds gets a
// requestExtensions field, and the nonce is read from the response's
// TBSResponseData, the bytes x/crypto checked the signature over.

// OCSPNoncePolicy says whether OCSP requests carry a nonce and what the
// answer must do with it.
type OCSPNoncePolicy int

const (
	// OCSPNonceIfEchoed (default): every request carries a fresh 32-byte
	// nonce; an answer that carries a nonce must carry exactly that one, an
	// answer without a nonce is accepted. Many responders (those that
	// pre-sign their answers, as RFC 5019 allows) never echo nonces, so
	// requiring one would turn OCSP off for them; without an echo only
	// freshness (thisUpdate/nextUpdate) bounds the replay of a captured
	// answer.
	OCSPNonceIfEchoed OCSPNoncePolicy = iota
	// OCSPNonceRequired: as OCSPNonceIfEchoed, and an answer without the
	// nonce is refused. Use it with responders known to echo nonces.
	OCSPNonceRequired
	// OCSPNonceOff: requests carry no nonce and an answer's nonce, if any,
	// is not looked at. For responders that refuse requests with
	// extensions.
	OCSPNonceOff
)

// ocspNonceSize is RFC 8954's recommended (and maximum) nonce length.
const ocspNonceSize = 32

var (
	oidOCSPNonce   = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 2}
	oidOCSPNoCheck = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}
)

// newOCSPNonce returns the extnValue of a fresh nonce extension: the DER
// OCTET STRING holding ocspNonceSize random bytes.
func newOCSPNonce(rand io.Reader) ([]byte, error) {
	n := make([]byte, ocspNonceSize)
	if _, err := io.ReadFull(rand, n); err != nil {
		return nil, fmt.Errorf("%w: reading the OCSP nonce: %w", ErrOCSPInvalid, err)
	}
	return asn1.Marshal(n)
}

// addOCSPNonce re-encodes an OCSPRequest (as ocsp.CreateRequest makes it:
// unsigned, no extensions) with requestExtensions holding the nonce.
func addOCSPNonce(req, nonceValue []byte) ([]byte, error) {
	in := cryptobyte.String(req)
	var outer, tbs cryptobyte.String
	if !in.ReadASN1(&outer, cbasn1.SEQUENCE) || !in.Empty() ||
		!outer.ReadASN1(&tbs, cbasn1.SEQUENCE) || !outer.Empty() {
		return nil, fmt.Errorf("%w: unexpected OCSP request shape", ErrOCSPInvalid)
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(tbs)
			b.AddASN1(cbasn1.Tag(2).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1ObjectIdentifier(oidOCSPNonce)
						b.AddASN1OctetString(nonceValue)
					})
				})
			})
		})
	})
	return b.Bytes()
}

// responseExtension is one of the responseExtensions of a ResponseData.
type responseExtension struct {
	id       asn1.ObjectIdentifier
	critical bool
	value    []byte
}

// parseResponseExtensions reads the responseExtensions of a DER
// ResponseData:
//
//	ResponseData ::= SEQUENCE {
//	  version [0] EXPLICIT Version DEFAULT v1, responderID ResponderID,
//	  producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse,
//	  responseExtensions [1] EXPLICIT Extensions OPTIONAL }
func parseResponseExtensions(tbs []byte) ([]responseExtension, error) {
	bad := fmt.Errorf("%w: malformed responseExtensions", ErrOCSPInvalid)
	in := cryptobyte.String(tbs)
	var body cryptobyte.String
	if !in.ReadASN1(&body, cbasn1.SEQUENCE) || !in.Empty() ||
		!body.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, bad
	}
	var tag cbasn1.Tag
	var skip cryptobyte.String
	if !body.ReadAnyASN1(&skip, &tag) || // responderID: [1] or [2]
		!body.SkipASN1(cbasn1.GeneralizedTime) || !body.SkipASN1(cbasn1.SEQUENCE) {
		return nil, bad
	}
	var exts cryptobyte.String
	var present bool
	if !body.ReadOptionalASN1(&exts, &present, cbasn1.Tag(1).Constructed().ContextSpecific()) || !body.Empty() {
		return nil, bad
	}
	if !present {
		return nil, nil
	}
	var list cryptobyte.String
	if !exts.ReadASN1(&list, cbasn1.SEQUENCE) || !exts.Empty() {
		return nil, bad
	}
	var out []responseExtension
	for !list.Empty() {
		var ext cryptobyte.String
		var e responseExtension
		if !list.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1ObjectIdentifier(&e.id) {
			return nil, bad
		}
		if ext.PeekASN1Tag(cbasn1.BOOLEAN) && !ext.ReadASN1Boolean(&e.critical) {
			return nil, bad
		}
		var val cryptobyte.String
		if !ext.ReadASN1(&val, cbasn1.OCTET_STRING) || !ext.Empty() {
			return nil, bad
		}
		e.value = val
		for _, seen := range out {
			if seen.id.Equal(e.id) {
				return nil, fmt.Errorf("%w: duplicate response extension %s", ErrOCSPInvalid, e.id)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// checkOCSPNonce applies the policy to a response whose signed data is
// tbs; sent is the nonce extnValue of the request (nil when none was sent).
// A critical response extension other than the nonce is refused.
func checkOCSPNonce(policy OCSPNoncePolicy, tbs, sent []byte) error {
	exts, err := parseResponseExtensions(tbs)
	if err != nil {
		return err
	}
	var got []byte
	for _, e := range exts {
		switch {
		case e.id.Equal(oidOCSPNonce):
			got = e.value
		case e.critical:
			return fmt.Errorf("%w: unsupported critical response extension %s", ErrOCSPInvalid, e.id)
		}
	}
	switch {
	case sent == nil:
		return nil
	case got == nil && policy == OCSPNonceRequired:
		return fmt.Errorf("%w: nonce not echoed", ErrOCSPInvalid)
	case got != nil && !bytes.Equal(got, sent):
		return fmt.Errorf("%w: nonce does not match the request's", ErrOCSPInvalid)
	}
	return nil
}
