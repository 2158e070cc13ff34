//go:build cgo

package pki_test

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/pki/pkitest"
	"github.com/rpkit-vn/rpkit/pki/token"
	"github.com/smallstep/pkcs7"
)

// TestChallengeWithSoftHSM2 answers challenges with a key on a SoftHSM2
// token through pki/token, as a desktop agent would: a raw PKCS#1 v1.5
// signature and a CMS SignedData. The token is provisioned here with
// softhsm2-util (a small fixture of its own: pki/token's is internal to its
// package).
func TestChallengeWithSoftHSM2(t *testing.T) {
	lib := testenv.SoftHSM2Module(t)
	if _, err := exec.LookPath("softhsm2-util"); err != nil {
		testenv.Unavailable(t, "softhsm2-util", err.Error())
	}
	e := newChEnv(t)
	leaf := e.agencyLeaf(t, pkitest.RSA2048)

	const label, pin = "rpkit-challenge", "123456"
	dir := t.TempDir()
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.Mkdir(filepath.Join(dir, "tokens"), 0o700); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", filepath.Join(dir, "tokens"))
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	// SOFTHSM2_CONF is read at C_Initialize: set before the module loads.
	t.Setenv("SOFTHSM2_CONF", conf)
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("softhsm2-util", args...).CombinedOutput(); err != nil {
			t.Fatalf("softhsm2-util %v: %v: %s", args[0], err, out)
		}
	}
	run("--init-token", "--free", "--label", label, "--so-pin", "87654321", "--pin", pin)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(leaf.Key)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), 0o600); err != nil {
		t.Fatal(err)
	}
	run("--import", keyFile, "--token", label, "--label", "agency", "--id", "01", "--pin", pin)

	mod, err := token.Open(lib, token.Options{PIN: func(context.Context, token.TokenInfo) (string, error) { return pin, nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mod.Close() })
	ctx := context.Background()
	tok, err := mod.Token(ctx, token.Selector{Label: label})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := tok.Signer(ctx, token.KeySelector{ID: []byte{1}})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("raw PKCS#1 v1.5", func(t *testing.T) {
		c := e.issue(t)
		digest := sha256.Sum256(c.SigningInput())
		sig, err := signer.SignContext(ctx, digest[:], crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		id, err := e.ch.VerifyAnswer(ctx, testPurpose, pki.Answer{ChallengeID: c.ID, Signature: sig,
			Algorithm: x509.SHA256WithRSA, Certificates: leaf.Chain[:2]})
		if err != nil {
			t.Fatal(err)
		}
		checkIdentity(t, id, leaf, c)
	})
	t.Run("CMS", func(t *testing.T) {
		c := e.issue(t)
		sd, err := pkcs7.NewSignedData(c.SigningInput())
		if err != nil {
			t.Fatal(err)
		}
		sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
		if err := sd.AddSignerChain(leaf.Cert, signer, leaf.Intermediates(), pkcs7.SignerInfoConfig{}); err != nil {
			t.Fatal(err)
		}
		sd.Detach()
		der, err := sd.Finish()
		if err != nil {
			t.Fatal(err)
		}
		id, err := e.ch.VerifyAnswer(ctx, testPurpose, pki.Answer{ChallengeID: c.ID, CMS: der})
		if err != nil {
			t.Fatal(err)
		}
		checkIdentity(t, id, leaf, c)
	})
}
