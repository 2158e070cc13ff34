package remotesign_test

import (
	"bytes"
	"crypto"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/pki/remotesign"
	"github.com/rpkit-vn/rpkit/pki/remotesign/remotesigntest"
)

var cbSecret = []byte("0123456789abcdef0123456789abcdef-callback")

// callbackSetup wires a simulator that pushes callbacks to a client's
// CallbackHandler.
func callbackSetup(t *testing.T, fc *fakeClock, auth remotesign.CallbackAuth) (*remotesigntest.Simulator, *remotesign.Client, *remotesign.CallbackHandler, string) {
	t.Helper()
	h, err := remotesign.NewCallbackHandler(remotesign.CallbackConfig{Secret: cbSecret, Auth: auth, Clock: fc})
	if err != nil {
		t.Fatal(err)
	}
	srv := callbackServer(t, h)
	sim := newSim(t, fc, func(c *remotesigntest.Config) {
		c.CallbackURL = srv.URL
		c.CallbackSecret = cbSecret
		c.CallbackBearer = auth == remotesign.CallbackBearer
	})
	c := newClient(t, sim, fc, func(cfg *remotesign.Config) {
		cfg.Callbacks = h
		cfg.CallbackURL = srv.URL
	})
	return sim, c, h, srv.URL
}

// TestCallbackBeatsPolling: the signatures arrive by callback and Wait
// returns them without another poll, although the clock never lets a
// backoff sleep end.
func TestCallbackBeatsPolling(t *testing.T) {
	for _, auth := range []remotesign.CallbackAuth{remotesign.CallbackHMAC, remotesign.CallbackBearer} {
		fc := newFakeClock()
		sim, c, h, _ := callbackSetup(t, fc, auth)
		sim.Script(remotesigntest.ECCredential, remotesigntest.Behaviour{Callback: true, AfterPolls: 0, SignPolls: 1000})
		hashes := digests(crypto.SHA256, 2)
		p, err := c.Begin(t.Context(), remotesign.Request{
			CredentialID: remotesigntest.ECCredential, Hashes: hashes, HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.ECDSA,
		})
		if err != nil {
			t.Fatal(err)
		}
		fc.hold = true // from now on no sleep ever ends: only a callback can finish Wait
		res, err := c.Wait(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		checkSignatures(t, res, remotesign.ECDSA, crypto.SHA256, hashes)
		if n := sim.Calls("signatures/signPolling"); n != 0 {
			t.Fatalf("%d signPolling calls after the callback", n)
		}
		if h.Pending() != 0 {
			t.Fatalf("%d transactions still registered", h.Pending())
		}
		for _, push := range sim.Pushes() {
			if push.Status != http.StatusNoContent {
				t.Fatalf("callback answered %d", push.Status)
			}
		}
	}
}

// TestCallbackRejection: the user's refusal arrives by callback during the
// authorisation; Wait ends without polling authorizeCheck at all.
func TestCallbackRejection(t *testing.T) {
	fc := newFakeClock()
	sim, c, _, _ := callbackSetup(t, fc, remotesign.CallbackHMAC)
	sim.Script(remotesigntest.RSACredential, remotesigntest.Behaviour{Outcome: remotesigntest.Reject, Callback: true})
	p, err := c.Begin(t.Context(), remotesign.Request{
		CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 1), HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Wait(t.Context(), p)
	var se *remotesign.ServiceError
	if !errors.Is(err, remotesign.ErrUserRejected) || !errors.As(err, &se) || se.Method != "callback" {
		t.Fatalf("err = %v", err)
	}
	if n := sim.Calls("credentials/authorizeCheck"); n != 0 {
		t.Fatalf("%d authorizeCheck calls", n)
	}
}

// TestCallbackWakesWait: a confirmation notice makes a sleeping Wait poll
// at once.
func TestCallbackWakesWait(t *testing.T) {
	fc := newFakeClock()
	fc.hold = true
	fc.asked = make(chan time.Duration, 100)
	sim, c, _, _ := callbackSetup(t, fc, remotesign.CallbackHMAC)
	sim.Script(remotesigntest.RSACredential, remotesigntest.Behaviour{Outcome: remotesigntest.Manual, Callback: true})
	hashes := digests(crypto.SHA256, 1)
	p, err := c.Begin(t.Context(), remotesign.Request{
		CredentialID: remotesigntest.RSACredential, Hashes: hashes, HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
	})
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		res *remotesign.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := c.Wait(t.Context(), p)
		done <- outcome{res, err}
	}()
	<-fc.asked // Wait polled once (pending) and sleeps for good
	if err := sim.Answer(p.TransactionID, remotesigntest.Confirm); err != nil {
		t.Fatal(err)
	}
	select {
	case o := <-done:
		if o.err != nil {
			t.Fatal(o.err)
		}
		checkSignatures(t, o.res, remotesign.RSAPKCS1v15, crypto.SHA256, hashes)
		if n := sim.Calls("credentials/authorizeCheck"); n != 2 {
			t.Fatalf("%d authorizeCheck calls, want 2 (pending, then woken)", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not wake up on the callback")
	}
}

// TestCallbackHandlerRefuses: every way of getting a callback wrong.
func TestCallbackHandlerRefuses(t *testing.T) {
	fc := newFakeClock()
	fc.hold = true
	sim, c, h, url := callbackSetup(t, fc, remotesign.CallbackHMAC)
	sim.Script(remotesigntest.RSACredential, remotesigntest.Behaviour{Outcome: remotesigntest.Manual})
	p, err := c.Begin(t.Context(), remotesign.Request{
		CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 1), HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
	})
	if err != nil {
		t.Fatal(err)
	}
	post := func(method string, body []byte, hdr map[string]string) int {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), method, url, bytes.NewReader(body))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	signed := func(body []byte, at time.Time) map[string]string {
		return map[string]string{remotesign.CallbackSignatureHeader: remotesign.CallbackSignature(cbSecret, at, body)}
	}
	notice := []byte(`{"clientData":"` + p.TransactionID + `"}`)
	reject := []byte(`{"clientData":"` + p.TransactionID + `","error":"access_denied"}`)
	now := fc.Now()

	cases := []struct {
		name   string
		method string
		body   []byte
		hdr    map[string]string
		want   int
	}{
		{"get", http.MethodGet, nil, nil, http.StatusMethodNotAllowed},
		{"unsigned", http.MethodPost, notice, nil, http.StatusUnauthorized},
		{"wrong-secret", http.MethodPost, notice, map[string]string{remotesign.CallbackSignatureHeader: remotesign.CallbackSignature([]byte("x"), now, notice)}, http.StatusUnauthorized},
		{"body-swapped", http.MethodPost, reject, signed(notice, now), http.StatusUnauthorized},
		{"stale", http.MethodPost, notice, signed(notice, now.Add(-10*time.Minute)), http.StatusUnauthorized},
		{"future", http.MethodPost, notice, signed(notice, now.Add(10*time.Minute)), http.StatusUnauthorized},
		{"garbage-header", http.MethodPost, notice, map[string]string{remotesign.CallbackSignatureHeader: "t=1,v1=zz"}, http.StatusUnauthorized},
		{"bearer-in-hmac-mode", http.MethodPost, notice, map[string]string{"Authorization": "Bearer " + string(cbSecret)}, http.StatusUnauthorized},
		{"oversized", http.MethodPost, bytes.Repeat([]byte("a"), 300<<10), nil, http.StatusRequestEntityTooLarge},
		{"not-json", http.MethodPost, []byte("nope"), signed([]byte("nope"), now), http.StatusBadRequest},
		{"no-transaction", http.MethodPost, []byte(`{"error":"x"}`), signed([]byte(`{"error":"x"}`), now), http.StatusBadRequest},
		{"unknown-transaction", http.MethodPost, []byte(`{"clientData":"other"}`), signed([]byte(`{"clientData":"other"}`), now), http.StatusNotFound},
		{"notice", http.MethodPost, notice, signed(notice, now), http.StatusNoContent},
		{"notice-replayed", http.MethodPost, notice, signed(notice, now), http.StatusConflict},
		{"result", http.MethodPost, reject, signed(reject, now), http.StatusNoContent},
		{"result-replayed", http.MethodPost, reject, signed(reject, now), http.StatusConflict},
	}
	for _, tc := range cases {
		if got := post(tc.method, tc.body, tc.hdr); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
	}
	if _, err := c.Wait(t.Context(), p); !errors.Is(err, remotesign.ErrUserRejected) {
		t.Fatalf("Wait = %v", err)
	}
	// Finished: the transaction is forgotten, a replay finds nothing.
	if got := post(http.MethodPost, reject, signed(reject, now)); got != http.StatusNotFound {
		t.Fatalf("replay after Wait: %d", got)
	}
	if h.Pending() != 0 {
		t.Fatal("transaction still registered")
	}
}

// TestForgedCallbackSignaturesRefused: a callback whose signatures do not
// verify ends the transaction with ErrBadSignature, never a result.
func TestForgedCallbackSignaturesRefused(t *testing.T) {
	fc := newFakeClock()
	fc.hold = true
	sim, c, _, url := callbackSetup(t, fc, remotesign.CallbackHMAC)
	sim.Script(remotesigntest.RSACredential, remotesigntest.Behaviour{Outcome: remotesigntest.Manual})
	p, err := c.Begin(t.Context(), remotesign.Request{
		CredentialID: remotesigntest.RSACredential, Hashes: digests(crypto.SHA256, 1), HashAlgorithm: crypto.SHA256, SignAlgorithm: remotesign.RSAPKCS1v15,
	})
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"clientData":"` + p.TransactionID + `","signatures":["` + strings.Repeat("QUFB", 86) + `"]}`)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set(remotesign.CallbackSignatureHeader, remotesign.CallbackSignature(cbSecret, fc.Now(), body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := c.Wait(t.Context(), p); !errors.Is(err, remotesign.ErrBadSignature) {
		t.Fatalf("Wait = %v", err)
	}
}

func TestNewCallbackHandlerRefusesWeakSecret(t *testing.T) {
	if _, err := remotesign.NewCallbackHandler(remotesign.CallbackConfig{Secret: []byte("short")}); err == nil {
		t.Fatal("short secret accepted")
	}
	if _, err := remotesign.NewCallbackHandler(remotesign.CallbackConfig{Secret: cbSecret, Auth: 7}); err == nil {
		t.Fatal("unknown auth accepted")
	}
}
