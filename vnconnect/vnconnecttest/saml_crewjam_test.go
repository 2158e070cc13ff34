package vnconnecttest

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/crewjam/saml"
)

func TestSAMLMetadataParsesWithCrewjam(t *testing.T) {
	s := newSAMLServer(t)
	resp, err := http.Get(s.SAMLMetadataURL())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/samlmetadata+xml" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var md saml.EntityDescriptor
	if err := xml.Unmarshal(b, &md); err != nil {
		t.Fatal(err)
	}
	if md.EntityID != s.SAMLEntityID() || len(md.IDPSSODescriptors) != 1 {
		t.Fatalf("%+v", md)
	}
	d := md.IDPSSODescriptors[0]
	if len(d.SingleSignOnServices) != 2 || d.SingleSignOnServices[0].Location != s.URL()+PathSAMLSSO || len(d.SingleLogoutServices) != 2 {
		t.Errorf("endpoints %+v %+v", d.SingleSignOnServices, d.SingleLogoutServices)
	}
	if len(d.KeyDescriptors) != 1 || d.KeyDescriptors[0].Use != "signing" {
		t.Fatalf("keys %+v", d.KeyDescriptors)
	}
	cert, err := parseBase64Cert(d.KeyDescriptors[0].KeyInfo.X509Data.X509Certificates[0].Data)
	if err != nil || !cert.Equal(s.SAMLCertificate()) {
		t.Errorf("certificate %v", err)
	}
	if !md.ValidUntil.After(s.now()) {
		t.Errorf("validUntil %v", md.ValidUntil)
	}
}

// A ServiceProvider of crewjam itself, not rpkit's, accepts what the fake
// issues: headless logins by both bindings, signed and unsigned requests,
// every signing policy, and IdP-initiated responses when it allows them.
func TestSAMLCrewjamSPAcceptsHeadlessLogin(t *testing.T) {
	s := newSAMLServer(t)
	for _, tc := range []struct {
		name    string
		sign    bool
		post    bool
		signing SAMLSigning
	}{
		{"redirect unsigned", false, false, SAMLSigningAssertion},
		{"redirect signed", true, false, SAMLSigningAssertion},
		{"post signed, response signed", true, true, SAMLSigningResponse},
		{"post unsigned, both signed", false, true, SAMLSigningBoth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg, _ := s.lookupSAMLSP(testSPEntity)
			reg.Signing = tc.signing
			s.RegisterSAMLServiceProvider(reg)
			sp := crewjamSP(t, s, tc.sign)
			var (
				acs   string
				form  url.Values
				err   error
				reqID string
			)
			if tc.post {
				req, err2 := sp.MakeAuthenticationRequest(s.SAMLSSOURL(), saml.HTTPPostBinding, saml.HTTPPostBinding)
				if err2 != nil {
					t.Fatal(err2)
				}
				// crewjam signs POST-binding requests itself when
				// SignatureMethod is set.
				if tc.sign != (req.Signature != nil) {
					t.Fatal("crewjam did not sign as configured")
				}
				reqID = req.ID
				doc := req.Element()
				raw := xmlBytes(t, doc)
				acs, form, err = s.SAMLLoginPOST(context.Background(), url.Values{"SAMLRequest": {b64std(raw)}, "RelayState": {"rs-1"}}, CitizenTechID)
			} else {
				u, err2 := sp.MakeRedirectAuthenticationRequest("rs-1")
				if err2 != nil {
					t.Fatal(err2)
				}
				in, _ := decodeSAMLRedirect(u.RawQuery)
				reqID = in.root.SelectAttrValue("ID", "")
				acs, form, err = s.SAMLLogin(context.Background(), u.String(), CitizenTechID)
			}
			if err != nil {
				t.Fatal(err)
			}
			if acs != testSPACS || form.Get("RelayState") != "rs-1" {
				t.Fatalf("acs %s form %v", acs, form)
			}
			a, err := sp.ParseResponse(acsRequest(acs, form), []string{reqID})
			if err != nil {
				t.Fatalf("crewjam ParseResponse: %v (%v)", err, describe(err))
			}
			if a.Subject.NameID.Value != CitizenTechID || a.AuthnStatements[0].SessionIndex == "" {
				t.Errorf("subject %+v", a.Subject.NameID)
			}
			attrs := map[string][]string{}
			for _, at := range a.AttributeStatements[0].Attributes {
				for _, v := range at.Values {
					attrs[at.Name] = append(attrs[at.Name], v.Value)
				}
			}
			acct, _ := s.Account(CitizenTechID)
			if attrs["TechID"][0] != CitizenTechID || attrs["HoVaTen"][0] != acct.FullName || attrs["SoDinhDanh"][0] != acct.SoDinhDanh || attrs["LoaiTaiKhoan"][0] != "1" {
				t.Errorf("attributes %v", attrs)
			}
			if got := a.AuthnStatements[0].AuthnContext.AuthnContextClassRef.Value; got != acct.loa() {
				t.Errorf("AuthnContextClassRef %q", got)
			}
		})
	}
	t.Run("idp-initiated", func(t *testing.T) {
		sp := crewjamSP(t, s, false)
		sp.AllowIDPInitiated = true
		acs, form := s.SAMLIdPInitiated(testSPEntity, BusinessTechID)
		a, err := sp.ParseResponse(acsRequest(acs, form), nil)
		if err != nil {
			t.Fatalf("%v (%v)", err, describe(err))
		}
		if a.Subject.NameID.Value != BusinessTechID {
			t.Errorf("%+v", a.Subject.NameID)
		}
	})
	t.Run("minted with InResponseTo", func(t *testing.T) {
		sp := crewjamSP(t, s, false)
		form := url.Values{"SAMLResponse": {s.SAMLResponse(testSPEntity, CitizenTechID, SAMLInResponseTo("id-abc"))}}
		if _, err := sp.ParseResponse(acsRequest(testSPACS, form), []string{"id-abc"}); err != nil {
			t.Fatalf("%v (%v)", err, describe(err))
		}
	})
}

// describe unwraps crewjam's InvalidResponseError, whose message hides
// the reason.
func describe(err error) string {
	if ire, ok := err.(*saml.InvalidResponseError); ok {
		return ire.PrivateErr.Error()
	}
	return ""
}
