package token_test

import (
	"context"
	"crypto"
	"crypto/sha256"
	"fmt"
	"log"

	"github.com/rpkit-vn/rpkit/pki/token"
)

// Signing with the one token plugged in, using the key of its currently
// valid certificate. (Not run: it needs a token.)
func Example() {
	ctx := context.Background()
	mod, err := token.Open("/usr/lib/softhsm/libsofthsm2.so", token.Options{
		PIN: func(ctx context.Context, info token.TokenInfo) (string, error) {
			if info.PINFinalTry() {
				fmt.Println("Warning: one more wrong PIN locks the token.")
			}
			return "123456", nil // ask the user instead
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close()
	tok, err := mod.Token(ctx, token.Selector{})
	if err != nil {
		log.Fatal(err)
	}
	signer, err := tok.Signer(ctx, token.KeySelector{})
	if err != nil {
		log.Fatal(err) // errors.Is(err, token.ErrPINIncorrect) → ask again
	}
	digest := sha256.Sum256([]byte("challenge"))
	sig, err := signer.SignContext(ctx, digest[:], crypto.SHA256)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(signer.Certificate().Subject, len(sig))
}
