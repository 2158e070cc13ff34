package vnconnecttest

import (
	"net/url"
)

// SAMLResponse mints a login Response for the registered SP and account,
// signed per the SP's registration unless an option says otherwise, and
// returns it base64-encoded as the SAMLResponse form value. Nothing is
// recorded: no SSO session is opened and the same call twice gives two
// responses with different IDs; to replay one, post the returned string
// twice. It panics if the SP or the account is unknown.
func (s *Server) SAMLResponse(spEntityID, techID string, opts ...SAMLOption) string {
	return b64std(s.SAMLResponseXML(spEntityID, techID, opts...))
}

// SAMLResponseXML is SAMLResponse before base64: the XML document.
func (s *Server) SAMLResponseXML(spEntityID, techID string, opts ...SAMLOption) []byte {
	sp, ok := s.lookupSAMLSP(spEntityID)
	if !ok {
		panic("vnconnecttest: SAMLResponse: unknown SAML SP " + spEntityID)
	}
	a, ok := s.Account(techID)
	if !ok {
		panic("vnconnecttest: SAMLResponse: unknown TechID " + techID)
	}
	var m samlMint
	for _, o := range opts {
		o(&m)
	}
	if m.sessionIndex == "" {
		m.sessionIndex = s.randomUUID()
	}
	return s.samlResponseXML(samlGrant{
		sp: sp, account: a, inResponseTo: m.inResponseTo,
		sessionIndex: m.sessionIndex, authnInstant: s.now(),
	}, m)
}

// SAMLIdPInitiated is IdP-initiated SSO without a browser: it opens an SSO
// session for the account with the SP taking part (so SLO reaches it) and
// returns the ACS URL and the form the browser would POST there
// (SAMLResponse, and an empty RelayState). The response has no
// InResponseTo. Options apply as for SAMLResponse. It panics if the SP or
// the account is unknown.
func (s *Server) SAMLIdPInitiated(spEntityID, techID string, opts ...SAMLOption) (acsURL string, form url.Values) {
	sp, ok := s.lookupSAMLSP(spEntityID)
	if !ok {
		panic("vnconnecttest: SAMLIdPInitiated: unknown SAML SP " + spEntityID)
	}
	a, ok := s.Account(techID)
	if !ok {
		panic("vnconnecttest: SAMLIdPInitiated: unknown TechID " + techID)
	}
	sess := s.openSSOSession(a, nil)
	var m samlMint
	for _, o := range opts {
		o(&m)
	}
	xml := s.samlLoginResponse(sp, a, sess, "", m)
	return sp.ACSURL, url.Values{"SAMLResponse": {b64std(xml)}, "RelayState": {""}}
}
