package vnconnect

import (
	"errors"
	"testing"
	"time"
)

func FuzzParseIntrospection(f *testing.F) {
	f.Add([]byte(`{"active":true,"exp":1700000000,"aud":["a","b"],"scope":"openid"}`))
	f.Add([]byte(`{"active":"true"}`))
	f.Add([]byte(`{"active":false,"exp":"1e300","aud":7}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := parseIntrospection(b)
		if err == nil && in == nil {
			t.Fatal("nil result without error")
		}
		if err != nil && !errors.Is(err, ErrInvalidResponse) {
			t.Fatalf("untyped error: %v", err)
		}
	})
}

func FuzzTokenResponseExpiresIn(f *testing.F) {
	for _, s := range []string{`3600`, `"3600"`, `-1`, `1e300`, `null`, `"abc"`, `NaN`, `9223372036`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := tokenResponse{ExpiresIn: []byte(s)}
		if d := r.expiresIn(); d < 0 {
			t.Fatalf("negative lifetime %v from %q", d, s)
		}
	})
}

func TestParseIntrospection(t *testing.T) {
	in, err := parseIntrospection([]byte(`{"active":true,"scope":"openid profile","client_id":"c","username":"u@carbon.super",
		"token_type":"Bearer","exp":1700003600,"iat":"1700000000","sub":"s","aud":"c","iss":"https://x/oauth2/token","nbf":1700000000.5}`))
	if err != nil {
		t.Fatal(err)
	}
	if !in.Active || in.Scope != "openid profile" || in.ClientID != "c" || in.Username != "u@carbon.super" ||
		in.TokenType != "Bearer" || in.Sub != "s" || in.Iss != "https://x/oauth2/token" ||
		len(in.Aud) != 1 || in.Aud[0] != "c" {
		t.Fatalf("fields: %+v", in)
	}
	if !in.Exp.Equal(time.Unix(1700003600, 0)) || !in.Iat.Equal(time.Unix(1700000000, 0)) ||
		!in.Nbf.Equal(time.Unix(1700000000, 5e8)) {
		t.Fatalf("times: %v %v %v", in.Exp, in.Iat, in.Nbf)
	}
	in, err = parseIntrospection([]byte(`{"active":false,"aud":["a","b"]}`))
	if err != nil || in.Active || len(in.Aud) != 2 {
		t.Fatalf("inactive: %+v %v", in, err)
	}
	for _, bad := range []string{`{}`, `{"active":"true"}`, `{"active":null}`, `[]`, `null`, `x`} {
		if _, err := parseIntrospection([]byte(bad)); !errors.Is(err, ErrInvalidResponse) {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
}
