package vnconnecttest

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestTokenCodeGrant(t *testing.T) {
	for _, style := range []struct {
		name  string
		style authStyle
	}{{"client_secret_post", stylePost}, {"client_secret_basic", styleBasic}} {
		t.Run(style.name, func(t *testing.T) {
			s, clk := newTestServer(t)
			p := newAuthParams()
			st, m := exchange(t, s, login(t, s, p, CitizenTechID), p, style.style)
			if st != http.StatusOK {
				t.Fatalf("status %d: %v", st, m)
			}
			for _, k := range []string{"access_token", "refresh_token", "id_token"} {
				if m[k] == "" || m[k] == nil {
					t.Errorf("%s missing", k)
				}
			}
			if m["token_type"] != "Bearer" || num(m["expires_in"]) != 3600 {
				t.Errorf("token_type/expires_in: %v %v", m["token_type"], m["expires_in"])
			}
			idt := m["id_token"].(string)
			if err := verifyWithJWKS(t, s, idt); err != nil {
				t.Fatalf("ID token does not verify with the JWKS: %v", err)
			}
			hdr, c, _ := decodeJWT(t, idt)
			if hdr["alg"] != "RS256" || hdr["kid"] != s.KeyID() {
				t.Errorf("header %v", hdr)
			}
			now := clk.Now().Unix()
			want := map[string]any{
				"iss": s.Issuer(), "sub": CitizenTechID, "azp": DefaultClientID, "nonce": "nonce-456",
				"acr": "LoA2", "at_hash": halfHash(m["access_token"].(string)),
			}
			for k, v := range want {
				if c[k] != v {
					t.Errorf("%s = %v, want %v", k, c[k], v)
				}
			}
			if aud := audience(c); len(aud) != 1 || aud[0] != DefaultClientID {
				t.Errorf("aud %v", c["aud"])
			}
			if num(c["iat"]) != now || num(c["auth_time"]) != now || num(c["exp"]) != now+3600 {
				t.Errorf("times iat=%v auth_time=%v exp=%v now=%d", c["iat"], c["auth_time"], c["exp"], now)
			}
			if sid, _ := c["sid"].(string); len(sid) != 36 {
				t.Errorf("sid %v", c["sid"])
			}
		})
	}
}

func TestTokenErrors(t *testing.T) {
	s, clk := newTestServer(t)
	s.RegisterClient(ClientReg{ID: "other", Secret: "other-secret"})

	t.Run("wrong secret", func(t *testing.T) {
		for _, style := range []authStyle{stylePost, styleBasic} {
			st, m, h := post(t, s, PathToken, url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}, style, DefaultClientID, "nope")
			if st != http.StatusUnauthorized || m["error"] != "invalid_client" || h.Get("WWW-Authenticate") == "" {
				t.Errorf("style %d: %d %v", style, st, m)
			}
		}
	})
	t.Run("both auth methods", func(t *testing.T) {
		v := url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "client_secret": {DefaultClientSecret}}
		st, m, _ := post(t, s, PathToken, v, styleBasic, DefaultClientID, DefaultClientSecret)
		if st != http.StatusBadRequest || m["error"] != "invalid_request" {
			t.Errorf("%d %v", st, m)
		}
	})

	cases := []struct {
		name  string
		edit  func(v url.Values)
		clock time.Duration
		want  string
	}{
		{"wrong verifier", func(v url.Values) { v.Set("code_verifier", "wrong-verifier-0123456789-0123456789-0123456789") }, 0, "invalid_grant"},
		{"missing verifier", func(v url.Values) { v.Del("code_verifier") }, 0, "invalid_request"},
		{"short verifier", func(v url.Values) { v.Set("code_verifier", "short") }, 0, "invalid_request"},
		{"redirect mismatch", func(v url.Values) { v.Set("redirect_uri", "http://127.0.0.1:8080/other") }, 0, "invalid_grant"},
		{"expired code", func(url.Values) {}, 61 * time.Second, "invalid_grant"},
		{"unknown code", func(v url.Values) { v.Set("code", "nonexistent") }, 0, "invalid_grant"},
		{"no code", func(v url.Values) { v.Del("code") }, 0, "invalid_request"},
		{"bad grant type", func(v url.Values) { v.Set("grant_type", "password") }, 0, "unsupported_grant_type"},
		{"no grant type", func(v url.Values) { v.Del("grant_type") }, 0, "invalid_request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newAuthParams()
			code := login(t, s, p, CitizenTechID)
			clk.Advance(tc.clock)
			v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testRedirect}, "code_verifier": {p.verifier}}
			tc.edit(v)
			st, m, _ := post(t, s, PathToken, v, stylePost, DefaultClientID, DefaultClientSecret)
			if st != http.StatusBadRequest || m["error"] != tc.want {
				t.Errorf("%d %v, want 400 %s", st, m, tc.want)
			}
		})
	}
	t.Run("code of another client", func(t *testing.T) {
		p := newAuthParams()
		code := login(t, s, p, CitizenTechID)
		v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testRedirect}, "code_verifier": {p.verifier}}
		st, m, _ := post(t, s, PathToken, v, stylePost, "other", "other-secret")
		if st != http.StatusBadRequest || m["error"] != "invalid_grant" {
			t.Errorf("%d %v", st, m)
		}
	})
	t.Run("GET refused", func(t *testing.T) {
		resp, err := http.Get(s.URL() + PathToken)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
}

// A wrong verifier spends the code: the right one cannot follow.
func TestPKCEFailureSpendsCode(t *testing.T) {
	s, _ := newTestServer(t)
	p := newAuthParams()
	code := login(t, s, p, CitizenTechID)
	bad := p
	bad.verifier = "attacker-guess-0123456789-0123456789-0123456789"
	if st, m := exchange(t, s, code, bad, stylePost); st != http.StatusBadRequest || m["error"] != "invalid_grant" {
		t.Fatalf("wrong verifier: %d %v", st, m)
	}
	if st, m := exchange(t, s, code, p, stylePost); st != http.StatusBadRequest || m["error"] != "invalid_grant" {
		t.Fatalf("after failure: %d %v", st, m)
	}
}

func TestCodeReuseRevokesTokens(t *testing.T) {
	s, _ := newTestServer(t)
	p := newAuthParams()
	code := login(t, s, p, CitizenTechID)
	st, m := exchange(t, s, code, p, stylePost)
	if st != http.StatusOK {
		t.Fatalf("first use: %d %v", st, m)
	}
	if st, m2 := exchange(t, s, code, p, stylePost); st != http.StatusBadRequest || m2["error"] != "invalid_grant" {
		t.Fatalf("second use: %d %v", st, m2)
	}
	if st := userInfoStatus(t, s, m["access_token"].(string)); st != http.StatusUnauthorized {
		t.Errorf("access token after code reuse: %d, want 401", st)
	}
	st, m3, _ := post(t, s, PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {m["refresh_token"].(string)}}, stylePost, DefaultClientID, DefaultClientSecret)
	if st != http.StatusBadRequest || m3["error"] != "invalid_grant" {
		t.Errorf("refresh after code reuse: %d %v", st, m3)
	}
}

func TestRefreshRotation(t *testing.T) {
	s, clk := newTestServer(t)
	first := tokens(t, s, CitizenFemaleTechID)
	_, c1, _ := decodeJWT(t, first["id_token"].(string))
	clk.Advance(10 * time.Minute)

	refresh := func(rt string, style authStyle) (int, map[string]any) {
		st, m, _ := post(t, s, PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, style, DefaultClientID, DefaultClientSecret)
		return st, m
	}
	st, second := refresh(first["refresh_token"].(string), styleBasic)
	if st != http.StatusOK {
		t.Fatalf("refresh: %d %v", st, second)
	}
	if second["refresh_token"] == first["refresh_token"] || second["access_token"] == first["access_token"] {
		t.Fatal("tokens not rotated")
	}
	_, c2, _ := decodeJWT(t, second["id_token"].(string))
	for _, k := range []string{"iss", "sub", "azp", "sid", "auth_time", "acr"} {
		if c1[k] != c2[k] {
			t.Errorf("%s changed on refresh: %v → %v", k, c1[k], c2[k])
		}
	}
	if _, ok := c2["nonce"]; ok {
		t.Error("refreshed ID token carries a nonce")
	}
	if num(c2["iat"]) != clk.Now().Unix() || c2["at_hash"] != halfHash(second["access_token"].(string)) {
		t.Errorf("refreshed iat/at_hash wrong: %v", c2)
	}
	// The old access token stays valid until it expires; the old refresh
	// token is spent, and presenting it revokes the family.
	if st := userInfoStatus(t, s, second["access_token"].(string)); st != http.StatusOK {
		t.Fatalf("new access token: %d", st)
	}
	if st, m := refresh(first["refresh_token"].(string), stylePost); st != http.StatusBadRequest || m["error"] != "invalid_grant" {
		t.Fatalf("reuse: %d %v", st, m)
	}
	if st := userInfoStatus(t, s, second["access_token"].(string)); st != http.StatusUnauthorized {
		t.Errorf("family not revoked on reuse: %d", st)
	}
	if st, _ := refresh(second["refresh_token"].(string), stylePost); st != http.StatusBadRequest {
		t.Errorf("newest refresh token survived reuse: %d", st)
	}
}

func TestRefreshExpiry(t *testing.T) {
	s, clk := newTestServer(t)
	m := tokens(t, s, CitizenTechID)
	clk.Advance(DefaultRefreshTokenTTL + time.Second)
	st, m2, _ := post(t, s, PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {m["refresh_token"].(string)}}, stylePost, DefaultClientID, DefaultClientSecret)
	if st != http.StatusBadRequest || m2["error"] != "invalid_grant" {
		t.Errorf("%d %v", st, m2)
	}
}

func TestPublicClient(t *testing.T) {
	s, _ := newTestServer(t, WithClient(ClientReg{ID: "spa"}))
	p := newAuthParams()
	p.v.Set("client_id", "spa")
	code := login(t, s, p, CitizenTechID)
	v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testRedirect}, "code_verifier": {p.verifier}, "client_id": {"spa"}}
	st, m, _ := post(t, s, PathToken, v, -1, "", "")
	if st != http.StatusOK {
		t.Fatalf("%d %v", st, m)
	}
}
