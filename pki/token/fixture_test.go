//go:build cgo

package token

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/pkcs11"
	"github.com/rpkit-vn/rpkit/internal/testenv"
)

// One SoftHSM2 store serves the whole package: SOFTHSM2_CONF is read once
// per process at C_Initialize, so the tests share it (and do not run in
// parallel). TestMain removes it.

const (
	soPIN   = "87654321"
	userPIN = "123456"

	labelMain = "rpkit-main" // keys and certificates
	labelPIN  = "rpkit-pin"  // wrong-PIN tests; never logged in successfully before them
	labelLock = "rpkit-lock" // lock-out attempts
)

type fixture struct {
	lib     string
	dir     string
	mod     *Module
	pinAsks atomic.Int64
	start   time.Time
	rsaKey  *rsa.PrivateKey
	rsaCert *x509.Certificate
	ecKey   *ecdsa.PrivateKey
	ecCert  *x509.Certificate
	rawRSA  *rsa.PrivateKey // on the token without certificate or public key object
	always  *ecdsa.PrivateKey
}

var (
	fxOnce sync.Once
	fx     *fixture
	fxErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fx != nil {
		_ = fx.mod.Close()
		_ = os.RemoveAll(fx.dir)
	}
	os.Exit(code)
}

// setup returns the shared fixture, building it on first use.
func setup(t *testing.T) *fixture {
	t.Helper()
	lib := testenv.SoftHSM2Module(t)
	if _, err := exec.LookPath("softhsm2-util"); err != nil {
		testenv.Unavailable(t, "softhsm2-util", err.Error())
	}
	fxOnce.Do(func() { fx, fxErr = provision(lib) })
	if fxErr != nil {
		t.Fatalf("provisioning SoftHSM2: %v", fxErr)
	}
	return fx
}

func provision(lib string) (*fixture, error) {
	dir, err := os.MkdirTemp("", "rpkit-softhsm-")
	if err != nil {
		return nil, err
	}
	f := &fixture{lib: lib, dir: dir, start: time.Now()}
	if err := f.initTokens(); err != nil {
		return f, err
	}
	if err := f.importObjects(); err != nil {
		return f, err
	}
	f.mod, err = Open(lib, Options{PIN: f.pin})
	return f, err
}

func (f *fixture) pin(ctx context.Context, info TokenInfo) (string, error) {
	f.pinAsks.Add(1)
	return userPIN, nil
}

func (f *fixture) initTokens() error {
	tokens := filepath.Join(f.dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		return err
	}
	conf := filepath.Join(f.dir, "softhsm2.conf")
	body := fmt.Sprintf("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", tokens)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		return err
	}
	if err := os.Setenv("SOFTHSM2_CONF", conf); err != nil {
		return err
	}
	for _, label := range []string{labelMain, labelPIN, labelLock} {
		out, err := exec.Command("softhsm2-util", "--init-token", "--free", "--label", label,
			"--so-pin", soPIN, "--pin", userPIN).CombinedOutput()
		if err != nil {
			return fmt.Errorf("softhsm2-util --init-token %s: %v: %s", label, err, out)
		}
	}
	return nil
}

// importObjects writes keys and certificates with C_CreateObject through a
// bare miekg/pkcs11 context, finalized before the package's Module loads
// the library.
func (f *fixture) importObjects() (err error) {
	if f.rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		return err
	}
	if f.rawRSA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		return err
	}
	if f.ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return err
	}
	if f.always, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return err
	}
	// The RSA certificate is valid now; the EC one from an hour on and for
	// longer, so a Clock can make either the preferred key.
	if f.rsaCert, err = selfSigned(f.rsaKey, "RSA signer", f.start.Add(-time.Hour), f.start.Add(24*time.Hour)); err != nil {
		return err
	}
	if f.ecCert, err = selfSigned(f.ecKey, "EC signer", f.start.Add(time.Hour), f.start.Add(48*time.Hour)); err != nil {
		return err
	}

	c := pkcs11.New(f.lib)
	if c == nil {
		return fmt.Errorf("cannot load %s", f.lib)
	}
	defer c.Destroy()
	if err := c.Initialize(); err != nil {
		return err
	}
	defer c.Finalize()
	slot, err := slotOf(c, labelMain)
	if err != nil {
		return err
	}
	s, err := c.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	if err != nil {
		return err
	}
	defer c.CloseSession(s)
	if err := c.Login(s, pkcs11.CKU_USER, userPIN); err != nil {
		return err
	}
	var objects [][]*pkcs11.Attribute
	objects = append(objects, rsaObjects(f.rsaKey, []byte{1}, "rsa")...)
	objects = append(objects, certObject(f.rsaCert, []byte{1}, "rsa"))
	objects = append(objects, ecObjects(f.ecKey, []byte{2}, "ec", false)...)
	objects = append(objects, certObject(f.ecCert, []byte{2}, "ec"))
	objects = append(objects, rsaObjects(f.rawRSA, []byte{3}, "rsa-bare")[0]) // private key only
	objects = append(objects, ecObjects(f.always, []byte{4}, "ec-always", true)...)
	for _, o := range objects {
		if _, err := c.CreateObject(s, o); err != nil {
			return fmt.Errorf("C_CreateObject: %w", err)
		}
	}
	return nil
}

func slotOf(c *pkcs11.Ctx, label string) (uint, error) {
	slots, err := c.GetSlotList(true)
	if err != nil {
		return 0, err
	}
	for _, slot := range slots {
		ti, err := c.GetTokenInfo(slot)
		if err == nil && ti.Label == label {
			return slot, nil
		}
	}
	return 0, fmt.Errorf("no token %q", label)
}

func selfSigned(key crypto.Signer, cn string, from, to time.Time) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"rpkit test"}, Country: []string{"VN"}},
		NotBefore:    from,
		NotAfter:     to,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

func common(class uint, id []byte, label string) []*pkcs11.Attribute {
	return []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, class),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_ID, id),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
	}
}

func rsaObjects(k *rsa.PrivateKey, id []byte, label string) [][]*pkcs11.Attribute {
	k.Precompute()
	e := big.NewInt(int64(k.E)).Bytes()
	priv := append(common(pkcs11.CKO_PRIVATE_KEY, id, label),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_RSA),
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),
		pkcs11.NewAttribute(pkcs11.CKA_MODULUS, k.N.Bytes()),
		pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, e),
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE_EXPONENT, k.D.Bytes()),
		pkcs11.NewAttribute(pkcs11.CKA_PRIME_1, k.Primes[0].Bytes()),
		pkcs11.NewAttribute(pkcs11.CKA_PRIME_2, k.Primes[1].Bytes()),
		pkcs11.NewAttribute(pkcs11.CKA_EXPONENT_1, k.Precomputed.Dp.Bytes()),
		pkcs11.NewAttribute(pkcs11.CKA_EXPONENT_2, k.Precomputed.Dq.Bytes()),
		pkcs11.NewAttribute(pkcs11.CKA_COEFFICIENT, k.Precomputed.Qinv.Bytes()),
	)
	pub := append(common(pkcs11.CKO_PUBLIC_KEY, id, label),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_RSA),
		pkcs11.NewAttribute(pkcs11.CKA_VERIFY, true),
		pkcs11.NewAttribute(pkcs11.CKA_MODULUS, k.N.Bytes()),
		pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, e),
	)
	return [][]*pkcs11.Attribute{priv, pub}
}

func ecObjects(k *ecdsa.PrivateKey, id []byte, label string, alwaysAuth bool) [][]*pkcs11.Attribute {
	params, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})
	d, _ := k.Bytes()
	q, _ := k.PublicKey.Bytes()
	point, _ := asn1.Marshal(q)
	priv := append(common(pkcs11.CKO_PRIVATE_KEY, id, label),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_EC),
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),
		pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, params),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, d),
	)
	if alwaysAuth {
		priv = append(priv, pkcs11.NewAttribute(pkcs11.CKA_ALWAYS_AUTHENTICATE, true))
	}
	pub := append(common(pkcs11.CKO_PUBLIC_KEY, id, label),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_EC),
		pkcs11.NewAttribute(pkcs11.CKA_VERIFY, true),
		pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, params),
		pkcs11.NewAttribute(pkcs11.CKA_EC_POINT, point),
	)
	return [][]*pkcs11.Attribute{priv, pub}
}

func certObject(cert *x509.Certificate, id []byte, label string) []*pkcs11.Attribute {
	serial, _ := asn1.Marshal(cert.SerialNumber)
	return append(common(pkcs11.CKO_CERTIFICATE, id, label),
		pkcs11.NewAttribute(pkcs11.CKA_CERTIFICATE_TYPE, pkcs11.CKC_X_509),
		pkcs11.NewAttribute(pkcs11.CKA_SUBJECT, cert.RawSubject),
		pkcs11.NewAttribute(pkcs11.CKA_ISSUER, cert.RawIssuer),
		pkcs11.NewAttribute(pkcs11.CKA_SERIAL_NUMBER, serial),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, cert.Raw),
	)
}

// token opens a token of the shared module and closes it after the test.
func (f *fixture) token(t *testing.T, label string) *Token {
	t.Helper()
	tok, err := f.mod.Token(context.Background(), Selector{Label: label})
	if err != nil {
		t.Fatalf("Token(%q): %v", label, err)
	}
	t.Cleanup(func() { _ = tok.Close() })
	return tok
}

// module opens a second Module on the same library (sharing it) with its
// own options, closed after the test.
func (f *fixture) module(t *testing.T, opts Options) *Module {
	t.Helper()
	m, err := Open(f.lib, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}
