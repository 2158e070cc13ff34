//go:build cgo

package token

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestTokens(t *testing.T) {
	f := setup(t)
	infos, err := f.mod.Tokens()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]TokenInfo{}
	for _, i := range infos {
		seen[i.Label] = i
	}
	for _, label := range []string{labelMain, labelPIN, labelLock} {
		i, ok := seen[label]
		if !ok {
			t.Fatalf("token %q not listed in %+v", label, infos)
		}
		if i.Serial == "" || i.Manufacturer == "" || !i.LoginRequired() {
			t.Errorf("token %q: incomplete info %+v", label, i)
		}
	}
}

func TestSelectToken(t *testing.T) {
	f := setup(t)
	infos, err := f.mod.Tokens()
	if err != nil {
		t.Fatal(err)
	}
	var main TokenInfo
	for _, i := range infos {
		if i.Label == labelMain {
			main = i
		}
	}
	slot, noSlot := main.Slot, uint(987654321)
	tests := []struct {
		name string
		sel  Selector
		want error
	}{
		{"label", Selector{Label: labelMain}, nil},
		{"serial", Selector{Serial: main.Serial}, nil},
		{"slot", Selector{Slot: &slot}, nil},
		{"all three", Selector{Label: labelMain, Serial: main.Serial, Slot: &slot}, nil},
		{"label and wrong serial", Selector{Label: labelMain, Serial: "0000"}, ErrTokenNotFound},
		{"absent label", Selector{Label: "no such token"}, ErrTokenNotFound},
		{"absent slot", Selector{Slot: &noSlot}, ErrTokenNotFound},
		{"any of several", Selector{}, ErrAmbiguous},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := f.mod.Token(context.Background(), tt.sel)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Token(%s) error = %v, want %v", tt.sel, err, tt.want)
			}
			if err != nil {
				return
			}
			defer tok.Close()
			if got := tok.Info(); got.Slot != main.Slot || got.Serial != main.Serial {
				t.Errorf("selected %+v, want %+v", got, main)
			}
		})
	}
}

func TestCertificates(t *testing.T) {
	f := setup(t)
	certs, err := f.token(t, labelMain).Certificates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != 2 {
		t.Fatalf("got %d certificates, want 2", len(certs))
	}
	want := map[string]struct {
		id  []byte
		raw []byte
	}{"rsa": {[]byte{1}, f.rsaCert.Raw}, "ec": {[]byte{2}, f.ecCert.Raw}}
	for _, c := range certs {
		w, ok := want[c.Label]
		if !ok || !bytes.Equal(c.ID, w.id) || !bytes.Equal(c.Cert.Raw, w.raw) {
			t.Errorf("unexpected certificate %q id %x", c.Label, c.ID)
		}
	}
}

func TestSignVerify(t *testing.T) {
	f := setup(t)
	tok := f.token(t, labelMain)
	ctx := context.Background()
	msg := []byte("Cổng Dịch vụ công quốc gia — challenge")
	d256 := sha256.Sum256(msg)
	d384 := sha512.Sum384(msg)
	d512 := sha512.Sum512(msg)
	tests := []struct {
		name   string
		ks     KeySelector
		pub    crypto.PublicKey
		digest []byte
		opts   crypto.SignerOpts
	}{
		{"RSA PKCS1v15 SHA-256 by ID", KeySelector{ID: []byte{1}}, &f.rsaKey.PublicKey, d256[:], crypto.SHA256},
		{"RSA PKCS1v15 SHA-384 by label", KeySelector{Label: "rsa"}, &f.rsaKey.PublicKey, d384[:], crypto.SHA384},
		{"RSA PKCS1v15 SHA-512 by certificate", KeySelector{Certificate: f.rsaCert}, &f.rsaKey.PublicKey, d512[:], crypto.SHA512},
		{"RSA PSS salt=hash", KeySelector{ID: []byte{1}}, &f.rsaKey.PublicKey, d256[:], &rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthEqualsHash}},
		{"RSA PSS salt=auto", KeySelector{ID: []byte{1}}, &f.rsaKey.PublicKey, d256[:], &rsa.PSSOptions{Hash: crypto.SHA256}},
		{"RSA PSS SHA-384 salt=20", KeySelector{ID: []byte{1}}, &f.rsaKey.PublicKey, d384[:], &rsa.PSSOptions{Hash: crypto.SHA384, SaltLength: 20}},
		{"RSA key without certificate or public object", KeySelector{Label: "rsa-bare"}, &f.rawRSA.PublicKey, d256[:], crypto.SHA256},
		{"ECDSA P-256 by certificate", KeySelector{Certificate: f.ecCert}, &f.ecKey.PublicKey, d256[:], crypto.SHA256},
		{"ECDSA P-256 SHA-384 by ID", KeySelector{ID: []byte{2}}, &f.ecKey.PublicKey, d384[:], crypto.SHA384},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tok.Signer(ctx, tt.ks)
			if err != nil {
				t.Fatal(err)
			}
			if !samePublic(s.Public(), tt.pub) {
				t.Fatal("Signer.Public() is not the imported key")
			}
			sig, err := s.Sign(nil, tt.digest, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := verify(tt.pub, tt.digest, sig, tt.opts); err != nil {
				t.Fatalf("signature does not verify: %v", err)
			}
		})
	}
}

// verify checks a signature with the standard library alone.
func verify(pub crypto.PublicKey, digest, sig []byte, opts crypto.SignerOpts) error {
	switch pub := pub.(type) {
	case *rsa.PublicKey:
		if pss, ok := opts.(*rsa.PSSOptions); ok {
			// Verify with the exact salt length too where one was asked
			// for, so a token that ignored the parameter is caught.
			vo := *pss
			if vo.SaltLength == rsa.PSSSaltLengthAuto {
				vo.SaltLength = (pub.N.BitLen()-1+7)/8 - 2 - pss.Hash.Size()
			}
			return rsa.VerifyPSS(pub, pss.Hash, digest, sig, &vo)
		}
		return rsa.VerifyPKCS1v15(pub, opts.HashFunc(), digest, sig)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, digest, sig) {
			return errors.New("ECDSA verification failed")
		}
		return nil
	}
	return fmt.Errorf("unexpected key %T", pub)
}

func TestSignRefusesBadInput(t *testing.T) {
	f := setup(t)
	tok := f.token(t, labelMain)
	s, err := tok.Signer(context.Background(), KeySelector{ID: []byte{1}})
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256([]byte("x"))
	if _, err := s.Sign(nil, d[:20], crypto.SHA256); err == nil {
		t.Error("short digest signed")
	}
	if _, err := s.Sign(nil, d[:20], crypto.SHA1); !errors.Is(err, ErrUnsupported) {
		t.Errorf("SHA-1: err = %v, want ErrUnsupported", err)
	}
}

func TestDefaultKeyFollowsValidity(t *testing.T) {
	f := setup(t)
	tests := []struct {
		name    string
		at      time.Time
		wantID  byte
		wantErr error
	}{
		{"now: only the RSA certificate is valid", f.start, 1, nil},
		{"in two hours: both valid, EC expires last", f.start.Add(2 * time.Hour), 2, nil},
		{"in three days: none valid", f.start.Add(72 * time.Hour), 0, ErrAmbiguous},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := f.module(t, Options{PIN: f.pin, Clock: func() time.Time { return tt.at }})
			tok, err := m.Token(context.Background(), Selector{Label: labelMain})
			if err != nil {
				t.Fatal(err)
			}
			s, err := tok.Signer(context.Background(), KeySelector{})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err == nil && (!bytes.Equal(s.ID(), []byte{tt.wantID}) || s.Certificate() == nil) {
				t.Errorf("picked key %x (certificate %v), want %x", s.ID(), s.Certificate() != nil, tt.wantID)
			}
		})
	}
}

func TestMissingKey(t *testing.T) {
	f := setup(t)
	tok := f.token(t, labelMain)
	for name, ks := range map[string]KeySelector{
		"unknown ID":               {ID: []byte{0xEE}},
		"unknown label":            {Label: "nope"},
		"ID and label disagree":    {ID: []byte{2}, Label: "rsa"},
		"certificate of other key": {Certificate: mustSelfSigned(t)},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := tok.Signer(context.Background(), ks); !errors.Is(err, ErrKeyNotFound) {
				t.Fatalf("err = %v, want ErrKeyNotFound", err)
			}
		})
	}
}

func mustSelfSigned(t *testing.T) *x509.Certificate {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c, err := selfSigned(k, "not on the token", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWrongPIN(t *testing.T) {
	f := setup(t)
	ctx := context.Background()

	noPIN, err := f.module(t, Options{}).Token(ctx, Selector{Label: labelPIN})
	if err != nil {
		t.Fatal(err)
	}
	if err := noPIN.Login(ctx); !errors.Is(err, ErrNoPIN) {
		t.Fatalf("no PIN callback: err = %v, want ErrNoPIN", err)
	}

	wrong := f.module(t, Options{PIN: func(context.Context, TokenInfo) (string, error) { return "000000", nil }})
	tok, err := wrong.Token(ctx, Selector{Label: labelPIN})
	if err != nil {
		t.Fatal(err)
	}
	err = tok.Login(ctx)
	if !errors.Is(err, ErrPINIncorrect) {
		t.Fatalf("wrong PIN: err = %v, want ErrPINIncorrect", err)
	}
	var pe *PKCS11Error
	if !errors.As(err, &pe) || pe.Op != "C_Login" || pe.Code != ckrPINIncorrect {
		t.Fatalf("wrong PIN: err = %#v, want *PKCS11Error{C_Login, CKR_PIN_INCORRECT}", pe)
	}
	// A signer cannot be had without the login either.
	if _, err := tok.Signer(ctx, KeySelector{}); !errors.Is(err, ErrPINIncorrect) {
		t.Fatalf("Signer after wrong PIN: err = %v", err)
	}

	var seen TokenInfo
	right := f.module(t, Options{PIN: func(_ context.Context, i TokenInfo) (string, error) { seen = i; return userPIN, nil }})
	tok, err = right.Token(ctx, Selector{Label: labelPIN})
	if err != nil {
		t.Fatal(err)
	}
	if err := tok.Login(ctx); err != nil {
		t.Fatalf("right PIN after wrong ones: %v", err)
	}
	if seen.Label != labelPIN {
		t.Errorf("PIN callback got %+v", seen)
	}
	t.Logf("flags seen by the prompt after wrong PINs: count low %v, final try %v", seen.PINCountLow(), seen.PINFinalTry())
}

// TestPINLockout tries to lock a token with wrong PINs. SoftHSM2 (2.6) counts
// no retries and never locks, so when it does not, the CKR_PIN_LOCKED
// mapping is covered by TestErrorMapping with the code alone.
func TestPINLockout(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	pins := 0
	m := f.module(t, Options{PIN: func(context.Context, TokenInfo) (string, error) { pins++; return "999999", nil }})
	tok, err := m.Token(ctx, Selector{Label: labelLock})
	if err != nil {
		t.Fatal(err)
	}
	const tries = 15
	for range tries {
		err = tok.Login(ctx)
		if errors.Is(err, ErrPINLocked) {
			break
		}
		if !errors.Is(err, ErrPINIncorrect) {
			t.Fatalf("wrong PIN: err = %v", err)
		}
	}
	if !errors.Is(err, ErrPINLocked) {
		t.Logf("SoftHSM2 did not lock after %d wrong PINs; lock mapping tested with a synthetic code", tries)
		return
	}
	// Once locked, the user is not even asked for the PIN.
	before := pins
	if err := tok.Login(ctx); !errors.Is(err, ErrPINLocked) {
		t.Fatalf("locked token: err = %v", err)
	}
	if pins != before {
		t.Error("PIN callback called for a locked token")
	}
}

func TestAlwaysAuthenticate(t *testing.T) {
	f := setup(t)
	tok := f.token(t, labelMain)
	s, err := tok.Signer(context.Background(), KeySelector{Label: "ec-always"})
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256([]byte("non-repudiation"))
	before := f.pinAsks.Load()
	for range 2 {
		sig, err := s.Sign(nil, d[:], crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if !ecdsa.VerifyASN1(&f.always.PublicKey, d[:], sig) {
			t.Fatal("signature does not verify")
		}
	}
	if got := f.pinAsks.Load() - before; got != 2 {
		t.Errorf("PIN asked %d times for 2 signatures with CKA_ALWAYS_AUTHENTICATE, want 2", got)
	}
}

func TestConcurrentSigning(t *testing.T) {
	f := setup(t)
	const maxSessions = 4
	m := f.module(t, Options{PIN: f.pin, MaxSessions: maxSessions})
	tok, err := m.Token(context.Background(), Selector{Label: labelMain})
	if err != nil {
		t.Fatal(err)
	}
	rsaS, err := tok.Signer(context.Background(), KeySelector{ID: []byte{1}})
	if err != nil {
		t.Fatal(err)
	}
	ecS, err := tok.Signer(context.Background(), KeySelector{ID: []byte{2}})
	if err != nil {
		t.Fatal(err)
	}
	kinds := []struct {
		s    *Signer
		opts crypto.SignerOpts
	}{
		{rsaS, crypto.SHA256},
		{rsaS, &rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthEqualsHash}},
		{ecS, crypto.SHA256},
	}
	const goroutines, each = 32, 3
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*each)
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				k := kinds[(g+i)%len(kinds)]
				d := sha256.Sum256(fmt.Appendf(nil, "goroutine %d message %d", g, i))
				sig, err := k.s.SignContext(context.Background(), d[:], k.opts)
				if err == nil {
					err = verify(k.s.Public(), d[:], sig, k.opts)
				}
				if err != nil {
					errs <- fmt.Errorf("goroutine %d sign %d: %w", g, i, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	tok.pool.mu.Lock()
	idle := len(tok.pool.idle)
	tok.pool.mu.Unlock()
	if idle == 0 || idle > maxSessions {
		t.Errorf("pool keeps %d idle sessions, want 1..%d", idle, maxSessions)
	}
}

func TestSignWaitsForSessionUnderContext(t *testing.T) {
	f := setup(t)
	m := f.module(t, Options{PIN: f.pin, MaxSessions: 1})
	tok, err := m.Token(context.Background(), Selector{Label: labelMain})
	if err != nil {
		t.Fatal(err)
	}
	s, err := tok.Signer(context.Background(), KeySelector{ID: []byte{2}})
	if err != nil {
		t.Fatal(err)
	}
	held, err := tok.pool.get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256([]byte("busy"))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.SignContext(ctx, d[:], crypto.SHA256); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded while the only session is lent out", err)
	}
	tok.pool.put(held, false)
	if _, err := s.SignContext(context.Background(), d[:], crypto.SHA256); err != nil {
		t.Fatalf("after the session came back: %v", err)
	}
}

func TestClose(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	m, err := Open(f.lib, Options{PIN: f.pin})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := m.Token(ctx, Selector{Label: labelMain})
	if err != nil {
		t.Fatal(err)
	}
	s, err := tok.Signer(ctx, KeySelector{ID: []byte{1}})
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256([]byte("closed"))
	if err := tok.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sign(nil, d[:], crypto.SHA256); !errors.Is(err, ErrClosed) {
		t.Errorf("Sign after Token.Close: err = %v, want ErrClosed", err)
	}
	tok2, err := m.Token(ctx, Selector{Label: labelMain})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := m.Tokens(); !errors.Is(err, ErrClosed) {
		t.Errorf("Tokens after Close: err = %v", err)
	}
	if _, err := tok2.Certificates(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Certificates after Module.Close: err = %v", err)
	}
	// The library is shared: the fixture's module still works.
	if _, err := f.mod.Tokens(); err != nil {
		t.Errorf("shared module after another Module closed: %v", err)
	}
}

// TestLoginAgainAfterLogout: when the device forgets the login (here a
// C_Logout behind the Token's back; a reset in real life), the next
// signature logs in again through the PIN callback.
func TestLoginAgainAfterLogout(t *testing.T) {
	f := setup(t)
	tok := f.token(t, labelMain)
	s, err := tok.Signer(context.Background(), KeySelector{ID: []byte{2}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tok.m.lib.ctx.Logout(tok.anchor); err != nil {
		t.Fatal(err)
	}
	before := f.pinAsks.Load()
	d := sha256.Sum256([]byte("after logout"))
	sig, err := s.Sign(nil, d[:], crypto.SHA256)
	if err != nil {
		t.Fatalf("sign after logout: %v", err)
	}
	if !ecdsa.VerifyASN1(&f.ecKey.PublicKey, d[:], sig) {
		t.Fatal("signature does not verify")
	}
	if f.pinAsks.Load() != before+1 {
		t.Errorf("PIN asked %d times, want 1", f.pinAsks.Load()-before)
	}
}

func TestSignerAfterLogout(t *testing.T) {
	f := setup(t)
	tok := f.token(t, labelMain)
	if err := tok.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := tok.m.lib.ctx.Logout(tok.anchor); err != nil {
		t.Fatal(err)
	}
	if _, err := tok.Signer(context.Background(), KeySelector{ID: []byte{1}}); err != nil {
		t.Fatalf("Signer after the token logged out: %v", err)
	}
}
