package pkitest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"sync"
)

// KeyType is the kind of key a certificate gets.
type KeyType int

// Key types. The zero value is RSA-2048, the size VGCA issues.
const (
	RSA2048 KeyType = iota
	RSA3072
	P256
	numKeyTypes
)

func (k KeyType) String() string {
	switch k {
	case RSA2048:
		return "RSA-2048"
	case RSA3072:
		return "RSA-3072"
	case P256:
		return "P-256"
	}
	return fmt.Sprintf("KeyType(%d)", int(k))
}

func (k KeyType) valid() bool { return k >= 0 && k < numKeyTypes }

// prewarm is how many keys of a type are generated in parallel the first
// time the type is used: about what one PKI with a few leaves needs.
var prewarm = [numKeyTypes]int{RSA2048: 6, RSA3072: 2, P256: 4}

// keyPool is the process-wide cache of generated keys (see the package doc:
// it exists only to keep -race test runs fast). Slot i of a type is
// generated once, by whoever first needs it; slots are generated
// concurrently, never under the pool's lock.
type keyPool struct {
	mu    sync.Mutex
	slots [numKeyTypes][]*keySlot
}

type keySlot struct {
	once sync.Once
	key  crypto.Signer
	err  error
}

var pool keyPool

// key returns slot i of type kt, generating it (and, on first use of the
// type, its neighbours in parallel) if needed.
func (kp *keyPool) key(kt KeyType, i int) (crypto.Signer, error) {
	kp.mu.Lock()
	first := len(kp.slots[kt]) == 0
	for len(kp.slots[kt]) <= i || len(kp.slots[kt]) < prewarm[kt] {
		kp.slots[kt] = append(kp.slots[kt], &keySlot{})
	}
	s := kp.slots[kt][i]
	var warm []*keySlot
	if first {
		warm = append(warm, kp.slots[kt][:prewarm[kt]]...)
	}
	kp.mu.Unlock()
	for _, w := range warm {
		if w != s {
			go w.fill(kt)
		}
	}
	s.fill(kt)
	return s.key, s.err
}

func (s *keySlot) fill(kt KeyType) {
	s.once.Do(func() { s.key, s.err = generateKey(kt) })
}

func generateKey(kt KeyType) (crypto.Signer, error) {
	switch kt {
	case RSA2048:
		return rsa.GenerateKey(rand.Reader, 2048)
	case RSA3072:
		return rsa.GenerateKey(rand.Reader, 3072)
	case P256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	panic("pkitest: unknown key type " + kt.String())
}
