package vnconnect

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestVerifyExpiryBoundary: RFC 7519 §4.1.4 requires the current time to be
// before exp, so a token is refused at exactly exp (+ leeway).
func TestVerifyExpiryBoundary(t *testing.T) {
	ks := vtStatic(t, &vtRSAKeyA().PublicKey)
	for _, leeway := range []time.Duration{0, time.Minute} {
		v := vtVerifier(t, ks, func(c *VerifierConfig) { c.Leeway = leeway })
		c := vtClaims()
		c["exp"] = vtNow.Add(-leeway).Unix()
		_, err := v.Verify(context.Background(), vtMint(t, vtToken{claims: c}),
			VerifyParams{Nonce: vtNonce, AccessToken: vtAccessToken})
		if !errors.Is(err, ErrTokenExpired) {
			t.Fatalf("leeway %v: exp+leeway == now: want ErrTokenExpired, got %v", leeway, err)
		}
	}
}

// TestLogoutTokenReplayAtExpiryInstant: the replay cache forgets a jti at
// the instant its until is reached; the verifier must refuse the token from
// that same instant, or the token can be replayed once more.
func TestLogoutTokenReplayAtExpiryInstant(t *testing.T) {
	tests := []struct {
		name string
		mod  func(map[string]any)
		end  time.Time // the instant the token's validity ends
	}{
		{name: "exp", end: vtNow.Add(2 * time.Minute)},
		{name: "no exp", mod: func(c map[string]any) { delete(c, "exp") },
			end: vtNow.Add(-10*time.Second + LogoutTokenMaxAge)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &vtFakeClock{now: vtNow}
			v, err := NewLogoutTokenVerifier(vtStatic(t, &vtRSAKeyA().PublicKey),
				VerifierConfig{ClientID: vtClientID, Issuer: vtIssuer, Clock: clock.Now}, nil)
			if err != nil {
				t.Fatal(err)
			}
			claims := vtLogoutClaims()
			if tt.mod != nil {
				tt.mod(claims)
			}
			raw := vtMint(t, vtToken{claims: claims})
			if _, err := v.Verify(context.Background(), raw); err != nil {
				t.Fatal(err)
			}
			clock.Advance(tt.end.Sub(clock.Now()))
			if _, err := v.Verify(context.Background(), raw); err == nil {
				t.Fatal("logout token accepted a second time at the instant its validity ends")
			} else if !errors.Is(err, ErrTokenExpired) && !errors.Is(err, ErrReplay) {
				t.Fatalf("want ErrTokenExpired or ErrReplay, got %v", err)
			}
		})
	}
}
