package vnconnect

import (
	"context"
	"strings"
	"testing"
)

// FuzzVerifyIDToken mutates a valid token: no input may panic, and none but
// the original may verify (a mutation that still verified would mean two
// encodings of one signed token, or a signature check that can be skipped).
func FuzzVerifyIDToken(f *testing.F) {
	good := vtMint(f, vtToken{kid: "k1"})
	h, rest, _ := strings.Cut(good, ".")
	p, s, _ := strings.Cut(rest, ".")
	f.Add(good)
	f.Add(h + "." + p + ".")
	f.Add(h + "." + p + "." + s + "=")
	f.Add(h + ".." + s)
	f.Add(good[:len(good)-1] + "B")
	f.Add(vtUnsigned(map[string]any{"alg": "none"}, vtClaims(), ""))
	f.Add(vtUnsigned(map[string]any{"alg": "RS256", "crit": []string{"b64"}, "b64": false}, vtClaims(), s))
	f.Add("eyJhbGciOiJSUzI1NiJ9.e30.AAAA")
	f.Add(strings.Repeat(".", 3))

	v := vtVerifier(f, vtStatic(f, PublicKey{KeyID: "k1", Key: &vtRSAKeyA().PublicKey}), nil)
	params := VerifyParams{Nonce: vtNonce, AccessToken: vtAccessToken}
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := v.Verify(context.Background(), raw, params)
		if err == nil && raw != good {
			t.Fatalf("mutated token verified: %q", raw)
		}
		if err == nil && tok.Subject != vtSubject {
			t.Fatal("claims lost")
		}
	})
}
