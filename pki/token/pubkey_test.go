package token

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/asn1"
	"testing"
)

func TestECPublic(t *testing.T) {
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	params, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 3, 132, 0, 34})
	q, _ := k.PublicKey.Bytes()
	wrapped, _ := asn1.Marshal(q)
	for name, point := range map[string][]byte{"DER OCTET STRING": wrapped, "bare (older modules)": q} {
		pub, err := ecPublic(params, point)
		if err != nil || !pub.Equal(&k.PublicKey) {
			t.Errorf("%s: %v", name, err)
		}
	}
	brainpool, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 3, 36, 3, 3, 2, 8, 1, 1, 7})
	if _, err := ecPublic(brainpool, wrapped); err == nil {
		t.Error("unknown curve accepted")
	}
	p256, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})
	if _, err := ecPublic(p256, wrapped); err == nil {
		t.Error("P-384 point accepted as P-256")
	}
}

func TestULong(t *testing.T) {
	for _, b := range [][]byte{{3, 0, 0, 0, 0, 0, 0, 0}, {3, 0, 0, 0}} {
		v, err := ulong(b)
		// The tests run on little-endian machines; CKK_EC is 3.
		if err != nil || v != 3 {
			t.Errorf("ulong(%x) = %d, %v", b, v, err)
		}
	}
	if _, err := ulong([]byte{1, 2}); err == nil {
		t.Error("2-byte CK_ULONG accepted")
	}
}

// FuzzECPublic feeds token-supplied EC attributes to the decoder: it must
// never panic and only return points on the curve.
func FuzzECPublic(f *testing.F) {
	params, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	q, _ := k.PublicKey.Bytes()
	point, _ := asn1.Marshal(q)
	f.Add(params, point)
	f.Add(params, q)
	f.Add([]byte{0x06, 0x00}, []byte{0x04, 0x00})
	f.Fuzz(func(t *testing.T, params, point []byte) {
		pub, err := ecPublic(params, point)
		if err == nil && !pub.Curve.IsOnCurve(pub.X, pub.Y) {
			t.Fatal("point off the curve accepted")
		}
	})
}

// FuzzECDSADER converts arbitrary token output: no panic, and any result
// is DER that parses back to the same halves.
func FuzzECDSADER(f *testing.F) {
	f.Add(make([]byte, 64))
	f.Add([]byte{0, 1, 0, 1})
	f.Fuzz(func(t *testing.T, raw []byte) {
		der, err := ecdsaDER(raw)
		if err != nil {
			return
		}
		var sig struct{ R, S asn1.RawValue }
		if rest, err := asn1.Unmarshal(der, &sig); err != nil || len(rest) > 0 {
			t.Fatalf("ecdsaDER(%x) = %x is not DER: %v", raw, der, err)
		}
	})
}
