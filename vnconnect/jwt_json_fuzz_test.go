package vnconnect

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"
)

// vtRefClaims is what encoding/json makes of the claims the verifier reads.
type vtRefClaims struct {
	Iss, Sub, Azp, Nonce, Acr, AtHash, CHash, Sid *string
	Aud                                           jwtAudience
	Exp, Iat, Nbf, AuthTime                       jwtTime
	Amr                                           []string
	Events                                        json.RawMessage
}

func (r *vtRefClaims) UnmarshalJSON(b []byte) error {
	var w struct {
		Iss      *string         `json:"iss"`
		Sub      *string         `json:"sub"`
		Azp      *string         `json:"azp"`
		Nonce    *string         `json:"nonce"`
		Acr      *string         `json:"acr"`
		AtHash   *string         `json:"at_hash"`
		CHash    *string         `json:"c_hash"`
		Sid      *string         `json:"sid"`
		Aud      jwtAudience     `json:"aud"`
		Exp      jwtTime         `json:"exp"`
		Iat      jwtTime         `json:"iat"`
		Nbf      jwtTime         `json:"nbf"`
		AuthTime jwtTime         `json:"auth_time"`
		Amr      []string        `json:"amr"`
		Events   json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = vtRefClaims(w)
	return nil
}

// The reference decoding of "aud" and NumericDates through encoding/json.

func (a *jwtAudience) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = jwtAudience{s}
	case len(b) > 0 && b[0] == '[':
		var ss []string
		if err := json.Unmarshal(b, &ss); err != nil {
			return err
		}
		*a = ss
	case string(b) == "null":
		*a = nil
	default:
		return errors.New("aud is neither a string nor an array of strings")
	}
	return nil
}

func (d *jwtTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = jwtTime{}
		return nil
	}
	return d.parse(string(b))
}

func vtDeref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func vtSameTime(a, b jwtTime) bool { return a.set == b.set && a.t.Equal(b.t) }

// FuzzJSONScanMatchesEncodingJSON is the differential test for jsonScan:
// whatever decodeIDTokenClaims accepts, encoding/json accepts too (it is
// valid JSON) and reads the same values. The reverse need not hold: the
// scanner is stricter by design (duplicates, case variants, bad UTF-8).
func FuzzJSONScanMatchesEncodingJSON(f *testing.F) {
	seed, _ := json.Marshal(vtClaims())
	f.Add(string(seed))
	f.Add(`{"iss":"a\u0041\ud83d\ude00","aud":"x","exp":1.5e9,"amr":[],"events":{"a":[1,{"b":null}]}}`)
	f.Add(`{"sub":"\ud800\u0041","SUB":"x"}`)
	f.Add(`{"sub":"a","sub":"b"}`)
	f.Add(`{"\u017fub":"x"}`)
	f.Add(` { "aud" : [ "a" , "b" ] , "nbf" : null , "x" : [ true , false , -0.0e+1 ] } `)
	f.Add(`{"exp":"1"}`)
	f.Add(`{"a":"\x80"}`)
	f.Add(`{}x`)
	f.Fuzz(func(t *testing.T, doc string) {
		var got idTokenClaims
		err := decodeIDTokenClaims(doc, &got)
		var hdr jwtHeader
		_ = decodeHeader(doc, &hdr)
		var lc logoutClaims
		_ = decodeLogoutClaims(doc, &lc)
		if err != nil {
			return
		}
		if !json.Valid([]byte(doc)) {
			t.Fatalf("scanner accepted invalid JSON %q", doc)
		}
		var ref vtRefClaims
		if err := json.Unmarshal([]byte(doc), &ref); err != nil {
			t.Fatalf("scanner accepted what encoding/json refuses (%v): %q", err, doc)
		}
		same := got.Issuer == vtDeref(ref.Iss) && got.Subject == vtDeref(ref.Sub) && got.AZP == vtDeref(ref.Azp) &&
			got.Nonce == vtDeref(ref.Nonce) && got.ACR == vtDeref(ref.Acr) && got.AtHash == vtDeref(ref.AtHash) &&
			got.CHash == vtDeref(ref.CHash) && got.SID == vtDeref(ref.Sid) &&
			slices.Equal(got.Audience, ref.Aud) && slices.Equal(got.AMR, ref.Amr) &&
			vtSameTime(got.Exp, ref.Exp) && vtSameTime(got.Iat, ref.Iat) && vtSameTime(got.Nbf, ref.Nbf) &&
			vtSameTime(got.AuthTime, ref.AuthTime) &&
			bytes.Equal([]byte(got.Events), ref.Events)
		if !same {
			t.Fatalf("scanner and encoding/json disagree on %q:\n%+v\n%+v", doc, got, ref)
		}
	})
}

func TestJSONScanStrictness(t *testing.T) {
	tests := []struct {
		doc string
		ok  bool
	}{
		{`{"iss":"a"}`, true},
		{`{"iss":"a","iss":"a"}`, false},
		{`{"iss":"a","ISS":"b"}`, false},
		{`{"Nonce":"x"}`, false},
		{`{"\u017fub":"x"}`, false},
		{`{"iss":"\xff"}`, false},
		{`{"x":"\xff"}`, false},
		{`{"iss":"a"} {}`, false},
		{"{}\x00", false},
		{`{"iss":"a",}`, false},
		{`{"x":` + string(bytes.Repeat([]byte("["), jsonMaxDepth+2)) + `]}`, false},
		{`{"exp":01}`, false},
		{`{"exp":1.}`, false},
		{`{"aud":["a",1]}`, false},
		{`{"amr":"pwd"}`, false},
		{`{"iss":"\u0061\/"}`, true},
		{`{"events":{"x":[1,2,{"y":"z"}]}}`, true},
	}
	for _, tt := range tests {
		var c idTokenClaims
		err := decodeIDTokenClaims(tt.doc, &c)
		if tt.ok != (err == nil) {
			t.Errorf("%q: err=%v", tt.doc, err)
		}
	}
	var c idTokenClaims
	if err := decodeIDTokenClaims(`{"iss":"\u0061\/","exp":1751356800.25}`, &c); err != nil || c.Issuer != "a/" ||
		!c.Exp.t.Equal(time.Unix(1751356800, 250_000_000)) {
		t.Fatalf("unescape/fraction: %+v %v", c, err)
	}
}
