package vnconnecttest

import (
	"net/http"
	"testing"
)

func TestJWKS(t *testing.T) {
	s, _ := newTestServer(t)
	resp, err := http.Get(s.URL() + PathJWKS)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Cache-Control") == "" || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", resp.Header)
	}
	set := fetchJWKS(t, s)
	k, _ := set.Key(0)
	if set.Len() != 1 || k.KeyID() != s.KeyID() || k.Algorithm().String() != "RS256" || k.KeyUsage() != "sig" {
		t.Errorf("key %v", k)
	}
	if _, ok := k.Get("d"); ok {
		t.Fatal("private key published")
	}
}

func TestRotateKeys(t *testing.T) {
	s, _ := newTestServer(t)
	oldKid := s.KeyID()
	old := tokens(t, s, CitizenTechID)["id_token"].(string)
	s.RotateKeys()
	if s.KeyID() == oldKid {
		t.Fatal("kid unchanged")
	}
	fresh := tokens(t, s, CitizenTechID)["id_token"].(string)
	hdr, _, _ := decodeJWT(t, fresh)
	if hdr["kid"] != s.KeyID() {
		t.Errorf("new token kid %v", hdr["kid"])
	}
	if n := fetchJWKS(t, s).Len(); n != 2 {
		t.Errorf("JWKS has %d keys, want 2", n)
	}
	for name, raw := range map[string]string{"old": old, "new": fresh} {
		if err := verifyWithJWKS(t, s, raw); err != nil {
			t.Errorf("%s token: %v", name, err)
		}
	}
	s.RemoveRetiredKeys()
	if err := verifyWithJWKS(t, s, old); err == nil {
		t.Error("old token verifies after its key was removed")
	}
	if err := verifyWithJWKS(t, s, fresh); err != nil {
		t.Error(err)
	}
}

func TestRotateKeysDropRetired(t *testing.T) {
	s, _ := newTestServer(t, WithDropRetiredKeys())
	old := tokens(t, s, CitizenTechID)["id_token"].(string)
	s.RotateKeys()
	if n := fetchJWKS(t, s).Len(); n != 1 {
		t.Errorf("JWKS has %d keys", n)
	}
	if err := verifyWithJWKS(t, s, old); err == nil {
		t.Error("old token verifies")
	}
}
