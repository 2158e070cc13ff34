package vnconnecttest

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestDiscovery(t *testing.T) {
	s, _ := newTestServer(t)
	resp, err := http.Get(s.URL() + PathDiscovery)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"issuer":                 s.URL() + "/oauth2/token",
		"authorization_endpoint": s.URL() + "/oauth2/authorize",
		"token_endpoint":         s.URL() + "/oauth2/token",
		"userinfo_endpoint":      s.URL() + "/oauth2/userinfo",
		"jwks_uri":               s.URL() + "/oauth2/jwks",
		"revocation_endpoint":    s.URL() + "/oauth2/revoke",
		"introspection_endpoint": s.URL() + "/oauth2/introspect",
		"end_session_endpoint":   s.URL() + "/oidc/logout",
	}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s = %v, want %s", k, d[k], v)
		}
	}
	if s.Issuer() != want["issuer"] {
		t.Error("Issuer()")
	}
	if m, _ := d["code_challenge_methods_supported"].([]any); len(m) != 1 || m[0] != "S256" {
		t.Errorf("PKCE methods %v", d["code_challenge_methods_supported"])
	}
}

func TestNewServerLoopback(t *testing.T) {
	s, _ := newTestServer(t)
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Errorf("URL %s", s.URL())
	}
	if c := s.Client(); c.ID != DefaultClientID || c.Secret != DefaultClientSecret {
		t.Errorf("%+v", c)
	}
}

// New + Handler on a listener the caller owns, with a path prefix, as a
// development portal mounts it.
func TestStandalone(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String() + "/vnconnect"
	s, err := New(Config{BaseURL: base + "/", SigningKey: sharedKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/vnconnect/", http.StripPrefix("/vnconnect", s.Handler()))
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Shutdown(context.Background())

	if s.URL() != base || s.Issuer() != base+"/oauth2/token" {
		t.Fatalf("URL %s issuer %s", s.URL(), s.Issuer())
	}
	resp, err := http.Get(base + PathDiscovery)
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&d)
	resp.Body.Close()
	if d["jwks_uri"] != base+PathJWKS {
		t.Errorf("jwks_uri %v", d["jwks_uri"])
	}
	p := newAuthParams()
	code := login(t, s, p, OrganisationTechID)
	// s.URL() points at the prefix, so the helpers work unchanged.
	st, m := exchange(t, s, code, p, styleBasic)
	if st != http.StatusOK {
		t.Fatalf("%d %v", st, m)
	}
	if err := verifyWithJWKS(t, s, m["id_token"].(string)); err != nil {
		t.Error(err)
	}
	s.Close() // no-op for New
}

func TestNewConfigErrors(t *testing.T) {
	for _, base := range []string{"", "127.0.0.1:9000", "ftp://x", "http://x/?q=1", "http:///path"} {
		if _, err := New(Config{BaseURL: base, SigningKey: sharedKey(t)}); err == nil {
			t.Errorf("BaseURL %q accepted", base)
		}
	}
	if _, err := New(Config{BaseURL: "http://127.0.0.1:1", SigningKey: sharedKey(t), Clients: []ClientReg{{}}}); err == nil {
		t.Error("empty client ID accepted")
	}
	if _, err := New(Config{BaseURL: "http://127.0.0.1:1", SigningKey: sharedKey(t), Accounts: []Account{{TechID: CitizenTechID}}}); err == nil {
		t.Error("duplicate TechID accepted")
	}
}

func TestRegisterClientPanics(t *testing.T) {
	s, _ := newTestServer(t)
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	s.RegisterClient(ClientReg{})
}

// Rand and Clock are honoured per instance.
func TestInjectedRand(t *testing.T) {
	zero := zeroReader{}
	s, _ := newTestServer(t, WithRand(zero))
	if got := s.randomUUID(); got != "00000000-0000-4000-8000-000000000000" {
		t.Errorf("uuid from zero source %s", got)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
