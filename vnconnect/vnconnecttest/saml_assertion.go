package vnconnecttest

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/crewjam/saml"
)

// SAMLAssertionTTL is how long an assertion may be presented: WSO2's
// default of five minutes.
const SAMLAssertionTTL = 5 * time.Minute

const (
	nameIDPersistent  = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
	nameIDEntity      = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
	attrNameBasic     = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
	bearerMethod      = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
	samlVersion       = "2.0"
	samlProtocolNS    = "urn:oasis:names:tc:SAML:2.0:protocol"
	samlAssertionNS   = "urn:oasis:names:tc:SAML:2.0:assertion"
	statusAuthnFailed = "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"
)

// samlGrant is one successful SAML login: what goes into the assertion.
type samlGrant struct {
	sp           SAMLSP
	account      Account
	inResponseTo string
	sessionIndex string // the SSO session's sid
	authnInstant time.Time
}

// samlID is a message or assertion ID: an NCName (so it cannot start with
// a digit) with 160 random bits, as crewjam and WSO2 make them.
func (s *Server) samlID() string { return "_" + hex.EncodeToString(s.randomBytes(20)) }

func (s *Server) samlIssuer(m samlMint) *saml.Issuer {
	v := s.SAMLEntityID()
	if m.wrongIssuer {
		v = samlEvilIdP
	}
	return &saml.Issuer{Format: nameIDEntity, Value: v}
}

// buildAssertion makes the assertion of g with the faults of m applied.
// Every instant is set here from the server's clock: crewjam's own
// builders read its package-level TimeNow.
func (s *Server) buildAssertion(g samlGrant, m samlMint) *saml.Assertion {
	now := samlTime(s.now())
	issued, notBefore, notAfter := now, now, now.Add(SAMLAssertionTTL)
	switch {
	case m.expired:
		issued, notBefore, notAfter = now.Add(-2*time.Hour), now.Add(-2*time.Hour), now.Add(-time.Hour)
	case m.notYetValid:
		notBefore, notAfter = now.Add(time.Hour), now.Add(time.Hour+SAMLAssertionTTL)
	}
	audience, recipient := g.sp.EntityID, g.sp.ACSURL
	if m.wrongAudience {
		audience = samlEvilSP
	}
	if m.wrongRecipient {
		recipient = samlEvilACS
	}
	authnInstant := samlTime(g.authnInstant)
	if m.expired {
		authnInstant = issued
	}
	return &saml.Assertion{
		ID:           s.samlID(),
		IssueInstant: issued,
		Version:      samlVersion,
		Issuer:       *s.samlIssuer(m),
		Subject: &saml.Subject{
			NameID: &saml.NameID{
				Format:          nameIDPersistent,
				NameQualifier:   s.SAMLEntityID(),
				SPNameQualifier: g.sp.EntityID,
				Value:           g.account.TechID,
			},
			SubjectConfirmations: []saml.SubjectConfirmation{{
				Method: bearerMethod,
				SubjectConfirmationData: &saml.SubjectConfirmationData{
					InResponseTo: g.inResponseTo,
					NotOnOrAfter: notAfter,
					Recipient:    recipient,
				},
			}},
		},
		Conditions: &saml.Conditions{
			NotBefore:            notBefore,
			NotOnOrAfter:         notAfter,
			AudienceRestrictions: []saml.AudienceRestriction{{Audience: saml.Audience{Value: audience}}},
		},
		AuthnStatements: []saml.AuthnStatement{{
			AuthnInstant:        authnInstant,
			SessionIndex:        g.sessionIndex,
			SessionNotOnOrAfter: nil,
			AuthnContext: saml.AuthnContext{
				AuthnContextClassRef: &saml.AuthnContextClassRef{Value: g.account.loa()},
			},
		}},
		AttributeStatements: []saml.AttributeStatement{{Attributes: samlAttributes(g.account)}},
	}
}

// samlAttributes carries Account.Claims under the same names UserInfo
// uses, so an SP maps them exactly as an OIDC RP maps UserInfo. Every value
// is an xs:string (numbers in decimal); a list (loAs) is one value each.
// Names are sorted so a response is reproducible.
func samlAttributes(a Account) []saml.Attribute {
	claims := a.Claims()
	names := make([]string, 0, len(claims))
	for k := range claims {
		names = append(names, k)
	}
	slices.Sort(names)
	out := make([]saml.Attribute, 0, len(names))
	for _, k := range names {
		attr := saml.Attribute{Name: k, NameFormat: attrNameBasic}
		for _, v := range attributeStrings(claims[k]) {
			attr.Values = append(attr.Values, saml.AttributeValue{Type: "xs:string", Value: v})
		}
		out = append(out, attr)
	}
	return out
}

func attributeStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case int:
		return []string{strconv.Itoa(x)}
	case []string:
		return x
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, attributeStrings(e)...)
		}
		return out
	case fmt.Stringer:
		return []string{x.String()}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return []string{fmt.Sprint(v)}
	}
	if s, err := strconv.Unquote(string(b)); err == nil {
		return []string{s}
	}
	return []string{string(b)}
}

// buildResponse is the samlp:Response around an assertion (added by the
// caller after signing it), or an error status when assertion is nil.
func (s *Server) buildResponse(destination, inResponseTo string, m samlMint, status saml.Status) *saml.Response {
	if m.wrongDest {
		destination = samlEvilACS
	}
	return &saml.Response{
		ID:           s.samlID(),
		InResponseTo: inResponseTo,
		Version:      samlVersion,
		IssueInstant: samlTime(s.now()),
		Destination:  destination,
		Issuer:       s.samlIssuer(m),
		Status:       status,
	}
}

func statusSuccess() saml.Status {
	return saml.Status{StatusCode: saml.StatusCode{Value: saml.StatusSuccess}}
}

// statusError is a top-level code with a second-level one and a message,
// e.g. Responder/AuthnFailed when the user cancels.
func statusError(top, second, msg string) saml.Status {
	st := saml.Status{StatusCode: saml.StatusCode{Value: top}}
	if second != "" {
		st.StatusCode.StatusCode = &saml.StatusCode{Value: second}
	}
	if msg != "" {
		st.StatusMessage = &saml.StatusMessage{Value: msg}
	}
	return st
}
