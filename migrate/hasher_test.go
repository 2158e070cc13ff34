package migrate_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"testing"

	"github.com/rpkit-vn/rpkit/migrate"
	"golang.org/x/crypto/pbkdf2"
)

func sha256Hex(s string) string {
	d := sha256.Sum256([]byte(s))
	return hex.EncodeToString(d[:])
}

// pbkdf2Hash is Django's format.
func pbkdf2Hash(pw, salt string, iter int) string {
	k := pbkdf2.Key([]byte(pw), []byte(salt), iter, 32, sha256.New)
	return "pbkdf2_sha256$" + strconv.Itoa(iter) + "$" + salt + "$" + base64.StdEncoding.EncodeToString(k)
}

func TestHashers(t *testing.T) {
	good := []struct {
		name string
		h    migrate.PasswordHasher
		hash string
	}{
		{"bcrypt", migrate.Bcrypt{}, legacyHash},
		{"sha256", migrate.SaltedSHA256{}, "sha256$s4lt$" + sha256Hex("s4ltmatkhau-cu")},
		{"sha256-password-first", migrate.SaltedSHA256{PasswordFirst: true}, "sha256$s4lt$" + sha256Hex("matkhau-cus4lt")},
		{"pbkdf2", migrate.PBKDF2SHA256{}, pbkdf2Hash("matkhau-cu", "s4lt", 1000)},
	}
	for _, c := range good {
		t.Run(c.name, func(t *testing.T) {
			if !c.h.Recognizes(c.hash) {
				t.Fatal("not recognised")
			}
			for pw, want := range map[string]bool{"matkhau-cu": true, "matkhau-cU": false, "": false, "matkhau-cu ": false} {
				ok, err := c.h.Compare(c.hash, []byte(pw))
				if err != nil || ok != want {
					t.Errorf("%q: %v %v", pw, ok, err)
				}
			}
		})
	}
	bad := []struct {
		name string
		h    migrate.PasswordHasher
		hash string
	}{
		{"bcrypt-cost", migrate.Bcrypt{}, "$2a$99" + legacyHash[6:]},
		{"sha256-parts", migrate.SaltedSHA256{}, "sha256$only"},
		{"sha256-hex", migrate.SaltedSHA256{}, "sha256$s$zz"},
		{"sha256-short", migrate.SaltedSHA256{}, "sha256$s$abcd"},
		{"pbkdf2-iter", migrate.PBKDF2SHA256{}, "pbkdf2_sha256$0$s$" + base64.StdEncoding.EncodeToString(make([]byte, 32))},
		// A tampered row must not buy minutes of CPU.
		{"pbkdf2-huge-iter", migrate.PBKDF2SHA256{MaxIterations: 10_000}, pbkdf2Hash("x", "s", 10_001)},
		{"pbkdf2-b64", migrate.PBKDF2SHA256{}, "pbkdf2_sha256$1000$s$!!!"},
		{"pbkdf2-short-key", migrate.PBKDF2SHA256{}, "pbkdf2_sha256$1000$s$" + base64.StdEncoding.EncodeToString(make([]byte, 4))},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			if ok, err := c.h.Compare(c.hash, []byte("x")); ok || err == nil {
				t.Errorf("malformed hash: %v %v", ok, err)
			}
		})
	}
	if (migrate.Bcrypt{}).Recognizes("sha256$a$b") || (migrate.SaltedSHA256{}).Recognizes(legacyHash) || (migrate.PBKDF2SHA256{}).Recognizes("sha256$a$b") {
		t.Error("a hasher claims another's format")
	}
}
