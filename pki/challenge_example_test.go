package pki_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"testing"

	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/pki/pkitest"
)

// A relying party issues a challenge, the agency's plugin signs it with the
// key on its token, and the relying party learns which agency answered.
// The test PKI stands in for VGCA and for the token.
func ExampleChallenger() {
	t := &testing.T{} // in a real test, the test's own *testing.T
	ca := pkitest.NewPKI(t)
	defer ca.Close()
	agency := ca.Issue(t, pkitest.LeafSpec{Subject: pkitest.AgencySubject("SỞ Y TẾ", "000.00.00.H41", "0400260612")})

	ctx := context.Background()
	v, err := pki.NewVerifier(pki.Config{Roots: []*x509.Certificate{ca.Root()}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ch, err := pki.NewChallenger(pki.ChallengeConfig{Verifier: v, Audience: "https://quantri.example.gov.vn"})
	if err != nil {
		fmt.Println(err)
		return
	}

	// Server: issue; send c.ID and c.SigningInput() to the browser.
	c, err := ch.Issue(ctx, "superadmin-registration")
	if err != nil {
		fmt.Println(err)
		return
	}

	// Client: the plugin signs the signing input (here PKCS#1 v1.5, SHA-256).
	digest := sha256.Sum256(c.SigningInput())
	sig, err := agency.Key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		fmt.Println(err)
		return
	}

	// Server: verify the answer for the purpose it expects.
	id, err := ch.VerifyAnswer(ctx, "superadmin-registration", pki.Answer{
		ChallengeID:  c.ID,
		Signature:    sig,
		Algorithm:    x509.SHA256WithRSA,
		Certificates: []*x509.Certificate{agency.Cert, ca.SubCA()},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cred := id.Credential() // convertible to rbac.AgencyCredential
	fmt.Println(cred.Name, cred.AgencyCode, cred.MST)

	// The same answer again is a replay.
	_, err = ch.VerifyAnswer(ctx, "superadmin-registration", pki.Answer{ChallengeID: c.ID, Signature: sig,
		Certificates: []*x509.Certificate{agency.Cert, ca.SubCA()}})
	fmt.Println(err)
	// Output:
	// SỞ Y TẾ 000.00.00.H41 0400260612
	// pki: unknown or already used challenge
}
