package saml

import (
	"context"
	"net/http"

	crewjam "github.com/crewjam/saml"
)

// IdPLogoutRequest is a verified LogoutRequest from the IdP: end every
// local session of NameID (restricted to SessionIndexes when any are
// given), then answer with LogoutResponseURL.
type IdPLogoutRequest struct {
	ID             string
	Issuer         string
	NameID         string
	NameIDFormat   string
	SessionIndexes []string
	// RelayState must be echoed in the LogoutResponse.
	RelayState string
}

// HandleLogoutRequest validates an IdP-initiated LogoutRequest, Redirect
// (GET) or POST binding. Unlike crewjam, it requires and checks the
// signature: for Redirect, SigAlg/Signature over the query string with the
// IdP certificate's public key; for POST, the enveloped XML signature with
// goxmldsig. An unsigned LogoutRequest would let any page log users out.
// Issuer, Destination (= SLOURL), IssueInstant and NotOnOrAfter are
// checked, and the request ID is recorded in the replay cache.
func (sp *ServiceProvider) HandleLogoutRequest(ctx context.Context, r *http.Request) (*IdPLogoutRequest, error) {
	if sp.sloURL == "" {
		return nil, errf(ErrConfig, "SLOURL not configured")
	}
	d, err := sp.md.get(ctx)
	if err != nil {
		return nil, err
	}
	m, err := sp.readSLOMessage(r, d, "SAMLRequest", false)
	if err != nil {
		return nil, err
	}
	root, signed, relay := m.root, m.signed, m.relay
	if !is(root, nsProtocol, "LogoutRequest") {
		return nil, errf(ErrMalformed, "not a LogoutRequest")
	}
	now := sp.now()
	if err := sp.checkSLOEnvelope(root, d, signed, now); err != nil {
		return nil, err
	}
	until, err := timeAttr(root, "NotOnOrAfter", false)
	if err != nil {
		return nil, err
	}
	if !until.IsZero() && !now.Before(until.Add(sp.skew)) {
		return nil, errf(ErrExpired, "LogoutRequest NotOnOrAfter")
	}
	if len(children(root, nsAssertion, "EncryptedID")) > 0 {
		return nil, errf(ErrUnsupported, "encrypted NameID")
	}
	nid, err := oneChild(root, nsAssertion, "NameID")
	if err != nil {
		return nil, err
	}
	out := &IdPLogoutRequest{ID: attr(root, "ID"), Issuer: d.entityID, NameIDFormat: attr(nid, "Format"), RelayState: relay}
	if out.NameID, err = text(nid); err != nil {
		return nil, err
	}
	if out.NameID == "" {
		return nil, errf(ErrMalformed, "empty NameID")
	}
	for _, si := range children(root, nsProtocol, "SessionIndex") {
		v, err := trimmedText(si)
		if err != nil {
			return nil, err
		}
		out.SessionIndexes = append(out.SessionIndexes, v)
	}
	// Remember the ID for as long as the request could be accepted.
	t, _ := timeAttr(root, "IssueInstant", true)
	replayUntil := t.Add(sp.issueDelay + sp.skew)
	if !until.IsZero() {
		replayUntil = later(replayUntil, until.Add(sp.skew))
	}
	if err := sp.remember(ctx, out.ID, replayUntil); err != nil {
		return nil, err
	}
	return out, nil
}

// LogoutResponseURL answers req with a signed Redirect-binding
// LogoutResponse: Success when every session was ended (ok), Responder
// otherwise (partial logout).
func (sp *ServiceProvider) LogoutResponseURL(ctx context.Context, req *IdPLogoutRequest, ok bool) (string, error) {
	if sp.signer == nil {
		return "", errf(ErrConfig, "single logout needs Key")
	}
	dest, id, err := sp.sloMessageStart(ctx)
	if err != nil {
		return "", err
	}
	code := statusSuccess
	if !ok {
		code = crewjam.StatusResponder
	}
	resp := &crewjam.LogoutResponse{
		ID:           id,
		InResponseTo: req.ID,
		Version:      samlVersion,
		IssueInstant: sp.now().UTC(),
		Destination:  dest,
		Issuer:       &crewjam.Issuer{Format: "urn:oasis:names:tc:SAML:2.0:nameid-format:entity", Value: sp.entityID},
		Status:       crewjam.Status{StatusCode: crewjam.StatusCode{Value: code}},
	}
	b, err := serialize(resp.Element())
	if err != nil {
		return "", err
	}
	return sp.redirectURL(dest, "SAMLResponse", b, req.RelayState, true)
}
