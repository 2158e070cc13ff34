package remotesigntest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

// post calls a CSC method of s with the simulator's token.
func post(t *testing.T, s *Simulator, method string, in any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(in)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL()+"/"+method, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.BearerToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestSimulatorRefusesMisuse: the simulator enforces what a real service
// would — a SAD is single-use and bound to the confirmed hashes.
func TestSimulatorRefusesMisuse(t *testing.T) {
	s := NewServer(t, Config{Default: Behaviour{Immediate: true}})
	hash := "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" // SHA-256 of ""
	status, out := post(t, s, "credentials/authorize", map[string]any{
		"credentialID": RSACredential, "numSignatures": 1, "hashes": []string{hash},
		"hashAlgorithmOID": oidSHA256, "clientData": "tx1",
	})
	if status != 200 || out["SAD"] == "" {
		t.Fatalf("authorize: %d %v", status, out)
	}
	sad := out["SAD"]
	other := "LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=" // SHA-256 of "foo"
	sign := func(h string) (int, map[string]any) {
		return post(t, s, "signatures/signHash", map[string]any{
			"credentialID": RSACredential, "SAD": sad, "hashes": []string{h},
			"hashAlgorithmOID": oidSHA256, "signAlgo": oidSHA256WithRSA,
		})
	}
	if status, _ := sign(other); status != 400 {
		t.Fatalf("signHash of unconfirmed hash: %d", status)
	}
	if status, out := sign(hash); status != 200 || len(out["signatures"].([]any)) != 1 {
		t.Fatalf("signHash: %d %v", status, out)
	}
	if status, _ := sign(hash); status != 400 {
		t.Fatalf("SAD reused: %d", status)
	}
	if status, _ := post(t, s, "credentials/info", map[string]any{"credentialID": "nope"}); status != 400 {
		t.Fatalf("unknown credential: %d", status)
	}
	if err := s.Answer("tx1", Confirm); err == nil {
		t.Fatal("answered a decided transaction")
	}
	if err := s.Answer("nope", Confirm); err == nil {
		t.Fatal("answered an unknown transaction")
	}
}

func TestCredentialPanicsOnUnknownID(t *testing.T) {
	s := NewServer(t, Config{})
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	s.Credential("nope")
}
