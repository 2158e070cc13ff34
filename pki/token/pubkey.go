package token

// Decoding of attribute values read from a token, kept free of cgo so the
// parsers can be unit-tested and fuzzed anywhere.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/asn1"
	"encoding/binary"
	"fmt"
)

// ulong decodes a CK_ULONG attribute such as CKA_KEY_TYPE: the module
// returns it in host byte order and width.
func ulong(b []byte) (uint, error) {
	switch len(b) {
	case 8:
		return uint(binary.NativeEndian.Uint64(b)), nil
	case 4:
		return uint(binary.NativeEndian.Uint32(b)), nil
	}
	return 0, fmt.Errorf("token: CK_ULONG attribute of %d bytes", len(b))
}

var curveOIDs = []struct {
	oid   asn1.ObjectIdentifier
	curve elliptic.Curve
}{
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}, elliptic.P256()},
	{asn1.ObjectIdentifier{1, 3, 132, 0, 34}, elliptic.P384()},
	{asn1.ObjectIdentifier{1, 3, 132, 0, 35}, elliptic.P521()},
}

// ecPublic decodes CKA_EC_PARAMS (a named-curve OID) and CKA_EC_POINT (an
// uncompressed point, DER-wrapped in an OCTET STRING as the standard says,
// or bare as some older modules return it).
func ecPublic(params, point []byte) (*ecdsa.PublicKey, error) {
	var oid asn1.ObjectIdentifier
	if rest, err := asn1.Unmarshal(params, &oid); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("%w: EC parameters are not a named curve", ErrUnsupported)
	}
	var curve elliptic.Curve
	for _, c := range curveOIDs {
		if c.oid.Equal(oid) {
			curve = c.curve
		}
	}
	if curve == nil {
		return nil, fmt.Errorf("%w: EC curve %v", ErrUnsupported, oid)
	}
	var raw []byte
	if rest, err := asn1.Unmarshal(point, &raw); err != nil || len(rest) > 0 {
		raw = point
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, raw)
	if err != nil {
		return nil, fmt.Errorf("token: EC point: %w", err)
	}
	return pub, nil
}

// samePublic compares public keys of the types this package signs with.
func samePublic(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}
