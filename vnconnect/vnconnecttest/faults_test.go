package vnconnecttest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Each claim or signature fault must show up in the ID token the token
// endpoint issues; the token is decoded and the fault checked directly.
func TestTokenFaults(t *testing.T) {
	s, clk := newTestServer(t)
	now := clk.Now().Unix()
	cases := []struct {
		name  string
		f     Faults
		check func(t *testing.T, raw string, hdr, c map[string]any, resp map[string]any)
	}{
		{"expired", Faults{ExpiredIDToken: true}, func(t *testing.T, _ string, _, c, _ map[string]any) {
			if num(c["exp"]) >= now || num(c["iat"]) >= num(c["exp"]) {
				t.Errorf("exp %v iat %v", c["exp"], c["iat"])
			}
		}},
		{"future iat", Faults{FutureIDToken: true}, func(t *testing.T, _ string, _, c, _ map[string]any) {
			if num(c["iat"]) <= now || num(c["exp"]) <= num(c["iat"]) {
				t.Errorf("iat %v exp %v", c["iat"], c["exp"])
			}
		}},
		{"nbf", Faults{NotYetValid: true}, func(t *testing.T, _ string, _, c, _ map[string]any) {
			if num(c["nbf"]) <= now {
				t.Errorf("nbf %v", c["nbf"])
			}
		}},
		{"issuer", Faults{WrongIssuer: true}, func(t *testing.T, _ string, _, c, _ map[string]any) {
			if c["iss"] == s.Issuer() || c["iss"] == "" {
				t.Errorf("iss %v", c["iss"])
			}
		}},
		{"audience", Faults{WrongAudience: true}, func(t *testing.T, _ string, _, c, _ map[string]any) {
			if containsString(audience(c), DefaultClientID) || c["azp"] == DefaultClientID {
				t.Errorf("aud %v azp %v", c["aud"], c["azp"])
			}
		}},
		{"azp", Faults{WrongAzp: true}, func(t *testing.T, _ string, _, c, _ map[string]any) {
			aud := audience(c)
			if len(aud) < 2 || !containsString(aud, DefaultClientID) || c["azp"] == DefaultClientID {
				t.Errorf("aud %v azp %v", c["aud"], c["azp"])
			}
		}},
		{"bad signature", Faults{BadSignature: true}, func(t *testing.T, raw string, hdr, _, _ map[string]any) {
			if hdr["alg"] != "RS256" || verifyWithJWKS(t, s, raw) == nil {
				t.Error("signature verifies")
			}
		}},
		{"alg none", Faults{AlgNone: true}, func(t *testing.T, raw string, hdr, _, _ map[string]any) {
			if hdr["alg"] != "none" || !strings.HasSuffix(raw, ".") {
				t.Errorf("header %v", hdr)
			}
		}},
		{"HS256 PEM", Faults{HS256WithPublicKey: true}, func(t *testing.T, raw string, hdr, _, _ map[string]any) {
			checkHMAC(t, raw, hdr, s.currentKey().publicPEM())
		}},
		{"HS256 DER", Faults{HS256WithPublicKeyDER: true}, func(t *testing.T, raw string, hdr, _, _ map[string]any) {
			checkHMAC(t, raw, hdr, s.currentKey().publicDER())
		}},
		{"no kid", Faults{NoKidSeveralKeys: true}, func(t *testing.T, raw string, hdr, _, _ map[string]any) {
			if _, ok := hdr["kid"]; ok {
				t.Errorf("kid present: %v", hdr)
			}
			if n := fetchJWKS(t, s).Len(); n < 2 {
				t.Errorf("JWKS has %d keys", n)
			}
			if err := verifyWithJWKS(t, s, raw); err != nil {
				t.Errorf("does not verify with any key: %v", err)
			}
		}},
		{"nonce", Faults{WrongNonce: true}, func(t *testing.T, _ string, _, c, _ map[string]any) {
			if c["nonce"] == "nonce-456" || c["nonce"] == nil {
				t.Errorf("nonce %v", c["nonce"])
			}
		}},
		{"at_hash", Faults{WrongAtHash: true}, func(t *testing.T, _ string, _, c, r map[string]any) {
			if c["at_hash"] == halfHash(r["access_token"].(string)) || c["at_hash"] == nil {
				t.Errorf("at_hash %v", c["at_hash"])
			}
		}},
		{"c_hash", Faults{WrongCHash: true}, func(t *testing.T, _ string, _, c, _ map[string]any) {
			if c["c_hash"] == nil {
				t.Error("no c_hash")
			}
		}},
		{"missing sub", Faults{MissingSub: true}, func(t *testing.T, _ string, _, c, _ map[string]any) {
			if _, ok := c["sub"]; ok {
				t.Error("sub present")
			}
		}},
		{"missing iat", Faults{MissingIat: true}, func(t *testing.T, _ string, _, c, _ map[string]any) {
			if _, ok := c["iat"]; ok {
				t.Error("iat present")
			}
		}},
		{"low LoA", Faults{LowLoA: true}, func(t *testing.T, _ string, _, c, _ map[string]any) {
			if c["acr"] != "LoA1" { // the request asks LoA2
				t.Errorf("acr %v", c["acr"])
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.SetFaults(tc.f)
			defer s.ClearFaults()
			resp := tokens(t, s, CitizenTechID)
			raw := resp["id_token"].(string)
			hdr, c, _ := decodeJWT(t, raw)
			tc.check(t, raw, hdr, c, resp)
		})
	}
	t.Run("cleared", func(t *testing.T) {
		raw := tokens(t, s, CitizenTechID)["id_token"].(string)
		if err := verifyWithJWKS(t, s, raw); err != nil {
			t.Fatal(err)
		}
		if n := fetchJWKS(t, s).Len(); n != 1 {
			t.Errorf("decoy key still published: %d keys", n)
		}
	})
}

func checkHMAC(t *testing.T, raw string, hdr map[string]any, secret []byte) {
	t.Helper()
	if hdr["alg"] != "HS256" {
		t.Fatalf("alg %v", hdr["alg"])
	}
	i := strings.LastIndexByte(raw, '.')
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(raw[:i]))
	if base64.RawURLEncoding.EncodeToString(mac.Sum(nil)) != raw[i+1:] {
		t.Error("HMAC is not keyed with the public key bytes")
	}
}

func TestUserInfoSubMismatchFault(t *testing.T) {
	s, _ := newTestServer(t)
	at := tokens(t, s, CitizenTechID)["access_token"].(string)
	s.SetFaults(Faults{UserInfoSubMismatch: true})
	r, _ := http.NewRequest(http.MethodGet, s.URL()+PathUserInfo, nil)
	r.Header.Set("Authorization", "Bearer "+at)
	_, m, _ := do(t, r)
	if m["sub"] == CitizenTechID || m["sub"] == nil || m["TechID"] != CitizenTechID {
		t.Errorf("sub %v TechID %v", m["sub"], m["TechID"])
	}
}

func TestTransportFaults(t *testing.T) {
	s, _ := newTestServer(t)
	t.Run("slow honours context", func(t *testing.T) {
		s.SetFaults(Faults{Slow: map[string]time.Duration{EndpointDiscovery: time.Hour}})
		defer s.ClearFaults()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+PathDiscovery, nil)
		start := time.Now()
		_, err := http.DefaultClient.Do(req)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
			t.Errorf("err %v after %v", err, time.Since(start))
		}
	})
	t.Run("slow then answers", func(t *testing.T) {
		s.SetFaults(Faults{Slow: map[string]time.Duration{EndpointJWKS: 50 * time.Millisecond}})
		defer s.ClearFaults()
		start := time.Now()
		resp, err := http.Get(s.URL() + PathJWKS)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || time.Since(start) < 50*time.Millisecond {
			t.Errorf("%d after %v", resp.StatusCode, time.Since(start))
		}
	})
	t.Run("fail", func(t *testing.T) {
		s.SetFaults(Faults{Fail: map[string]int{EndpointToken: http.StatusServiceUnavailable}})
		defer s.ClearFaults()
		p := newAuthParams()
		st, m := exchange(t, s, login(t, s, p, CitizenTechID), p, stylePost)
		if st != http.StatusServiceUnavailable || m["error"] != "temporarily_unavailable" {
			t.Errorf("%d %v", st, m)
		}
	})
	t.Run("oversized", func(t *testing.T) {
		s.SetFaults(Faults{Oversized: map[string]bool{EndpointJWKS: true}})
		defer s.ClearFaults()
		resp, err := http.Get(s.URL() + PathJWKS)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.ContentLength != -1 {
			t.Errorf("Content-Length %d announced", resp.ContentLength)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		if err != nil || n <= OversizedBytes {
			t.Errorf("read %d bytes, %v", n, err)
		}
	})
	t.Run("oversized client gives up", func(t *testing.T) {
		s.SetFaults(Faults{Oversized: map[string]bool{EndpointUserInfo: true}})
		defer s.ClearFaults()
		resp, err := http.Get(s.URL() + PathUserInfo)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if n != 1<<20 {
			t.Errorf("read %d", n)
		}
	})
	t.Run("unknown endpoint panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("no panic")
			}
		}()
		s.SetFaults(Faults{Fail: map[string]int{"tokne": 500}})
	})
}

func TestSetFaultsConcurrent(t *testing.T) {
	s, _ := newTestServer(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			s.SetFaults(Faults{WrongNonce: true, Slow: map[string]time.Duration{EndpointJWKS: time.Millisecond}})
			s.ClearFaults()
		}()
		go func() {
			defer wg.Done()
			resp, err := http.Get(s.URL() + PathJWKS)
			if err == nil {
				resp.Body.Close()
			}
			tokens(t, s, CitizenTechID)
		}()
	}
	wg.Wait()
}

func TestMintIDToken(t *testing.T) {
	s, clk := newTestServer(t)
	c := s.IDTokenClaims("rp-1", CitizenLoA4TechID)
	if c["acr"] != "LoA4" || c["sub"] != CitizenLoA4TechID || num(c["iat"]) != clk.Now().Unix() {
		t.Errorf("claims %v", c)
	}
	c["custom"] = "x"
	raw := s.MintIDToken(c)
	if err := verifyWithJWKS(t, s, raw); err != nil {
		t.Fatal(err)
	}
	_, got, _ := decodeJWT(t, raw)
	if got["custom"] != "x" || got["azp"] != "rp-1" {
		t.Errorf("%v", got)
	}
	if _, ok := c["nonce"]; ok {
		t.Error("caller's map changed")
	}
	raw = s.MintIDToken(c, MintFaults(Faults{AlgNone: true, WrongNonce: true}), MintType("logout+jwt"))
	hdr, got, _ := decodeJWT(t, raw)
	if hdr["alg"] != "none" || hdr["typ"] != "logout+jwt" || got["nonce"] == nil {
		t.Errorf("%v %v", hdr, got)
	}
	defer func() {
		if recover() == nil {
			t.Error("unknown TechID did not panic")
		}
	}()
	s.IDTokenClaims("rp-1", "nobody")
}
