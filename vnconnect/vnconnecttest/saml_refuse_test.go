package vnconnecttest

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"

	"github.com/crewjam/saml"
)

// /samlsso refuses what it cannot trust, answering nobody.
func TestSAMLRefusesBadAuthnRequests(t *testing.T) {
	s := newSAMLServer(t)
	sp := crewjamSP(t, s, false)
	post := func(mut func(*saml.AuthnRequest)) url.Values {
		req, err := sp.MakeAuthenticationRequest(s.SAMLSSOURL(), saml.HTTPPostBinding, saml.HTTPPostBinding)
		if err != nil {
			t.Fatal(err)
		}
		mut(req)
		return url.Values{"SAMLRequest": {b64std(xmlBytes(t, req.Element()))}}
	}
	deflated := func(b []byte) string {
		var buf bytes.Buffer
		w, _ := flate.NewWriter(&buf, flate.BestCompression)
		_, _ = w.Write(b)
		_ = w.Close()
		return url.QueryEscape(base64.StdEncoding.EncodeToString(buf.Bytes()))
	}
	for _, tc := range []struct {
		name string
		form url.Values
		url  string
	}{
		{"unknown SP", post(func(r *saml.AuthnRequest) { r.Issuer.Value = "https://unknown.invalid" }), ""},
		{"foreign ACS", post(func(r *saml.AuthnRequest) { r.AssertionConsumerServiceURL = samlEvilACS }), ""},
		{"wrong destination", post(func(r *saml.AuthnRequest) { r.Destination = samlEvilIdP }), ""},
		{"artifact binding", post(func(r *saml.AuthnRequest) { r.ProtocolBinding = saml.HTTPArtifactBinding }), ""},
		{"doctype", url.Values{"SAMLRequest": {b64std([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`))}}, ""},
		{"deflate bomb", nil, s.SAMLSSOURL() + "?SAMLRequest=" + deflated(bytes.Repeat([]byte("<a>"), 1<<20))},
		{"bad query signature", nil, func() string {
			u, _ := crewjamSP(t, s, true).MakeRedirectAuthenticationRequest("")
			return strings.Replace(u.String(), "Signature=", "Signature=AAAA", 1)
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.url != "" {
				_, _, err = s.SAMLLogin(context.Background(), tc.url, CitizenTechID)
			} else {
				_, _, err = s.SAMLLoginPOST(context.Background(), tc.form, CitizenTechID)
			}
			if err == nil {
				t.Error("accepted")
			}
		})
	}
	t.Run("unsigned when required", func(t *testing.T) {
		reg, _ := s.lookupSAMLSP(testSPEntity)
		reg.RequireSignedRequests = true
		s.RegisterSAMLServiceProvider(reg)
		u, _ := sp.MakeRedirectAuthenticationRequest("")
		if _, _, err := s.SAMLLogin(context.Background(), u.String(), CitizenTechID); err == nil {
			t.Error("unsigned request accepted")
		}
		u, _ = crewjamSP(t, s, true).MakeRedirectAuthenticationRequest("")
		if _, _, err := s.SAMLLogin(context.Background(), u.String(), CitizenTechID); err != nil {
			t.Errorf("signed request refused: %v", err)
		}
	})
	t.Run("browser gets an error page", func(t *testing.T) {
		resp, _ := newBrowser(t).post(s.SAMLSSOURL(), post(func(r *saml.AuthnRequest) { r.Issuer.Value = "https://unknown.invalid" }))
		if resp.StatusCode != 400 {
			t.Errorf("%d", resp.StatusCode)
		}
	})
}

func TestSAMLSPFromMetadata(t *testing.T) {
	s := newSAMLServer(t)
	sp := crewjamSP(t, s, false)
	sp.EntityID = "http://127.0.0.1:9300/md"
	sp.LogoutBindings = []string{saml.HTTPRedirectBinding}
	md := sp.Metadata()
	raw, err := xml.Marshal(md)
	if err != nil {
		t.Fatal(err)
	}
	s.RegisterSAMLServiceProvider(SAMLSP{MetadataXML: raw})
	got, ok := s.lookupSAMLSP(sp.EntityID)
	if !ok || got.ACSURL != testSPACS || got.SLOURL != testSPSLO || got.Certificate == nil {
		t.Errorf("%+v", got)
	}
}
