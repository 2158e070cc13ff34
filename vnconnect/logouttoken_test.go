package vnconnect

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func vtLogoutClaims() map[string]any {
	return map[string]any{
		"iss":    vtIssuer,
		"aud":    vtClientID,
		"iat":    vtNow.Add(-10 * time.Second).Unix(),
		"exp":    vtNow.Add(2 * time.Minute).Unix(),
		"jti":    "bWJq-1f0c8a4e",
		"sid":    "3d9c5f8e-2a1b-4c7d-8e6f-0a9b8c7d6e5f",
		"sub":    vtSubject,
		"events": map[string]any{BackchannelLogoutEvent: map[string]any{}},
	}
}

func vtLogoutVerifier(t *testing.T, replay ReplayCache) *LogoutTokenVerifier {
	t.Helper()
	v, err := NewLogoutTokenVerifier(vtStatic(t, &vtRSAKeyA().PublicKey),
		VerifierConfig{ClientID: vtClientID, Issuer: vtIssuer, Clock: vtClock}, replay)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestLogoutTokenRules(t *testing.T) {
	tests := []struct {
		name   string
		mod    func(map[string]any)
		header map[string]any
		want   error
	}{
		{name: "valid"},
		{name: "typ logout+jwt", header: map[string]any{"typ": "logout+jwt"}},
		{name: "typ JWT", header: map[string]any{"typ": "JWT"}},
		{name: "typ at+jwt", header: map[string]any{"typ": "at+jwt"}, want: ErrInvalidLogoutToken},
		{name: "sid only", mod: func(c map[string]any) { delete(c, "sub") }},
		{name: "sub only", mod: func(c map[string]any) { delete(c, "sid") }},
		{name: "neither sub nor sid", mod: func(c map[string]any) { delete(c, "sid"); delete(c, "sub") }, want: ErrInvalidLogoutToken},
		{name: "no events", mod: func(c map[string]any) { delete(c, "events") }, want: ErrInvalidLogoutToken},
		{name: "events other", mod: func(c map[string]any) {
			c["events"] = map[string]any{"http://schemas.openid.net/event/other": map[string]any{}}
		}, want: ErrInvalidLogoutToken},
		{name: "event not object", mod: func(c map[string]any) { c["events"] = map[string]any{BackchannelLogoutEvent: true} }, want: ErrInvalidLogoutToken},
		{name: "events array", mod: func(c map[string]any) { c["events"] = []string{BackchannelLogoutEvent} }, want: ErrMalformedToken},
		{name: "nonce present", mod: func(c map[string]any) { c["nonce"] = vtNonce }, want: ErrInvalidLogoutToken},
		{name: "nonce null", mod: func(c map[string]any) { c["nonce"] = nil }, want: ErrInvalidLogoutToken},
		{name: "jti missing", mod: func(c map[string]any) { delete(c, "jti") }, want: ErrMissingClaim},
		{name: "iss other", mod: func(c map[string]any) { c["iss"] = "https://evil.example" }, want: ErrIssuerMismatch},
		{name: "aud other", mod: func(c map[string]any) { c["aud"] = "other" }, want: ErrAudienceMismatch},
		{name: "iat missing", mod: func(c map[string]any) { delete(c, "iat") }, want: ErrMissingClaim},
		{name: "iat future", mod: func(c map[string]any) { c["iat"] = vtNow.Add(time.Hour).Unix() }, want: ErrIssuedInFuture},
		{name: "expired", mod: func(c map[string]any) { c["exp"] = vtNow.Add(-time.Minute).Unix() }, want: ErrTokenExpired},
		{name: "no exp recent", mod: func(c map[string]any) { delete(c, "exp") }},
		{name: "no exp too old", mod: func(c map[string]any) {
			delete(c, "exp")
			c["iat"] = vtNow.Add(-LogoutTokenMaxAge - time.Second).Unix()
		}, want: ErrTokenExpired},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := vtLogoutVerifier(t, nil)
			claims := vtLogoutClaims()
			claims["jti"] = fmt.Sprintf("jti-%d", i)
			if tt.mod != nil {
				tt.mod(claims)
			}
			lt, err := v.Verify(context.Background(), vtMint(t, vtToken{claims: claims, header: tt.header}))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("want accepted, got %v", err)
				}
				if lt.Issuer != vtIssuer || lt.JTI == "" || (lt.SID == "" && lt.Subject == "") {
					t.Fatalf("fields: %+v", lt)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("want %v, got %v", tt.want, err)
			}
		})
	}
}

func TestLogoutTokenReplay(t *testing.T) {
	v := vtLogoutVerifier(t, nil)
	raw := vtMint(t, vtToken{claims: vtLogoutClaims()})
	if _, err := v.Verify(context.Background(), raw); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), raw); !errors.Is(err, ErrReplay) {
		t.Fatalf("replay: want ErrReplay, got %v", err)
	}
	// A new token with the same jti is a replay too.
	c := vtLogoutClaims()
	c["iat"] = vtNow.Unix()
	if _, err := v.Verify(context.Background(), vtMint(t, vtToken{claims: c})); !errors.Is(err, ErrReplay) {
		t.Fatalf("same jti: want ErrReplay, got %v", err)
	}
	// An invalid token does not consume its jti.
	bad := vtLogoutClaims()
	bad["jti"] = "fresh"
	bad["aud"] = "other"
	_, _ = v.Verify(context.Background(), vtMint(t, vtToken{claims: bad}))
	bad["aud"] = vtClientID
	if _, err := v.Verify(context.Background(), vtMint(t, vtToken{claims: bad})); err != nil {
		t.Fatalf("jti consumed by an invalid token: %v", err)
	}
}

// An ID token must not pass as a logout token, nor the reverse.
func TestLogoutAndIDTokensDoNotMix(t *testing.T) {
	lv := vtLogoutVerifier(t, nil)
	idRaw := vtMint(t, vtToken{})
	if _, err := lv.Verify(context.Background(), idRaw); err == nil {
		t.Fatal("ID token accepted as logout token")
	}
	iv := vtVerifier(t, vtStatic(t, &vtRSAKeyA().PublicKey), nil)
	for _, h := range []map[string]any{nil, {"typ": "logout+jwt"}} {
		c := vtLogoutClaims()
		c["exp"] = vtNow.Add(time.Hour).Unix()
		if _, err := iv.Verify(context.Background(), vtMint(t, vtToken{claims: c, header: h}), VerifyParams{}); !errors.Is(err, ErrMalformedToken) {
			t.Fatalf("logout token (typ %v) as ID token: want ErrMalformedToken, got %v", h, err)
		}
	}
}

func TestMemoryReplayCache(t *testing.T) {
	clock := &vtFakeClock{now: vtNow}
	m := NewMemoryReplayCacheSize(clock.Now, 3)
	ctx := context.Background()
	for _, id := range []string{"a", "b", "c"} {
		if err := m.Remember(ctx, id, vtNow.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Remember(ctx, "a", vtNow.Add(time.Minute)); !errors.Is(err, ErrReplay) {
		t.Fatalf("want ErrReplay, got %v", err)
	}
	if err := m.Remember(ctx, "d", vtNow.Add(time.Minute)); !errors.Is(err, ErrReplayCacheFull) {
		t.Fatalf("full cache: want ErrReplayCacheFull, got %v", err)
	}
	clock.Advance(2 * time.Minute) // everything expires
	if err := m.Remember(ctx, "d", vtNow.Add(time.Hour)); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if m.Len() != 1 {
		t.Fatalf("expired entries not swept: %d", m.Len())
	}
	if err := m.Remember(ctx, "a", vtNow.Add(time.Hour)); err != nil {
		t.Fatalf("expired id is new again: %v", err)
	}
}

func TestMemoryReplayCacheConcurrent(t *testing.T) {
	m := NewMemoryReplayCache(vtClock)
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if m.Remember(context.Background(), "same", vtNow.Add(time.Minute)) == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d goroutines remembered the same id", ok.Load())
	}
}
