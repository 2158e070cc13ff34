package saml

import (
	"strings"
	"time"

	"github.com/beevik/etree"
)

// XML namespaces and protocol constants.
const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsDSig      = "http://www.w3.org/2000/09/xmldsig#"
	nsEnc       = "http://www.w3.org/2001/04/xmlenc#"

	statusSuccess     = "urn:oasis:names:tc:SAML:2.0:status:Success"
	cmBearer          = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
	bindingRedirect   = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
	bindingPOST       = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
	nameIDUnspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
	samlVersion       = "2.0"
)

// The helpers below look elements up by namespace URI and local name, so
// a prefix games (saml2:Assertion, a default namespace, a rebound "saml")
// change nothing. They only look at direct children: the SAML schema
// fixes where each element lives, and a search of the whole subtree is
// how signature-wrapping attacks get an unsigned element read.

// is reports whether el is {ns}local.
func is(el *etree.Element, ns, local string) bool {
	return el.Tag == local && el.NamespaceURI() == ns
}

// children returns the direct children {ns}local of el.
func children(el *etree.Element, ns, local string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if is(c, ns, local) {
			out = append(out, c)
		}
	}
	return out
}

// optionalChild returns the only child {ns}local, nil when there is
// none, and ErrMalformed when there are several.
func optionalChild(el *etree.Element, ns, local string) (*etree.Element, error) {
	var found *etree.Element
	for _, c := range el.ChildElements() {
		if is(c, ns, local) {
			if found != nil {
				return nil, errf(ErrMalformed, "repeated <%s>", local)
			}
			found = c
		}
	}
	return found, nil
}

// oneChild is optionalChild that also refuses a missing child.
func oneChild(el *etree.Element, ns, local string) (*etree.Element, error) {
	c, err := optionalChild(el, ns, local)
	if err == nil && c == nil {
		err = errf(ErrMalformed, "missing <%s>", local)
	}
	return c, err
}

// countDescendants counts {ns}local anywhere under and including el.
func countDescendants(el *etree.Element, ns, local string) int {
	n := 0
	if is(el, ns, local) {
		n++
	}
	for _, c := range el.ChildElements() {
		n += countDescendants(c, ns, local)
	}
	return n
}

// text returns the element's whole character content. An element with
// child elements is refused: a value split by markup is exactly the
// ambiguity comment injection exploits. (Comments and CDATA never reach
// this point; checkRawXML refuses them.)
func text(el *etree.Element) (string, error) {
	var b strings.Builder
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.CharData:
			b.WriteString(t.Data)
		case *etree.Element:
			return "", errf(ErrMalformed, "<%s> has child elements", el.Tag)
		default:
			return "", errf(ErrMalformed, "<%s> has unexpected content", el.Tag)
		}
	}
	return b.String(), nil
}

// trimmedText is text with surrounding XML whitespace removed; used for
// URIs, IDs and codes, never for attribute values the IdP asserts.
func trimmedText(el *etree.Element) (string, error) {
	s, err := text(el)
	return strings.Trim(s, " \t\r\n"), err
}

// attr returns an unqualified attribute's value ("" when absent).
func attr(el *etree.Element, name string) string {
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == name {
			return a.Value
		}
	}
	return ""
}

// timeAttr parses an xs:dateTime attribute. required=false returns the
// zero time for an absent attribute. A zone is required: a local time
// would be read differently by the IdP and by us.
func timeAttr(el *etree.Element, name string, required bool) (time.Time, error) {
	v := attr(el, name)
	if v == "" {
		if required {
			return time.Time{}, errf(ErrMalformed, "missing %s", name)
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, errf(ErrMalformed, "bad %s", name)
	}
	return t, nil
}

// issuer checks the optional-or-required <Issuer> child against want.
func checkIssuer(el *etree.Element, want string, required bool) error {
	iss, err := optionalChild(el, nsAssertion, "Issuer")
	if err != nil {
		return err
	}
	if iss == nil {
		if required {
			return errf(ErrIssuer, "missing Issuer")
		}
		return nil
	}
	v, err := trimmedText(iss)
	if err != nil {
		return err
	}
	if f := attr(iss, "Format"); f != "" && f != "urn:oasis:names:tc:SAML:2.0:nameid-format:entity" {
		return errf(ErrIssuer, "Issuer format is not entity")
	}
	if v != want {
		return errf(ErrIssuer, "Issuer is not the IdP")
	}
	return nil
}

// checkVersion refuses anything but SAML 2.0 messages.
func checkVersion(el *etree.Element) error {
	if attr(el, "Version") != samlVersion {
		return errf(ErrMalformed, "Version is not 2.0")
	}
	if attr(el, "ID") == "" {
		return errf(ErrMalformed, "missing ID")
	}
	return nil
}

// checkStatus returns nil for Success and a *StatusError otherwise.
func checkStatus(el *etree.Element) error {
	st, err := oneChild(el, nsProtocol, "Status")
	if err != nil {
		return err
	}
	code, err := oneChild(st, nsProtocol, "StatusCode")
	if err != nil {
		return err
	}
	v := attr(code, "Value")
	if v == statusSuccess {
		return nil
	}
	se := &StatusError{Code: safeStatus(v)}
	if sub, _ := optionalChild(code, nsProtocol, "StatusCode"); sub != nil {
		se.SubCode = safeStatus(attr(sub, "Value"))
	}
	return se
}
