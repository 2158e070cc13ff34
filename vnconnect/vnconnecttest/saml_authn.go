package vnconnecttest

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
)

// samlAuthn is a validated AuthnRequest (or an IdP-initiated start, with
// no request ID) waiting on the login page or answered from the SSO
// session.
type samlAuthn struct {
	sp         SAMLSP
	requestID  string // "" for IdP-initiated
	relayState string
	acr        string // highest LoA named in RequestedAuthnContext
	forceAuthn bool
	isPassive  bool
}

// ErrUnknownSAMLSP: the AuthnRequest or logout message names an issuer
// that is not registered, so there is nowhere trusted to answer.
var ErrUnknownSAMLSP = errors.New("vnconnecttest: unknown SAML service provider")

// parseAuthn turns an inbound AuthnRequest into a samlAuthn. Any error
// means no Response at all: the SP or its ACS cannot be trusted.
func (s *Server) parseAuthn(in *samlInbound) (*samlAuthn, error) {
	if in.kind() != "AuthnRequest" || in.param != "SAMLRequest" {
		return nil, fmt.Errorf("%w: expected an AuthnRequest", errSAMLMessage)
	}
	sp, ok := s.lookupSAMLSP(in.issuer())
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownSAMLSP, in.issuer())
	}
	el, err := s.verified(in, sp)
	if err != nil {
		return nil, err
	}
	var req saml.AuthnRequest
	if err := unmarshalElement(el, &req); err != nil {
		return nil, err
	}
	switch {
	case req.Issuer == nil || req.Issuer.Value != sp.EntityID:
		return nil, fmt.Errorf("%w: Issuer changed under the signature", errSAMLMessage)
	case req.ID == "" || req.Version != samlVersion:
		return nil, fmt.Errorf("%w: ID and Version 2.0 are required", errSAMLMessage)
	case req.Destination != "" && req.Destination != s.SAMLSSOURL():
		return nil, fmt.Errorf("%w: Destination %q is not %s", errSAMLMessage, req.Destination, s.SAMLSSOURL())
	case req.AssertionConsumerServiceURL != "" && req.AssertionConsumerServiceURL != sp.ACSURL:
		// Only the registered ACS may receive assertions, or anyone
		// could ask for one to be posted to them.
		return nil, fmt.Errorf("%w: AssertionConsumerServiceURL %q is not registered", errSAMLMessage, req.AssertionConsumerServiceURL)
	case req.ProtocolBinding != "" && req.ProtocolBinding != saml.HTTPPostBinding:
		return nil, fmt.Errorf("%w: only the HTTP-POST binding is supported for responses", errSAMLMessage)
	}
	a := &samlAuthn{sp: sp, requestID: req.ID, relayState: in.relayState}
	a.forceAuthn = req.ForceAuthn != nil && *req.ForceAuthn
	a.isPassive = req.IsPassive != nil && *req.IsPassive
	if rac := req.RequestedAuthnContext; rac != nil {
		// "exact" and "minimum" both come down to the account's level
		// being at least the highest named: the fake has one level per
		// account.
		a.acr = highestACR(strings.TrimSpace(rac.AuthnContextClassRef))
	}
	return a, nil
}

// unmarshalElement decodes a (verified) element with encoding/xml through
// crewjam's types.
func unmarshalElement(el *etree.Element, v any) error {
	doc := etree.NewDocument()
	doc.SetRoot(el.Copy())
	b, err := doc.WriteToBytes()
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %v", errSAMLMessage, err)
	}
	return nil
}
