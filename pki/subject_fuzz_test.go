package pki_test

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"
	"unicode/utf8"

	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/pki/pkitest"
)

// FuzzParseSubject feeds arbitrary DER through the path a certificate's
// subject takes (asn1 → pkix.RDNSequence → pkix.Name) into ParseSubject:
// it must not panic, and what it returns must respect the limits.
func FuzzParseSubject(f *testing.F) {
	for _, n := range []pkix.Name{exampleName(), pkitest.AgencySubject("VĂN PHÒNG", "000.00.00.G22", "0100101107"), {}} {
		der, err := asn1.Marshal(n.ToRDNSequence())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		var rdns pkix.RDNSequence
		if _, err := asn1.Unmarshal(der, &rdns); err != nil {
			return
		}
		var n pkix.Name
		n.FillFromRDNSequence(&rdns)
		s, err := pki.ParseSubject(n)
		if err != nil {
			if s != nil {
				t.Fatal("subject with an error")
			}
			return
		}
		if len(s.UIDs) > pki.MaxSubjectAttributes {
			t.Fatalf("%d UIDs", len(s.UIDs))
		}
		for _, f := range []string{s.CommonName, s.Organization, s.Email, s.TaxCode} {
			if len(f) > pki.MaxSubjectValueLen || !utf8.ValidString(f) {
				t.Fatalf("field over the limits: %q", f)
			}
		}
		for _, u := range s.UIDs {
			if u.Kind == pki.UIDUnknown && u.Err != nil {
				t.Fatal("unknown UID with an error")
			}
		}
		_, _ = s.AgencyCode()
		_, _ = s.MST()
		_, _ = s.PersonalID()
	})
}

// FuzzParseUID: any string, no panic; a valid UID's value parses again to
// itself (the normal form is stable).
func FuzzParseUID(f *testing.F) {
	for _, s := range []string{"MST:0400260612", "QĐ:1/QĐ-UBND", "QD\u0335:x", "PID:123456789", "MDV:000.00.00.H41", "HC:c1234567", ":", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u := pki.ParseUID(raw)
		if u.Raw != raw {
			t.Fatal("Raw changed")
		}
		if u.Valid() {
			again := pki.ParseUID(string(u.Kind) + ":" + u.Value)
			if again.Kind != u.Kind || again.Value != u.Value || again.Err != nil {
				t.Fatalf("%q → %+v → %+v", raw, u, again)
			}
		}
	})
}
