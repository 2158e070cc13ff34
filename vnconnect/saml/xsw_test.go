package saml

import (
	"testing"

	"github.com/beevik/etree"
)

// XML Signature Wrapping, after Somorovsky et al., "On Breaking SAML"
// (2012) and SAML Raider's XSW1–XSW8. In each, the attacker keeps a
// genuinely signed original (for the victim) and adds an evil copy (for
// "attacker"), arranging the tree so that a naive SP verifies one element
// and reads the other. Here every arrangement must fail closed, and the
// evil NameID must never come back.

const evilName = "attacker"

// xswOriginal returns a correctly signed response and its assertion.
func xswOriginal(reqID string, signResponse bool) *etree.Element {
	return mint{inResponseTo: reqID, nameID: "victim", signResponse: signResponse, signAssertion: !signResponse}.response()
}

func evilize(a *etree.Element, newID string) *etree.Element {
	e := a.Copy()
	if newID != "" {
		e.RemoveAttr("ID")
		e.CreateAttr("ID", newID)
	}
	e.FindElement("./Subject/NameID").SetText(evilName)
	e.FindElement("./AttributeStatement/Attribute[@Name='TechID']/AttributeValue").SetText("00000000-0000-0000-0000-000000000000")
	return e
}

func removeSignature(el *etree.Element) *etree.Element {
	c := el.Copy()
	if s := c.FindElement("./Signature"); s != nil {
		c.RemoveChild(s)
	}
	return c
}

func dsObject(sig *etree.Element) *etree.Element {
	o := sig.CreateElement("ds:Object")
	return o
}

func TestXSW(t *testing.T) {
	testKeys(t)
	cases := []struct {
		name  string
		build func(reqID string) *etree.Element
	}{
		{"XSW1 evil response, signed original inside its Signature", func(id string) *etree.Element {
			orig := xswOriginal(id, true)
			evil := removeSignature(orig)
			evil.RemoveAttr("ID")
			evil.CreateAttr("ID", "_evil")
			ea := evil.FindElement("./Assertion")
			evil.RemoveChild(ea)
			evil.AddChild(evilize(ea, ""))
			sig := orig.FindElement("./Signature").Copy()
			dsObject(sig).AddChild(orig.Copy())
			evil.InsertChildAt(1, sig)
			return evil
		}},
		{"XSW2 evil response, signed original beside the detached Signature", func(id string) *etree.Element {
			orig := xswOriginal(id, true)
			evil := removeSignature(orig)
			evil.RemoveAttr("ID")
			evil.CreateAttr("ID", "_evil")
			ea := evil.FindElement("./Assertion")
			evil.RemoveChild(ea)
			evil.AddChild(evilize(ea, ""))
			sig := orig.FindElement("./Signature").Copy()
			evil.InsertChildAt(1, orig.Copy())
			evil.InsertChildAt(2, sig)
			return evil
		}},
		{"XSW3 evil assertion before the signed one", func(id string) *etree.Element {
			r := xswOriginal(id, false)
			a := r.FindElement("./Assertion")
			evil := removeSignature(evilize(a, "_evil"))
			r.InsertChildAt(a.Index(), evil)
			return r
		}},
		{"XSW4 evil assertion wrapping the signed one", func(id string) *etree.Element {
			r := xswOriginal(id, false)
			a := r.FindElement("./Assertion")
			evil := removeSignature(evilize(a, "_evil"))
			r.RemoveChild(a)
			evil.AddChild(a)
			r.AddChild(evil)
			return r
		}},
		{"XSW5 evil assertion carrying the copied signature, original appended", func(id string) *etree.Element {
			r := xswOriginal(id, false)
			a := r.FindElement("./Assertion")
			evil := evilize(a, "") // same ID, same Signature element
			r.RemoveChild(a)
			r.AddChild(evil)
			r.AddChild(removeSignature(a))
			return r
		}},
		{"XSW6 evil assertion, signed original inside the copied signature", func(id string) *etree.Element {
			r := xswOriginal(id, false)
			a := r.FindElement("./Assertion")
			evil := evilize(a, "")
			evil.FindElement("./Signature").AddChild(a.Copy())
			r.RemoveChild(a)
			r.AddChild(evil)
			return r
		}},
		{"XSW7 signed original in Extensions, evil assertion in place", func(id string) *etree.Element {
			r := xswOriginal(id, false)
			a := r.FindElement("./Assertion")
			r.RemoveChild(a)
			ext := etree.NewElement("samlp:Extensions")
			ext.AddChild(a)
			r.InsertChildAt(1, ext)
			r.AddChild(removeSignature(evilize(a, "")))
			return r
		}},
		{"XSW8 evil assertion, unsigned original in the Signature's Object", func(id string) *etree.Element {
			r := xswOriginal(id, false)
			a := r.FindElement("./Assertion")
			evil := evilize(a, "")
			dsObject(evil.FindElement("./Signature")).AddChild(removeSignature(a))
			r.RemoveChild(a)
			r.AddChild(evil)
			return r
		}},
		{"single evil assertion with the original's signature", func(id string) *etree.Element {
			// Only one assertion, so the count rule does not fire: the
			// digest must.
			r := xswOriginal(id, false)
			a := r.FindElement("./Assertion")
			r.RemoveChild(a)
			r.AddChild(evilize(a, ""))
			return r
		}},
		{"signed response wrapping an unsigned evil assertion", func(id string) *etree.Element {
			r := xswOriginal(id, true)
			a := r.FindElement("./Assertion")
			r.RemoveChild(a)
			r.AddChild(evilize(a, ""))
			return r
		}},
		{"signed response moved under an unsigned evil response", func(id string) *etree.Element {
			orig := xswOriginal(id, true)
			evil := etree.NewElement("samlp:Response")
			evil.CreateAttr("xmlns:samlp", nsProtocol)
			evil.CreateAttr("xmlns:saml", nsAssertion)
			for _, a := range orig.Attr {
				if a.Key != "ID" && a.Space == "" {
					evil.CreateAttr(a.Key, a.Value)
				}
			}
			evil.CreateAttr("ID", "_evil")
			evil.AddChild(orig.FindElement("./Issuer").Copy())
			evil.AddChild(orig.FindElement("./Status").Copy())
			evil.AddChild(evilize(orig.FindElement("./Assertion"), "_evila"))
			ext := evil.CreateElement("samlp:Extensions")
			ext.AddChild(orig)
			return evil
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sp := testSP(t)
			id := pending(t, sp)
			a, err := post(t, sp, b64(xmlOf(tc.build(id))))
			checkRefused(t, a, err, []error{ErrSignature, ErrMalformed})
			t.Log(err)
		})
	}
}

// TestXSWControl shows the originals the XSW cases start from are
// accepted, so the refusals above are due to the wrapping.
func TestXSWControl(t *testing.T) {
	testKeys(t)
	for _, signResponse := range []bool{true, false} {
		sp := testSP(t)
		a, err := post(t, sp, b64(xmlOf(xswOriginal(pending(t, sp), signResponse))))
		if err != nil || a.NameID != "victim" {
			t.Fatalf("signResponse=%v: %v %+v", signResponse, err, a)
		}
	}
}
