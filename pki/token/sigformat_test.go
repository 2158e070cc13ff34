package token

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"math/big"
	"testing"
)

// The DigestInfo prefixes of RFC 8017 §9.2 note 1, written out as the
// standard prints them, to check the encoding/asn1 construction.
func TestDigestInfoMatchesRFC8017(t *testing.T) {
	prefixes := map[crypto.Hash]string{
		crypto.SHA224: "302d300d06096086480165030402040500041c",
		crypto.SHA256: "3031300d060960864801650304020105000420",
		crypto.SHA384: "3041300d060960864801650304020205000430",
		crypto.SHA512: "3051300d060960864801650304020305000440",
	}
	for h, prefix := range prefixes {
		digest := make([]byte, h.Size())
		for i := range digest {
			digest[i] = byte(i)
		}
		got, err := digestInfo(h, digest)
		if err != nil {
			t.Fatalf("%v: %v", h, err)
		}
		if want := prefix + hex.EncodeToString(digest); hex.EncodeToString(got) != want {
			t.Errorf("%v: DigestInfo\n got %x\nwant %s", h, got, want)
		}
	}
}

func TestDigestInfoRefuses(t *testing.T) {
	d := sha256.Sum256(nil)
	tests := []struct {
		name   string
		h      crypto.Hash
		digest []byte
	}{
		{"SHA-1", crypto.SHA1, d[:20]},
		{"MD5", crypto.MD5, d[:16]},
		{"short digest", crypto.SHA256, d[:31]},
		{"long digest", crypto.SHA256, append(d[:], 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := digestInfo(tt.h, tt.digest); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	if got, err := digestInfo(0, []byte("prebuilt")); err != nil || string(got) != "prebuilt" {
		t.Errorf("hash 0 must pass the input through: %q, %v", got, err)
	}
}

func TestPSSSaltLength(t *testing.T) {
	pub := &rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), 2047), E: 65537}
	tests := []struct {
		opts    rsa.PSSOptions
		want    int
		wantErr bool
	}{
		{rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthEqualsHash}, 32, false},
		{rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthAuto}, 256 - 2 - 32, false},
		{rsa.PSSOptions{Hash: crypto.SHA512, SaltLength: 20}, 20, false},
		{rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: -7}, 0, true},
		{rsa.PSSOptions{SaltLength: 20}, 0, true},
	}
	for _, tt := range tests {
		got, err := pssSaltLength(&tt.opts, pub)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%+v: got %d, %v; want %d (error %v)", tt.opts, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestECDSADER signs in software, lays r and s out as CKM_ECDSA returns them
// (fixed width, leading zeros kept) and checks the DER verifies.
func TestECDSADER(t *testing.T) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		d := sha256.Sum256([]byte{byte(i)})
		der, err := ecdsa.SignASN1(rand.Reader, k, d[:])
		if err != nil {
			t.Fatal(err)
		}
		r, s := parseDER(t, der)
		raw := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
		got, err := ecdsaDER(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !ecdsa.VerifyASN1(&k.PublicKey, d[:], got) {
			t.Fatalf("converted signature does not verify: %x", got)
		}
	}
	for _, bad := range [][]byte{nil, {1, 2, 3}} {
		if _, err := ecdsaDER(bad); err == nil {
			t.Errorf("ecdsaDER(%x) accepted", bad)
		}
	}
}

func parseDER(t *testing.T, der []byte) (r, s *big.Int) {
	t.Helper()
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &sig); err != nil {
		t.Fatal(err)
	}
	return sig.R, sig.S
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		code uint
		want error
	}{
		{ckrPINIncorrect, ErrPINIncorrect},
		{ckrPINLenRange, ErrPINIncorrect},
		// SoftHSM2 never locks a PIN, so this mapping is checked here only.
		{ckrPINLocked, ErrPINLocked},
		{ckrPINExpired, ErrPINExpired},
		{ckrTokenNotPresent, ErrTokenNotFound},
		{ckrDeviceRemoved, ErrTokenNotFound},
		{ckrKeyHandleInvalid, ErrKeyNotFound},
		{0x005, nil}, // CKR_GENERAL_ERROR
	}
	for _, tt := range tests {
		err := error(&PKCS11Error{Op: "C_Login", Code: tt.code})
		if got := errors.Unwrap(err); got != tt.want {
			t.Errorf("0x%X unwraps to %v, want %v", tt.code, got, tt.want)
		}
		var pe *PKCS11Error
		if !errors.As(err, &pe) || pe.Code != tt.code {
			t.Errorf("0x%X: errors.As failed", tt.code)
		}
	}
	if got := (&PKCS11Error{Op: "C_Login", Code: ckrPINLocked}).Error(); got != "token: C_Login: CKR_PIN_LOCKED (0xA4)" {
		t.Errorf("Error() = %q", got)
	}
}

func TestSelectorMatches(t *testing.T) {
	slot := uint(7)
	info := TokenInfo{Slot: 7, Label: "VGCA", Serial: "5400A1", Flags: flagInitialized}
	tests := []struct {
		sel  Selector
		info TokenInfo
		want bool
	}{
		{Selector{}, info, true},
		{Selector{Label: "VGCA", Serial: "5400A1", Slot: &slot}, info, true},
		{Selector{Label: "vgca"}, info, false},
		{Selector{Serial: "5400A2"}, info, false},
		{Selector{Label: "VGCA"}, TokenInfo{Label: "VGCA"}, false}, // not initialized
	}
	for _, tt := range tests {
		if got := tt.sel.matches(tt.info); got != tt.want {
			t.Errorf("%s matches %+v = %v, want %v", tt.sel, tt.info, got, tt.want)
		}
	}
}
