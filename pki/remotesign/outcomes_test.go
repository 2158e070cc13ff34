package remotesign_test

import (
	"context"
	"crypto"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/pki/remotesign"
	"github.com/rpkit-vn/rpkit/pki/remotesign/remotesigntest"
)

// TestConfirm signs with every algorithm the simulator's keys support and
// checks the signatures with the certificate, independently of the package.
func TestConfirm(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, nil)
	c := newClient(t, sim, fc, nil)
	cases := []struct {
		name string
		cred string
		alg  remotesign.SignAlgorithm
		h    crypto.Hash
		n    int
		b    remotesigntest.Behaviour
	}{
		{"rsa-pkcs1-sha256", remotesigntest.RSACredential, remotesign.RSAPKCS1v15, crypto.SHA256, 1, remotesigntest.Behaviour{AfterPolls: 2}},
		{"rsa-pkcs1-sha512-batch", remotesigntest.RSACredential, remotesign.RSAPKCS1v15, crypto.SHA512, 5, remotesigntest.Behaviour{SignPolls: 2}},
		{"rsa-pss-sha384", remotesigntest.RSACredential, remotesign.RSAPSS, crypto.SHA384, 2, remotesigntest.Behaviour{}},
		{"ecdsa-p256", remotesigntest.ECCredential, remotesign.ECDSA, crypto.SHA256, 3, remotesigntest.Behaviour{AfterPolls: 1}},
		{"ecdsa-p1363-converted", remotesigntest.ECCredential, remotesign.ECDSA, crypto.SHA256, 2, remotesigntest.Behaviour{P1363: true}},
		{"immediate", remotesigntest.RSACredential, remotesign.RSAPKCS1v15, crypto.SHA256, 1, remotesigntest.Behaviour{Immediate: true}},
		{"after-delay", remotesigntest.ECCredential, remotesign.ECDSA, crypto.SHA256, 1, remotesigntest.Behaviour{After: 20 * time.Second}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sim.Script(tc.cred, tc.b)
			hashes := digests(tc.h, tc.n)
			start := fc.Now()
			p, err := c.Begin(t.Context(), remotesign.Request{
				CredentialID: tc.cred, Hashes: hashes, HashAlgorithm: tc.h, SignAlgorithm: tc.alg,
				Description: "Ký hồ sơ đăng ký quản trị cấp cao",
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.DisplayCode) != 4 || p.TransactionID == "" || !p.ExpiresAt.After(start) {
				t.Fatalf("pending = %+v", p)
			}
			res, err := c.Wait(t.Context(), p)
			if err != nil {
				t.Fatal(err)
			}
			checkSignatures(t, res, tc.alg, tc.h, hashes)
			if res.Certificate == nil || len(res.Chain) != 1 {
				t.Fatalf("certificate %v, chain of %d", res.Certificate, len(res.Chain))
			}
			if tc.b.After > 0 && fc.Now().Sub(start) < tc.b.After {
				t.Fatalf("confirmed after %v, before the user's delay %v", fc.Now().Sub(start), tc.b.After)
			}
			// A finished transaction answers again with the same result.
			again, err := c.Wait(t.Context(), p)
			if err != nil || again != res {
				t.Fatalf("second Wait = %v, %v", again, err)
			}
		})
	}
}

// TestDescriptionShowsDisplayCode: the code the relying party shows is the
// one on the phone.
func TestDescriptionShowsDisplayCode(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, nil)
	c := newClient(t, sim, fc, nil)
	p, err := c.Begin(t.Context(), remotesign.Request{
		CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 1),
		HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
		Description: "Đăng ký tài khoản\x00quản trị " + strings.Repeat("x", 600),
	})
	if err != nil {
		t.Fatal(err)
	}
	d := sim.Descriptions()
	if len(d) != 1 || !strings.HasSuffix(d[0], "[Mã: "+p.DisplayCode+"]") || len([]rune(d[0])) > 500 || strings.ContainsRune(d[0], 0) {
		t.Fatalf("description %q, code %s", d, p.DisplayCode)
	}
}

// TestUserIDLookup: with only a UserID, the first credential able to do the
// algorithm is used.
func TestUserIDLookup(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, nil)
	c := newClient(t, sim, fc, nil)
	hashes := digests(crypto.SHA256, 1)
	p, err := c.Begin(t.Context(), remotesign.Request{
		UserID: remotesigntest.UserID, Hashes: hashes, HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.ECDSA,
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Wait(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	checkSignatures(t, res, remotesign.ECDSA, crypto.SHA256, hashes)
	if !res.Certificate.Equal(sim.Credential(remotesigntest.ECCredential).Certificate) {
		t.Fatal("wrong credential chosen")
	}
	_, err = c.Begin(t.Context(), remotesign.Request{
		UserID: "000000000000", Hashes: hashes, HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.ECDSA,
	})
	if !errors.Is(err, remotesign.ErrCredentialNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
}

// TestFailures covers each typed outcome.
func TestFailures(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, func(c *remotesigntest.Config) { c.PendingTTL = time.Minute })
	c := newClient(t, sim, fc, nil)
	cases := []struct {
		name  string
		cred  string
		b     remotesigntest.Behaviour
		want  error
		begin bool // the error comes from Begin
	}{
		{"reject", remotesigntest.RSACredential, remotesigntest.Behaviour{Outcome: remotesigntest.Reject, AfterPolls: 3}, remotesign.ErrUserRejected, false},
		{"reject-immediate", remotesigntest.RSACredential, remotesigntest.Behaviour{Outcome: remotesigntest.Reject, Immediate: true}, remotesign.ErrUserRejected, true},
		{"never-answer", remotesigntest.RSACredential, remotesigntest.Behaviour{Outcome: remotesigntest.NeverAnswer}, remotesign.ErrExpired, false},
		{"pin-blocked", remotesigntest.ECCredential, remotesigntest.Behaviour{Outcome: remotesigntest.PINBlocked, AfterPolls: 1}, remotesign.ErrPINBlocked, false},
		{"wrong-credential", "no-such-credential", remotesigntest.Behaviour{}, remotesign.ErrCredentialNotFound, true},
		{"sign-expired", remotesigntest.RSACredential, remotesigntest.Behaviour{SignPolls: 1000}, remotesign.ErrExpired, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cred != "no-such-credential" {
				sim.Script(tc.cred, tc.b)
			}
			alg := remotesign.RSAPKCS1v15
			if tc.cred == remotesigntest.ECCredential {
				alg = remotesign.ECDSA
			}
			p, err := c.Begin(t.Context(), remotesign.Request{
				CredentialID: tc.cred, Hashes: digests(crypto.SHA256, 1), HashAlgorithm: crypto.SHA256, SignAlgorithm: alg,
			})
			if !tc.begin {
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Wait(t.Context(), p)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			// Final: the same error again, without calling the service.
			if !tc.begin {
				if _, err2 := c.Wait(t.Context(), p); err2 != err {
					t.Fatalf("second Wait = %v, want %v", err2, err)
				}
			}
		})
	}
}

// TestServiceError: an unrecognised failure is a *ServiceError with the
// service's code, description and status.
func TestServiceError(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, nil)
	c := newClient(t, sim, fc, nil)
	sim.Script(remotesigntest.RSACredential, remotesigntest.Behaviour{
		Outcome: remotesigntest.Fail, AfterPolls: 1, Status: 500, Code: "server_error", Description: "HSM unavailable\n\x1b[31m",
	})
	p, err := c.Begin(t.Context(), remotesign.Request{
		CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 1), HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Wait(t.Context(), p)
	var se *remotesign.ServiceError
	if !errors.As(err, &se) || se.Status != 500 || se.Code != "server_error" || se.Method != "credentials/authorizeCheck" {
		t.Fatalf("err = %#v", err)
	}
	if strings.ContainsAny(err.Error(), "\n\x1b") {
		t.Fatalf("unsanitised message %q", err.Error())
	}
	for _, s := range []error{remotesign.ErrUserRejected, remotesign.ErrExpired, remotesign.ErrPINBlocked, remotesign.ErrCredentialNotFound} {
		if errors.Is(err, s) {
			t.Fatalf("server_error classified as %v", s)
		}
	}
}

// TestTransientErrorsRetried: a 503 is ridden out, a fourth in a row is not.
func TestTransientErrorsRetried(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, nil)
	c := newClient(t, sim, fc, nil)
	sim.Script(remotesigntest.RSACredential, remotesigntest.Behaviour{
		Outcome: remotesigntest.Fail, Status: 503, Code: "temporarily_unavailable",
	})
	p, err := c.Begin(t.Context(), remotesign.Request{
		CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 1), HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Wait(t.Context(), p)
	var se *remotesign.ServiceError
	if !errors.As(err, &se) || se.Status != 503 {
		t.Fatalf("err = %v", err)
	}
	if n := sim.Calls("credentials/authorizeCheck"); n != 4 {
		t.Fatalf("%d authorizeCheck calls, want 4 (1 + 3 retries)", n)
	}
}

// TestDisabledCredential is refused before the user is bothered.
func TestDisabledCredential(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, nil)
	c := newClient(t, sim, fc, nil)
	sim.SetDisabled(remotesigntest.RSACredential, true)
	_, err := c.Begin(t.Context(), remotesign.Request{
		CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 1), HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
	})
	if !errors.Is(err, remotesign.ErrCredentialDisabled) || sim.Calls("credentials/authorize") != 0 {
		t.Fatalf("err = %v, authorize calls %d", err, sim.Calls("credentials/authorize"))
	}
}

// TestContextCancel: a cancelled Wait returns the context error and leaves
// the transaction resumable.
func TestContextCancel(t *testing.T) {
	fc := newFakeClock()
	fc.hold = true // Wait sleeps "forever" between polls
	sim := newSim(t, fc, nil)
	c := newClient(t, sim, fc, nil)
	sim.Script(remotesigntest.RSACredential, remotesigntest.Behaviour{Outcome: remotesigntest.Manual})
	hashes := digests(crypto.SHA256, 1)
	p, err := c.Begin(t.Context(), remotesign.Request{
		CredentialID: remotesigntest.RSACredential, Hashes: hashes, HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Wait(ctx, p)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	// The user confirms later; a new Wait picks the transaction up.
	if err := sim.Answer(p.TransactionID, remotesigntest.Confirm); err != nil {
		t.Fatal(err)
	}
	fc.hold = false
	res, err := c.Wait(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	checkSignatures(t, res, remotesign.RSAPKCS1v15, crypto.SHA256, hashes)
}

// TestInvalidRequests are refused before anything is sent.
func TestInvalidRequests(t *testing.T) {
	fc := newFakeClock()
	sim := newSim(t, fc, nil)
	c := newClient(t, sim, fc, nil)
	good := remotesign.Request{CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 1), HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15}
	for name, mod := range map[string]func(*remotesign.Request){
		"no-credential": func(r *remotesign.Request) { r.CredentialID = "" },
		"no-hashes":     func(r *remotesign.Request) { r.Hashes = nil },
		"sha1":          func(r *remotesign.Request) { r.HashAlgorithm = crypto.SHA1; r.Hashes = [][]byte{make([]byte, 20)} },
		"short-hash":    func(r *remotesign.Request) { r.Hashes = [][]byte{make([]byte, 31)} },
		"no-algorithm":  func(r *remotesign.Request) { r.SignAlgorithm = 0 },
		"too-many":      func(r *remotesign.Request) { r.Hashes = digests(crypto.SHA256, 51) },
	} {
		t.Run(name, func(t *testing.T) {
			r := good
			mod(&r)
			if _, err := c.Begin(t.Context(), r); !errors.Is(err, remotesign.ErrInvalidRequest) {
				t.Fatalf("err = %v", err)
			}
		})
	}
	// ECDSA on an RSA key: refused after credentials/info, before authorize.
	r := good
	r.SignAlgorithm = remotesign.ECDSA
	if _, err := c.Begin(t.Context(), r); !errors.Is(err, remotesign.ErrUnsupportedAlgorithm) {
		t.Fatalf("err = %v", err)
	}
	if n := sim.Calls("credentials/authorize"); n != 0 {
		t.Fatalf("%d authorize calls", n)
	}
	if _, err := c.Wait(t.Context(), &remotesign.Pending{TransactionID: "forged"}); !errors.Is(err, remotesign.ErrUnknownTransaction) {
		t.Fatalf("forged pending: %v", err)
	}
}
