package saml

import (
	"crypto/x509"
	"errors"
	"time"

	"github.com/beevik/etree"
	"github.com/jonboulle/clockwork"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// errNoSignature is internal: the element has no <ds:Signature> child.
// Whether that is acceptable is the policy's decision, not the verifier's.
var errNoSignature = errors.New("saml: element not signed")

// Algorithms accepted in SignedInfo. SHA-1 is refused unless
// Config.InsecureAllowSHA1 is set (see there).
var (
	strongSignatureMethods = map[string]bool{
		dsig.RSASHA256SignatureMethod:   true,
		dsig.RSASHA384SignatureMethod:   true,
		dsig.RSASHA512SignatureMethod:   true,
		dsig.ECDSASHA256SignatureMethod: true,
		dsig.ECDSASHA384SignatureMethod: true,
		dsig.ECDSASHA512SignatureMethod: true,
	}
	strongDigests = map[string]bool{
		"http://www.w3.org/2001/04/xmlenc#sha256":       true,
		"http://www.w3.org/2001/04/xmldsig-more#sha384": true,
		"http://www.w3.org/2001/04/xmlenc#sha512":       true,
	}
	sha1SignatureMethods = map[string]bool{
		dsig.RSASHA1SignatureMethod:   true,
		dsig.ECDSASHA1SignatureMethod: true,
	}
	sha1Digest = "http://www.w3.org/2000/09/xmldsig#sha1"
)

// verifier checks enveloped XML signatures with goxmldsig against the IdP
// metadata certificates and nothing else. The signature mathematics,
// canonicalisation and digest comparison are goxmldsig's; this type only
// decides which element must be signed and refuses shapes goxmldsig would
// tolerate but a strict SP should not.
type verifier struct {
	vc        *dsig.ValidationContext
	allowSHA1 bool
}

// funcClock adapts Config.Clock to the clockwork.Clock goxmldsig wants
// (it checks the certificate's validity period). Only Now is used.
type funcClock struct {
	clockwork.Clock
	now func() time.Time
}

func (c funcClock) Now() time.Time { return c.now() }

func newVerifier(certs []*x509.Certificate, now func() time.Time, allowSHA1 bool) *verifier {
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: certs})
	vc.IdAttribute = "ID"
	vc.Clock = dsig.NewFakeClock(funcClock{Clock: clockwork.NewRealClock(), now: now})
	return &verifier{vc: vc, allowSHA1: allowSHA1}
}

// verify checks the signature that is a direct child of el and covers el
// (Reference URI = "#" + el's ID), and returns the element rebuilt from
// the exact bytes the signature covers. Callers read only from that
// returned element: whatever else the document holds (a second assertion,
// an evil copy around the signed one) is not there.
//
// It returns errNoSignature when el has no Signature child, and an error
// wrapping ErrSignature for anything else that is wrong.
func (v *verifier) verify(el *etree.Element) (*etree.Element, error) {
	sig, err := optionalChild(el, nsDSig, "Signature")
	if err != nil {
		return nil, errf(ErrSignature, "several signatures")
	}
	if sig == nil {
		return nil, errNoSignature
	}
	if err := v.checkShape(el, sig); err != nil {
		return nil, err
	}
	// Give the element the namespace declarations it inherits, as
	// canonicalisation needs them (crewjam does the same).
	ctx, err := etreeutils.NSBuildParentContext(el)
	if err != nil {
		return nil, errf(ErrMalformed, "namespace context")
	}
	detached, err := etreeutils.NSDetatch(ctx, el)
	if err != nil {
		return nil, errf(ErrMalformed, "namespace context")
	}
	verified, err := v.vc.Validate(detached)
	if err != nil {
		// goxmldsig's message may quote the document; keep it out.
		return nil, errf(ErrSignature, "%s does not verify with the IdP certificate", el.Tag)
	}
	if verified == nil || verified.Tag != el.Tag || attr(verified, "ID") != attr(el, "ID") {
		return nil, errf(ErrSignature, "signed content is not the %s", el.Tag)
	}
	return verified, nil
}

// checkShape refuses a Signature that references anything but el itself,
// references more than one thing, or uses SHA-1 without permission.
func (v *verifier) checkShape(el, sig *etree.Element) error {
	id := attr(el, "ID")
	if id == "" {
		return errf(ErrSignature, "signed element has no ID")
	}
	si, err := oneChild(sig, nsDSig, "SignedInfo")
	if err != nil {
		return errf(ErrSignature, "bad SignedInfo")
	}
	refs := children(si, nsDSig, "Reference")
	if len(refs) != 1 || attr(refs[0], "URI") != "#"+id {
		return errf(ErrSignature, "signature does not reference the %s", el.Tag)
	}
	sm, err := oneChild(si, nsDSig, "SignatureMethod")
	if err != nil {
		return errf(ErrSignature, "bad SignatureMethod")
	}
	dm, err := oneChild(refs[0], nsDSig, "DigestMethod")
	if err != nil {
		return errf(ErrSignature, "bad DigestMethod")
	}
	alg, dig := attr(sm, "Algorithm"), attr(dm, "Algorithm")
	okAlg := strongSignatureMethods[alg] || v.allowSHA1 && sha1SignatureMethods[alg]
	okDig := strongDigests[dig] || v.allowSHA1 && dig == sha1Digest
	if !okAlg || !okDig {
		return errf(ErrSignature, "signature or digest algorithm not allowed")
	}
	return nil
}
