package vnconnecttest

import (
	"net/url"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

// sigParents lists the local names of the elements that carry a
// ds:Signature in a minted response.
func sigParents(doc *etree.Document) []string {
	var out []string
	for _, sig := range doc.FindElements("//Signature") {
		out = append(out, sig.Parent().Tag)
	}
	return out
}

// Each fault option produces its fault: crewjam's own SP, which accepts
// the unfaulted response, refuses each one, and the XML shows why.
func TestSAMLResponseFaults(t *testing.T) {
	s := newSAMLServer(t)
	sp := crewjamSP(t, s, false)
	parse := func(b64 string) error {
		_, err := sp.ParseResponse(acsRequest(testSPACS, url.Values{"SAMLResponse": {b64}}), []string{"req-1"})
		return err
	}
	if err := parse(s.SAMLResponse(testSPEntity, CitizenTechID, SAMLInResponseTo("req-1"))); err != nil {
		t.Fatalf("baseline refused: %v (%s)", err, describe(err))
	}
	for _, tc := range []struct {
		name  string
		opt   SAMLOption
		check func(*etree.Document) bool
	}{
		{"unsigned", SAMLUnsigned(), func(d *etree.Document) bool { return len(sigParents(d)) == 0 }},
		{"other key", SAMLSignedByOtherKey(), func(d *etree.Document) bool {
			c := d.FindElement("//X509Certificate")
			return c != nil && c.Text() != b64std(s.SAMLCertificate().Raw)
		}},
		{"expired", SAMLExpired(), func(d *etree.Document) bool {
			return d.FindElement("//Conditions").SelectAttrValue("NotOnOrAfter", "") < s.now().UTC().Format("2006-01-02T15:04:05")
		}},
		{"not yet valid", SAMLNotYetValid(), func(d *etree.Document) bool {
			return d.FindElement("//Conditions").SelectAttrValue("NotBefore", "") > s.now().UTC().Format("2006-01-02T15:04:05")
		}},
		{"wrong audience", SAMLWrongAudience(), func(d *etree.Document) bool { return d.FindElement("//Audience").Text() == samlEvilSP }},
		{"wrong recipient", SAMLWrongRecipient(), func(d *etree.Document) bool {
			return d.FindElement("//SubjectConfirmationData").SelectAttrValue("Recipient", "") == samlEvilACS
		}},
		{"wrong destination", SAMLWrongDestination(), func(d *etree.Document) bool {
			return d.Root().SelectAttrValue("Destination", "") == samlEvilACS
		}},
		{"wrong issuer", SAMLWrongIssuer(), func(d *etree.Document) bool { return d.FindElement("//Issuer").Text() == samlEvilIdP }},
		{"wrong InResponseTo", SAMLInResponseTo("req-other"), func(d *etree.Document) bool {
			return d.Root().SelectAttrValue("InResponseTo", "") == "req-other"
		}},
		{"comment in NameID after signing", SAMLMutateXML(func(d *etree.Document) {
			n := d.FindElement("//NameID")
			n.SetText("")
			n.CreateText(CitizenTechID)
			n.CreateComment("x")
			n.CreateText("-evil")
		}), func(d *etree.Document) bool { return strings.Contains(xmlString(d), "<!--x-->") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b64 := s.SAMLResponse(testSPEntity, CitizenTechID, SAMLInResponseTo("req-1"), tc.opt)
			if !tc.check(decodeResponse(t, b64)) {
				t.Errorf("fault not in the XML:\n%s", xmlString(decodeResponse(t, b64)))
			}
			if err := parse(b64); err == nil {
				t.Error("crewjam accepted it")
			}
		})
	}
}

func xmlString(d *etree.Document) string {
	s, _ := d.WriteToString()
	return s
}

func TestSAMLSigningPolicies(t *testing.T) {
	s := newSAMLServer(t)
	sp := crewjamSP(t, s, false)
	for _, tc := range []struct {
		name string
		opt  SAMLOption
		want string
	}{
		{"default: assertion", nil, "Assertion"},
		{"assertion only", SAMLSignAssertionOnly(), "Assertion"},
		{"response only", SAMLSignResponseOnly(), "Response"},
		{"both", SAMLSignBoth(), "Assertion,Response"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := []SAMLOption{SAMLInResponseTo("r")}
			if tc.opt != nil {
				opts = append(opts, tc.opt)
			}
			b64 := s.SAMLResponse(testSPEntity, CitizenTechID, opts...)
			got := sigParents(decodeResponse(t, b64))
			if strings.Join(sortedCopy(got), ",") != tc.want {
				t.Errorf("signatures on %v", got)
			}
			if _, err := sp.ParseResponse(acsRequest(testSPACS, url.Values{"SAMLResponse": {b64}}), []string{"r"}); err != nil {
				t.Errorf("%v (%s)", err, describe(err))
			}
		})
	}
	t.Run("mutate before signing is covered", func(t *testing.T) {
		b64 := s.SAMLResponse(testSPEntity, CitizenTechID, SAMLInResponseTo("r"), SAMLSignBoth(), SAMLMutateBeforeSigning(func(d *etree.Document) {
			d.FindElement("//Attribute[@Name='HoVaTen']/AttributeValue").SetText("Người Khác")
		}))
		a, err := sp.ParseResponse(acsRequest(testSPACS, url.Values{"SAMLResponse": {b64}}), []string{"r"})
		if err != nil {
			t.Fatalf("%v (%s)", err, describe(err))
		}
		for _, at := range a.AttributeStatements[0].Attributes {
			if at.Name == "HoVaTen" && at.Values[0].Value != "Người Khác" {
				t.Errorf("HoVaTen %q", at.Values[0].Value)
			}
		}
	})
	t.Run("same response twice", func(t *testing.T) {
		// Replay detection is the SP's job: the helper only has to make
		// two posts of one response possible, and two mints distinct.
		a, b := s.SAMLResponse(testSPEntity, CitizenTechID), s.SAMLResponse(testSPEntity, CitizenTechID)
		ida := decodeResponse(t, a).FindElement("//Assertion").SelectAttrValue("ID", "")
		idb := decodeResponse(t, b).FindElement("//Assertion").SelectAttrValue("ID", "")
		if ida == idb || ida == "" {
			t.Errorf("assertion IDs %q %q", ida, idb)
		}
	})
}

func sortedCopy(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
