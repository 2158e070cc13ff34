package migrate

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/crypto/pbkdf2"
)

// PasswordHasher checks a password against a stored legacy hash in one
// format. Legacy systems used many; the application lists the ones its
// accounts hold (LinkerConfig.Hashers) and the Linker asks each in turn
// whether it recognises a hash.
type PasswordHasher interface {
	// Recognizes reports whether hash is in this hasher's format. It looks
	// only at the hash's shape, never at the password.
	Recognizes(hash string) bool
	// Compare reports whether password matches hash. Its running time must
	// not depend on how much of the password is right: derive, then compare
	// with crypto/subtle. A malformed hash is an error, never a match.
	Compare(hash string, password []byte) (bool, error)
}

// ErrHashFormat: a stored hash a hasher recognised cannot be parsed.
var ErrHashFormat = errors.New("migrate: malformed password hash")

// Bcrypt is the default hasher: $2a$/$2b$/$2y$ hashes
// (golang.org/x/crypto/bcrypt, which compares in constant time).
type Bcrypt struct{}

var _ PasswordHasher = Bcrypt{}

// Recognizes implements PasswordHasher.
func (Bcrypt) Recognizes(hash string) bool {
	return len(hash) == 60 && (strings.HasPrefix(hash, "$2a$") || strings.HasPrefix(hash, "$2b$") || strings.HasPrefix(hash, "$2y$"))
}

// Compare implements PasswordHasher. bcrypt reads at most 72 bytes of a
// password and x/crypto refuses longer ones; such a password simply does
// not match.
func (Bcrypt) Compare(hash string, password []byte) (bool, error) {
	err := bcrypt.CompareHashAndPassword([]byte(hash), password)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword), errors.Is(err, bcrypt.ErrPasswordTooLong):
		return false, nil
	}
	return false, ErrHashFormat
}

// SaltedSHA256 reads "sha256$<salt>$<hex digest>" where the digest is
// SHA-256(salt ‖ password), or SHA-256(password ‖ salt) with PasswordFirst.
// It is a weak format (one fast hash) kept only so that its holders can
// prove themselves once and move to Vnconnect.
type SaltedSHA256 struct {
	PasswordFirst bool
}

var _ PasswordHasher = SaltedSHA256{}

// Recognizes implements PasswordHasher.
func (SaltedSHA256) Recognizes(hash string) bool { return strings.HasPrefix(hash, "sha256$") }

// Compare implements PasswordHasher.
func (h SaltedSHA256) Compare(hash string, password []byte) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 3 {
		return false, ErrHashFormat
	}
	want, err := hex.DecodeString(parts[2])
	if err != nil || len(want) != sha256.Size {
		return false, ErrHashFormat
	}
	d := sha256.New()
	if h.PasswordFirst {
		d.Write(password)
		d.Write([]byte(parts[1]))
	} else {
		d.Write([]byte(parts[1]))
		d.Write(password)
	}
	return subtle.ConstantTimeCompare(d.Sum(nil), want) == 1, nil
}

// DefaultMaxPBKDF2Iterations caps the iteration count PBKDF2SHA256 accepts
// from a stored hash when MaxIterations is zero.
const DefaultMaxPBKDF2Iterations = 5_000_000

// PBKDF2SHA256 reads Django's "pbkdf2_sha256$<iterations>$<salt>$<base64
// key>" (PBKDF2-HMAC-SHA256, x/crypto/pbkdf2). The iteration count comes
// from the stored hash, so it is capped: a tampered row must not make one
// login attempt cost minutes of CPU.
type PBKDF2SHA256 struct {
	MaxIterations int
}

var _ PasswordHasher = PBKDF2SHA256{}

// Recognizes implements PasswordHasher.
func (PBKDF2SHA256) Recognizes(hash string) bool { return strings.HasPrefix(hash, "pbkdf2_sha256$") }

// Compare implements PasswordHasher.
func (h PBKDF2SHA256) Compare(hash string, password []byte) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 4 {
		return false, ErrHashFormat
	}
	max := h.MaxIterations
	if max <= 0 {
		max = DefaultMaxPBKDF2Iterations
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < 1 || iter > max {
		return false, ErrHashFormat
	}
	want, err := base64.StdEncoding.DecodeString(parts[3])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, ErrHashFormat
	}
	got := pbkdf2.Key(password, []byte(parts[2]), iter, len(want), sha256.New)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// DefaultDummyHash is what the Linker compares a password with when the
// username has no account: a bcrypt hash at bcrypt.DefaultCost (10) of a
// value nobody uses. Its result is always discarded; it exists so that an
// unknown username costs what a wrong password costs. Applications whose
// legacy hashes use another format or cost set LinkerConfig.DummyHash to
// one like theirs.
const DefaultDummyHash = "$2a$10$5asyr5t3stymmywtq8HKd.O6miQM2.7ElZJ40IrVpYjUBMsLXhZGe"
