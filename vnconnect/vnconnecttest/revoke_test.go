package vnconnecttest

import (
	"net/http"
	"net/url"
	"testing"
)

func TestRevoke(t *testing.T) {
	s, _ := newTestServer(t, WithClient(ClientReg{ID: "other", Secret: "other-secret"}))
	revoke := func(token, hint string, style authStyle, id, secret string) (int, map[string]any) {
		v := url.Values{"token": {token}}
		if hint != "" {
			v.Set("token_type_hint", hint)
		}
		st, m, _ := post(t, s, PathRevoke, v, style, id, secret)
		return st, m
	}
	t.Run("access token", func(t *testing.T) {
		tok := tokens(t, s, CitizenTechID)
		if st, _ := revoke(tok["access_token"].(string), "access_token", styleBasic, DefaultClientID, DefaultClientSecret); st != http.StatusOK {
			t.Fatalf("%d", st)
		}
		if st := userInfoStatus(t, s, tok["access_token"].(string)); st != http.StatusUnauthorized {
			t.Errorf("revoked token works: %d", st)
		}
	})
	t.Run("refresh token revokes its access tokens", func(t *testing.T) {
		tok := tokens(t, s, CitizenTechID)
		// A wrong hint does not matter (RFC 7009 §2.1).
		if st, _ := revoke(tok["refresh_token"].(string), "access_token", stylePost, DefaultClientID, DefaultClientSecret); st != http.StatusOK {
			t.Fatalf("%d", st)
		}
		if st := userInfoStatus(t, s, tok["access_token"].(string)); st != http.StatusUnauthorized {
			t.Errorf("access token survived: %d", st)
		}
		st, m, _ := post(t, s, PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}, stylePost, DefaultClientID, DefaultClientSecret)
		if st != http.StatusBadRequest || m["error"] != "invalid_grant" {
			t.Errorf("refresh after revoke: %d %v", st, m)
		}
	})
	t.Run("unknown token is success", func(t *testing.T) {
		if st, _ := revoke("nope", "", stylePost, DefaultClientID, DefaultClientSecret); st != http.StatusOK {
			t.Errorf("%d", st)
		}
	})
	t.Run("another client's token", func(t *testing.T) {
		tok := tokens(t, s, CitizenTechID)
		if st, m := revoke(tok["access_token"].(string), "", stylePost, "other", "other-secret"); st != http.StatusBadRequest || m["error"] != "unauthorized_client" {
			t.Errorf("%d %v", st, m)
		}
		if st := userInfoStatus(t, s, tok["access_token"].(string)); st != http.StatusOK {
			t.Error("revoked by another client")
		}
	})
	t.Run("errors", func(t *testing.T) {
		if st, m := revoke("", "", stylePost, DefaultClientID, DefaultClientSecret); st != http.StatusBadRequest || m["error"] != "invalid_request" {
			t.Errorf("no token: %d %v", st, m)
		}
		if st, m := revoke("x", "", styleBasic, DefaultClientID, "bad"); st != http.StatusUnauthorized || m["error"] != "invalid_client" {
			t.Errorf("bad client: %d %v", st, m)
		}
	})
}

func TestIntrospect(t *testing.T) {
	s, clk := newTestServer(t, WithClient(ClientReg{ID: "api", Secret: "api-secret"}))
	tok := tokens(t, s, CitizenTechID)
	intro := func(token string, style authStyle, id, secret string) (int, map[string]any) {
		st, m, _ := post(t, s, PathIntrospect, url.Values{"token": {token}}, style, id, secret)
		return st, m
	}
	st, m := intro(tok["access_token"].(string), styleBasic, "api", "api-secret")
	if st != http.StatusOK || m["active"] != true || m["client_id"] != DefaultClientID || m["sub"] != CitizenTechID ||
		m["token_type"] != "Bearer" || num(m["exp"]) != clk.Now().Unix()+3600 || m["iss"] != s.Issuer() || m["scope"] != "openid" {
		t.Errorf("access: %d %v", st, m)
	}
	if _, m := intro(tok["refresh_token"].(string), stylePost, DefaultClientID, DefaultClientSecret); m["active"] != true || m["token_type"] != "refresh_token" {
		t.Errorf("refresh: %v", m)
	}
	if _, m := intro("unknown", stylePost, DefaultClientID, DefaultClientSecret); len(m) != 1 || m["active"] != false {
		t.Errorf("unknown: %v", m)
	}
	if st, m := intro(tok["access_token"].(string), stylePost, DefaultClientID, "wrong"); st != http.StatusUnauthorized {
		t.Errorf("unauthenticated: %d %v", st, m)
	}
	if st, m := intro("", stylePost, DefaultClientID, DefaultClientSecret); st != http.StatusBadRequest {
		t.Errorf("no token: %d %v", st, m)
	}
	clk.Advance(DefaultAccessTokenTTL)
	if _, m := intro(tok["access_token"].(string), stylePost, DefaultClientID, DefaultClientSecret); m["active"] != false {
		t.Errorf("expired: %v", m)
	}
}
