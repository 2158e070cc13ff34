package saml

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

// FuzzParseResponse feeds mutated XML to the ACS. It must never panic,
// and whatever it accepts must say exactly what the signed original says:
// a mutation may at most touch bytes the signature does not cover
// (whitespace between attributes, the unsigned envelope's formatting).
//
//	go test -run '^$' -fuzz FuzzParseResponse -fuzztime 60s ./vnconnect/saml/
func FuzzParseResponse(f *testing.F) {
	testKeys(f)
	seeds := [][]byte{
		xmlOf(mint{signResponse: true}.response()),
		xmlOf(mint{signAssertion: true}.response()),
		xmlOf(mint{signAssertion: true, signResponse: true, nameID: "admin.evil"}.response()),
	}
	type want struct{ nameID, raw string }
	wants := map[string]want{}
	for _, s := range seeds {
		f.Add(s)
		sp := testSP(f, func(c *Config) { c.AllowIdPInitiated = true })
		a, err := sp.consume(context.Background(), b64(s), "", "")
		if err != nil {
			f.Fatalf("seed refused: %v", err)
		}
		raw, _ := json.Marshal(a.Identity.Raw)
		wants[a.AssertionID] = want{a.NameID, string(raw)}
	}
	f.Add([]byte(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]><x>&a;&a;</x>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		sp := testSP(t, func(c *Config) { c.AllowIdPInitiated = true })
		a, err := sp.consume(context.Background(), b64(doc), "", "")
		if err != nil {
			if bytes.Contains([]byte(err.Error()), []byte("<")) {
				t.Fatalf("error echoes markup: %v", err)
			}
			return
		}
		w, ok := wants[a.AssertionID]
		raw, _ := json.Marshal(a.Identity.Raw)
		if !ok || w.nameID != a.NameID || w.raw != string(raw) {
			t.Fatalf("accepted a mutated response: %+v", a)
		}
	})
}
