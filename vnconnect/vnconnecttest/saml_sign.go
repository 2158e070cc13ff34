package vnconnecttest

import (
	"encoding/base64"
	"fmt"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// signEnveloped adds an enveloped XML-DSig signature (goxmldsig) to el,
// placed right after its saml:Issuer as the SAML schema requires. el may
// sit inside a larger document: it is signed detached with the namespaces
// it inherits, which is how a verifier canonicalises it too.
func signEnveloped(key samlKey, el *etree.Element) error {
	nsctx, err := etreeutils.NSBuildParentContext(el)
	if err != nil {
		return err
	}
	detached, err := etreeutils.NSDetatch(nsctx, el)
	if err != nil {
		return err
	}
	sig, err := key.signingContext().ConstructSignature(detached, true)
	if err != nil {
		return fmt.Errorf("vnconnecttest: sign %s: %w", el.Tag, err)
	}
	at := 0
	for i, c := range el.Child {
		if ce, ok := c.(*etree.Element); ok && ce.Tag == "Issuer" {
			at = i + 1
			break
		}
	}
	el.InsertChildAt(at, sig)
	return nil
}

// firstChild is el's first child element with the local name tag.
func firstChild(el *etree.Element, tag string) *etree.Element {
	for _, c := range el.ChildElements() {
		if c.Tag == tag {
			return c
		}
	}
	return nil
}

// samlDocument builds the Response document: the assertion (if any) inside
// the response, the before-signing hooks, the signatures, the
// after-signing hooks. It returns the serialised XML.
func (s *Server) samlDocument(resp *saml.Response, assertion *saml.Assertion, signing SAMLSigning, m samlMint) []byte {
	root := resp.Element()
	if assertion != nil {
		root.AddChild(assertion.Element())
	}
	doc := etree.NewDocument()
	doc.SetRoot(root)
	for _, f := range m.before {
		f(doc)
	}
	key := s.saml.idp
	if m.otherKey {
		key = s.otherSAMLKey()
	}
	if signing == SAMLSigningAssertion || signing == SAMLSigningBoth {
		// The assertion is signed first so the response's signature, when
		// there is one, covers the assertion's.
		if a := firstChild(doc.Root(), "Assertion"); a != nil {
			if err := signEnveloped(key, a); err != nil {
				panic(err)
			}
		}
	}
	// An error response has no assertion to sign, so it is signed itself
	// whatever the policy: an SP can still tell it came from the IdP.
	if signing == SAMLSigningResponse || signing == SAMLSigningBoth || (assertion == nil && signing != samlSigningNone) {
		if err := signEnveloped(key, doc.Root()); err != nil {
			panic(err)
		}
	}
	for _, f := range m.after {
		f(doc)
	}
	b, err := doc.WriteToBytes()
	if err != nil {
		panic(fmt.Sprintf("vnconnecttest: serialise SAML response: %v", err))
	}
	return b
}

// signingFor is the policy for sp unless a mint option overrides it.
func signingFor(sp SAMLSP, m samlMint) SAMLSigning {
	if m.signingSet {
		return m.signing
	}
	return sp.Signing
}

// samlResponseXML is a complete, signed login response for g.
func (s *Server) samlResponseXML(g samlGrant, m samlMint) []byte {
	a := s.buildAssertion(g, m)
	r := s.buildResponse(g.sp.ACSURL, g.inResponseTo, m, statusSuccess())
	return s.samlDocument(r, a, signingFor(g.sp, m), m)
}

// samlErrorXML is a signed error Response (no assertion) for sp.
func (s *Server) samlErrorXML(sp SAMLSP, inResponseTo string, status saml.Status) []byte {
	r := s.buildResponse(sp.ACSURL, inResponseTo, samlMint{}, status)
	return s.samlDocument(r, nil, sp.Signing, samlMint{})
}

func b64std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
