package saml

import (
	"errors"
	"time"

	"github.com/beevik/etree"
)

// checkedResponse is what the stateless checks of a Response extract; the
// ACS then applies the stateful ones (replay, InResponseTo).
type checkedResponse struct {
	assertionID  string
	inResponseTo string
	replayUntil  time.Time
	subject      subject
	attrs        []attribute
}

type subject struct {
	nameID, nameIDFormat string
	sessionIndex         string
	authnInstant         time.Time
	sessionNotOnOrAfter  time.Time
	authnContext         string
	notOnOrAfter         time.Time
}

type attribute struct {
	name   string
	values []string
}

// checkResponse applies every rule that needs no state: shape, signature
// policy, issuer, destination, status, time conditions, audience and
// recipient. It reads the assertion only from a verified element.
func (sp *ServiceProvider) checkResponse(d *idp, root *etree.Element, now time.Time) (*checkedResponse, error) {
	if !is(root, nsProtocol, "Response") {
		return nil, errf(ErrMalformed, "root is not a samlp:Response")
	}
	if err := checkVersion(root); err != nil {
		return nil, err
	}
	// Exactly one assertion in the whole document, wherever an attacker
	// might hide another (Extensions, a Signature's Object, inside the
	// signed assertion): the XSW family needs two.
	if countDescendants(root, nsAssertion, "EncryptedAssertion") > 0 {
		return nil, errf(ErrUnsupported, "encrypted assertions are not supported")
	}
	if countDescendants(root, nsAssertion, "Assertion") != 1 || len(children(root, nsAssertion, "Assertion")) != 1 {
		return nil, errf(ErrMalformed, "want exactly one Assertion, as a child of the Response")
	}

	resp, respSigned, err := sp.verifyOptional(d, root)
	if err != nil {
		return nil, err
	}
	if (sp.policy == SignatureResponse || sp.policy == SignatureBoth) && !respSigned {
		return nil, errf(ErrSignature, "the Response must be signed")
	}
	// From here on, resp is the verified Response when it was signed, so
	// the assertion below comes from signed bytes in that case.
	a, err := oneChild(resp, nsAssertion, "Assertion")
	if err != nil {
		return nil, err
	}
	mustSignAssertion := sp.policy == SignatureAssertion || sp.policy == SignatureBoth || !respSigned
	if mustSignAssertion {
		va, signed, err := sp.verifyOptional(d, a)
		if err != nil {
			return nil, err
		}
		if !signed {
			return nil, errf(ErrSignature, "the Assertion must be signed")
		}
		a = va
	}

	inResponseTo, err := sp.checkResponseEnvelope(d, resp, respSigned, now)
	if err != nil {
		return nil, err
	}
	out, err := sp.checkAssertion(d, a, now)
	if err != nil {
		return nil, err
	}
	if inResponseTo != "" && inResponseTo != out.inResponseTo {
		return nil, errf(ErrInResponseTo, "Response and Assertion disagree on InResponseTo")
	}
	return out, nil
}

// verifyOptional verifies el's signature when it has one.
func (sp *ServiceProvider) verifyOptional(d *idp, el *etree.Element) (*etree.Element, bool, error) {
	v, err := d.verifier.verify(el)
	if errors.Is(err, errNoSignature) {
		return el, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return v, true, nil
}

// checkResponseEnvelope checks the Response's own attributes and status
// and returns its InResponseTo.
func (sp *ServiceProvider) checkResponseEnvelope(d *idp, resp *etree.Element, signed bool, now time.Time) (string, error) {
	dest := attr(resp, "Destination")
	// SAML bindings §3.5.5.2: a signed message must carry Destination.
	if dest == "" && signed {
		return "", errf(ErrDestination, "signed Response without Destination")
	}
	if dest != "" && dest != sp.acsURL {
		return "", errf(ErrDestination, "Destination is not the ACS URL")
	}
	if err := checkIssuer(resp, d.entityID, false); err != nil {
		return "", err
	}
	if err := sp.checkIssueInstant(resp, now); err != nil {
		return "", err
	}
	if err := checkStatus(resp); err != nil {
		return "", err
	}
	return attr(resp, "InResponseTo"), nil
}

// checkIssueInstant refuses a message issued in the future or too long ago.
func (sp *ServiceProvider) checkIssueInstant(el *etree.Element, now time.Time) error {
	t, err := timeAttr(el, "IssueInstant", true)
	if err != nil {
		return err
	}
	if t.After(now.Add(sp.skew)) {
		return errf(ErrNotYetValid, "IssueInstant in the future")
	}
	if now.After(t.Add(sp.issueDelay + sp.skew)) {
		return errf(ErrExpired, "IssueInstant too old")
	}
	return nil
}
