package remotesign_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"time"

	"github.com/rpkit-vn/rpkit/pki/remotesign"
	"github.com/rpkit-vn/rpkit/pki/remotesign/remotesigntest"
)

// An agency official signs a registration form with a SIM PKI key: Begin
// asks the service, the relying party shows the code, the official
// confirms on the phone (here: the simulator, after two polls), Wait
// returns the verified signature.
func Example() {
	sim, err := remotesigntest.New(remotesigntest.Config{
		Default: remotesigntest.Behaviour{AfterPolls: 2},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer sim.Close()

	signer, err := remotesign.NewClient(remotesign.Config{
		BaseURL:     sim.URL(), // https in production; loopback http is allowed
		BearerToken: sim.BearerToken(),
		// Production keeps the default schedule (1s, growing to 10s).
		Backoff: remotesign.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond},
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	digest := sha256.Sum256([]byte("Đơn đăng ký tài khoản quản trị cấp cao"))
	pending, err := signer.Begin(ctx, remotesign.Request{
		CredentialID:  remotesigntest.RSACredential,
		Hashes:        [][]byte{digest[:]},
		HashAlgorithm: crypto.SHA256,
		SignAlgorithm: remotesign.RSAPKCS1v15,
		Description:   "Đăng ký quản trị cấp cao",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("show the user a %d-digit code\n", len(pending.DisplayCode))

	res, err := signer.Wait(ctx, pending)
	switch {
	case errors.Is(err, remotesign.ErrUserRejected):
		fmt.Println("the official declined")
		return
	case errors.Is(err, remotesign.ErrExpired):
		fmt.Println("no answer in time")
		return
	case err != nil:
		log.Fatal(err)
	}
	// Wait has verified the signature already; checking again here only
	// shows what the result holds. The certificate still has to go through
	// pki.Verifier before anyone trusts it.
	pub := res.Certificate.PublicKey.(*rsa.PublicKey)
	fmt.Println("signature valid:", rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], res.Signatures[0]) == nil)
	fmt.Println("signed by:", res.Certificate.Subject.CommonName)
	// Output:
	// show the user a 4-digit code
	// signature valid: true
	// signed by: NGUYỄN VĂN A
}

// The service pushes the result to the relying party, and Wait returns as
// soon as it arrives instead of at the next poll.
func ExampleCallbackHandler() {
	secret := []byte("a 32+ byte secret shared with the signing service")
	callbacks, err := remotesign.NewCallbackHandler(remotesign.CallbackConfig{Secret: secret})
	if err != nil {
		log.Fatal(err)
	}
	// In an application: mux.Handle("POST /remotesign/callback", callbacks).
	cb := httptest.NewServer(callbacks)
	defer cb.Close()

	sim, err := remotesigntest.New(remotesigntest.Config{
		CallbackSecret: secret,
		Default:        remotesigntest.Behaviour{Callback: true, SignPolls: 1000},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer sim.Close()

	signer, err := remotesign.NewClient(remotesign.Config{
		BaseURL:     sim.URL(),
		BearerToken: sim.BearerToken(),
		Callbacks:   callbacks,
		CallbackURL: cb.URL, // sent as response_uri
	})
	if err != nil {
		log.Fatal(err)
	}
	digest := sha256.Sum256([]byte("Quyết định phân quyền"))
	ctx := context.Background()
	pending, err := signer.Begin(ctx, remotesign.Request{
		CredentialID: remotesigntest.ECCredential, Hashes: [][]byte{digest[:]},
		HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.ECDSA,
	})
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	res, err := signer.Wait(ctx, pending)
	if err != nil {
		log.Fatal(err)
	}
	// Polling would have taken 1000 polls; the callback ended it at once.
	fmt.Println(len(res.Signatures), "signature, in under a minute:", time.Since(start) < time.Minute)
	// Output:
	// 1 signature, in under a minute: true
}
