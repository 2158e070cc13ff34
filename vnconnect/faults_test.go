package vnconnect_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
)

// Every fault the fake can inject into ID tokens must make Exchange fail
// with the matching sentinel. Each case gets a fresh Client (and so a fresh
// RemoteKeySet) so that cached keys never mask a JWKS-side fault.
func TestFaultsIDToken(t *testing.T) {
	srv := vnconnecttest.NewServer(t)
	tests := []struct {
		name   string
		faults vnconnecttest.Faults
		want   error // nil: the login must succeed
	}{
		{"expired", vnconnecttest.Faults{ExpiredIDToken: true}, vnconnect.ErrTokenExpired},
		{"iat in future", vnconnecttest.Faults{FutureIDToken: true}, vnconnect.ErrIssuedInFuture},
		{"nbf in future", vnconnecttest.Faults{NotYetValid: true}, vnconnect.ErrTokenNotYetValid},
		{"wrong iss", vnconnecttest.Faults{WrongIssuer: true}, vnconnect.ErrIssuerMismatch},
		{"wrong aud", vnconnecttest.Faults{WrongAudience: true}, vnconnect.ErrAudienceMismatch},
		{"wrong azp", vnconnecttest.Faults{WrongAzp: true}, vnconnect.ErrAuthorizedPartyMismatch},
		{"bad signature", vnconnecttest.Faults{BadSignature: true}, vnconnect.ErrInvalidSignature},
		{"alg none", vnconnecttest.Faults{AlgNone: true}, vnconnect.ErrAlgorithmNotAllowed},
		{"HS256 with public key PEM", vnconnecttest.Faults{HS256WithPublicKey: true}, vnconnect.ErrAlgorithmNotAllowed},
		{"HS256 with public key DER", vnconnecttest.Faults{HS256WithPublicKeyDER: true}, vnconnect.ErrAlgorithmNotAllowed},
		// kid absent and several keys published: each key is tried, so a
		// good signature still verifies and a bad one still fails.
		{"no kid, several keys, good signature", vnconnecttest.Faults{NoKidSeveralKeys: true}, nil},
		{"no kid, several keys, bad signature", vnconnecttest.Faults{NoKidSeveralKeys: true, BadSignature: true}, vnconnect.ErrInvalidSignature},
		{"wrong nonce", vnconnecttest.Faults{WrongNonce: true}, vnconnect.ErrNonceMismatch},
		{"wrong at_hash", vnconnecttest.Faults{WrongAtHash: true}, vnconnect.ErrAtHashMismatch},
		{"wrong c_hash", vnconnecttest.Faults{WrongCHash: true}, vnconnect.ErrCHashMismatch},
		{"missing sub", vnconnecttest.Faults{MissingSub: true}, vnconnect.ErrMissingClaim},
		{"missing iat", vnconnecttest.Faults{MissingIat: true}, vnconnect.ErrMissingClaim},
		{"acr below requested", vnconnecttest.Faults{LowLoA: true}, vnconnect.ErrInsufficientLoA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.SetFaults(tt.faults)
			t.Cleanup(srv.ClearFaults)
			c := fakeClient(t, srv, func(cfg *vnconnect.Config) { cfg.LoA = "LoA2" })
			req, code := login(t, srv, c, vnconnecttest.CitizenTechID)
			tok, err := c.Exchange(t.Context(), code, req)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("valid token refused: %v", err)
				}
				if tok.IDToken.Subject == "" {
					t.Fatal("no subject")
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tok != nil {
				t.Fatal("tokens returned with an error")
			}
		})
	}
}

// The same token faults must also be refused on the refresh path, which
// verifies a new ID token without a nonce.
func TestFaultsOnRefresh(t *testing.T) {
	srv := vnconnecttest.NewServer(t)
	c := fakeClient(t, srv, nil)
	for name, tt := range map[string]struct {
		f    vnconnecttest.Faults
		want error
	}{
		"bad signature": {vnconnecttest.Faults{BadSignature: true}, vnconnect.ErrInvalidSignature},
		"alg none":      {vnconnecttest.Faults{AlgNone: true}, vnconnect.ErrAlgorithmNotAllowed},
		"wrong aud":     {vnconnecttest.Faults{WrongAudience: true}, vnconnect.ErrAudienceMismatch},
		"expired":       {vnconnecttest.Faults{ExpiredIDToken: true}, vnconnect.ErrTokenExpired},
	} {
		t.Run(name, func(t *testing.T) {
			// A fresh session each time: the fake rotates refresh tokens
			// and treats a reused one as stolen.
			req, code := login(t, srv, c, vnconnecttest.CitizenTechID)
			tok, err := c.Exchange(t.Context(), code, req)
			if err != nil {
				t.Fatal(err)
			}
			srv.SetFaults(tt.f)
			t.Cleanup(srv.ClearFaults)
			if _, err := c.Refresh(t.Context(), tok); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestFaultUserInfoSubMismatch(t *testing.T) {
	srv := vnconnecttest.NewServer(t)
	c := fakeClient(t, srv, nil)
	req, code := login(t, srv, c, vnconnecttest.CitizenTechID)
	tok, err := c.Exchange(t.Context(), code, req)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetFaults(vnconnecttest.Faults{UserInfoSubMismatch: true})
	if _, err := c.UserInfo(t.Context(), tok); !errors.Is(err, vnconnect.ErrSubjectMismatch) {
		t.Fatalf("err = %v", err)
	}
}

// step is one client call against the fake, from a fresh login. callCtx
// makes the context of the faulted call only, so that a deadline does not
// also run over the login that precedes it.
type step func(callCtx func() context.Context, t *testing.T, srv *vnconnecttest.Server) error

// exchangeStep logs in (with no faults active) and exchanges the code under
// the faults: token and JWKS faults show here.
func exchangeStep(faults vnconnecttest.Faults) step {
	return func(callCtx func() context.Context, t *testing.T, srv *vnconnecttest.Server) error {
		c := fakeClient(t, srv, nil)
		req, code := login(t, srv, c, vnconnecttest.CitizenTechID)
		srv.SetFaults(faults)
		_, err := c.Exchange(callCtx(), code, req)
		return err
	}
}

func userInfoStep(faults vnconnecttest.Faults) step {
	return func(callCtx func() context.Context, t *testing.T, srv *vnconnecttest.Server) error {
		c := fakeClient(t, srv, nil)
		req, code := login(t, srv, c, vnconnecttest.CitizenTechID)
		tok, err := c.Exchange(t.Context(), code, req)
		if err != nil {
			t.Fatal(err)
		}
		srv.SetFaults(faults)
		_, err = c.UserInfo(callCtx(), tok)
		return err
	}
}

func discoveryStep(faults vnconnecttest.Faults) step {
	return func(callCtx func() context.Context, t *testing.T, srv *vnconnecttest.Server) error {
		srv.SetFaults(faults)
		_, err := vnconnect.Discover(callCtx(), nil, srv.URL())
		return err
	}
}

func introspectStep(faults vnconnecttest.Faults) step {
	return func(callCtx func() context.Context, t *testing.T, srv *vnconnecttest.Server) error {
		c := fakeClient(t, srv, nil)
		srv.SetFaults(faults)
		_, err := c.Introspect(callCtx(), "some-token")
		return err
	}
}

func revokeStep(faults vnconnecttest.Faults) step {
	return func(callCtx func() context.Context, t *testing.T, srv *vnconnecttest.Server) error {
		c := fakeClient(t, srv, nil)
		srv.SetFaults(faults)
		return c.Revoke(callCtx(), "some-token", "")
	}
}

type stepFor func(vnconnecttest.Faults) step

var endpointSteps = map[string]stepFor{
	vnconnecttest.EndpointToken:      exchangeStep,
	vnconnecttest.EndpointJWKS:       exchangeStep,
	vnconnecttest.EndpointUserInfo:   userInfoStep,
	vnconnecttest.EndpointDiscovery:  discoveryStep,
	vnconnecttest.EndpointIntrospect: introspectStep,
	vnconnecttest.EndpointRevoke:     revokeStep,
}

// Slow endpoints: the caller's deadline ends the call, and the error says so.
func TestFaultSlowEndpoints(t *testing.T) {
	srv := vnconnecttest.NewServer(t)
	for name, mk := range endpointSteps {
		t.Run(name, func(t *testing.T) {
			t.Cleanup(srv.ClearFaults)
			var start time.Time
			callCtx := func() context.Context {
				ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
				t.Cleanup(cancel)
				start = time.Now()
				return ctx
			}
			err := mk(vnconnecttest.Faults{Slow: map[string]time.Duration{name: time.Second}})(callCtx, t, srv)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want context.DeadlineExceeded", err)
			}
			if d := time.Since(start); d > 800*time.Millisecond {
				t.Fatalf("the call outlived its deadline: %v", d)
			}
		})
	}
}

// Failing endpoints: a *RetrieveError with the status and the OAuth error —
// except the JWKS, whose failure surfaces through the key set (see report).
func TestFaultFailingEndpoints(t *testing.T) {
	srv := vnconnecttest.NewServer(t)
	for name, mk := range endpointSteps {
		t.Run(name, func(t *testing.T) {
			t.Cleanup(srv.ClearFaults)
			err := mk(vnconnecttest.Faults{Fail: map[string]int{name: http.StatusServiceUnavailable}})(t.Context, t, srv)
			if err == nil {
				t.Fatal("call succeeded against a failing endpoint")
			}
			if name == vnconnecttest.EndpointJWKS {
				// No keys could ever be fetched: verification cannot succeed.
				return
			}
			var re *vnconnect.RetrieveError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want *RetrieveError", err)
			}
			if re.StatusCode != http.StatusServiceUnavailable || re.ErrorCode != "temporarily_unavailable" {
				t.Fatalf("RetrieveError = %+v", re)
			}
		})
	}
}

// Oversized responses: refused with ErrResponseTooLarge after reading at
// most the limit, not buffered whole.
func TestFaultOversizedResponses(t *testing.T) {
	srv := vnconnecttest.NewServer(t)
	for name, mk := range endpointSteps {
		t.Run(name, func(t *testing.T) {
			t.Cleanup(srv.ClearFaults)
			err := mk(vnconnecttest.Faults{Oversized: map[string]bool{name: true}})(t.Context, t, srv)
			if !errors.Is(err, vnconnect.ErrResponseTooLarge) {
				t.Fatalf("err = %v, want ErrResponseTooLarge", err)
			}
		})
	}
}
