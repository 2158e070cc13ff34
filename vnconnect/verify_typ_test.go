package vnconnect

import (
	"context"
	"errors"
	"testing"
)

// A JWT access token (RFC 9068) or a logout token from the same issuer and
// for the same client must never pass as an ID token, even when the caller
// sends no nonce; a plain "JWT" typ (or none) is an ID token.
func TestVerifyRefusesOtherTokenTypes(t *testing.T) {
	v := vtVerifier(t, vtStatic(t, &vtRSAKeyA().PublicKey), nil)
	for _, tc := range []struct {
		typ  any
		want error
	}{
		{nil, nil},
		{"JWT", nil},
		{"at+jwt", ErrMalformedToken},
		{"application/at+jwt", ErrMalformedToken},
		{"AT+JWT", ErrMalformedToken},
		{"logout+jwt", ErrMalformedToken},
	} {
		hdr := map[string]any{}
		if tc.typ != nil {
			hdr["typ"] = tc.typ
		}
		raw := vtMint(t, vtToken{header: hdr})
		_, err := v.Verify(context.Background(), raw, VerifyParams{})
		if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("typ %v: err = %v, want %v", tc.typ, err, tc.want)
		}
	}
}
