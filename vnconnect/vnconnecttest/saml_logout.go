package vnconnecttest

import (
	"net/http"
	"net/url"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
)

// handleSAMLLogoutRequest is SP-initiated single logout: the SP's
// LogoutRequest (signature checked per its registration) names the
// session by SessionIndex (the sid) and NameID; failing that, the
// browser's SSO cookie does. The session ends everywhere, the other SAML
// SPs are sent LogoutRequests through the browser, the OIDC clients are
// notified back- and front-channel, and the initiator finally gets its
// LogoutResponse.
func (s *Server) handleSAMLLogoutRequest(w http.ResponseWriter, r *http.Request, in *samlInbound) {
	sp, ok := s.lookupSAMLSP(in.issuer())
	if !ok || in.param != "SAMLRequest" {
		renderErrorPage(w, http.StatusBadRequest, "Yêu cầu đăng xuất SAML không hợp lệ hoặc ứng dụng chưa được đăng ký.")
		return
	}
	el, err := s.verified(in, sp)
	var lr saml.LogoutRequest
	if err == nil {
		err = unmarshalElement(el, &lr)
	}
	switch {
	case err != nil:
	case lr.Issuer == nil || lr.Issuer.Value != sp.EntityID:
		err = errSAMLMessage
	case lr.Destination != "" && lr.Destination != s.SAMLSSOURL():
		err = errSAMLMessage
	case lr.NotOnOrAfter != nil && !s.now().Before(*lr.NotOnOrAfter):
		err = errSAMLMessage
	}
	if err != nil {
		s.logf("vnconnecttest: SAML LogoutRequest from %s: %v", sp.EntityID, err)
		renderErrorPage(w, http.StatusBadRequest, "Yêu cầu đăng xuất SAML không hợp lệ.")
		return
	}
	sid := s.sessionForLogout(sp.EntityID, lr)
	if ref, ok := s.ssoFromRequest(r); ok && sid == "" {
		sid = ref.sid
	}
	if _, err := r.Cookie(SSOCookieName); err == nil {
		s.clearSSOCookie(w, r)
	}
	var ended *endedSession
	if sid != "" {
		ended = s.endSessionDetached(r.Context(), sid)
	}
	// An SP with no SLO endpoint cannot be answered; the logged-out page
	// is the end then.
	s.finishLogout(w, r, ended, sp.EntityID, &samlLogoutReply{sp: sp, inResponseTo: lr.ID, relayState: in.relayState}, "")
}

// sessionForLogout finds the session a LogoutRequest names: the sid in
// SessionIndex, if that session has this SP taking part under this NameID.
func (s *Server) sessionForLogout(entityID string, lr saml.LogoutRequest) string {
	if lr.SessionIndex == nil || lr.NameID == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[lr.SessionIndex.Value]
	if sess == nil || sess.ended {
		return ""
	}
	for _, p := range sess.samlSPs {
		if p.entityID == entityID && p.nameID == lr.NameID.Value && p.sessionIndex == lr.SessionIndex.Value {
			return lr.SessionIndex.Value
		}
	}
	return ""
}

// handleSAMLLogoutResponse is an SP confirming the LogoutRequest the fake
// sent it during a single logout; the logout moves on to the next SP. A
// failed or unverifiable answer marks the logout partial but does not
// stop it: the session is already over at the fake.
func (s *Server) handleSAMLLogoutResponse(w http.ResponseWriter, r *http.Request, in *samlInbound) {
	s.mu.Lock()
	run := s.logouts[in.relayState]
	if run != nil {
		delete(s.logouts, in.relayState)
	}
	s.mu.Unlock()
	if run == nil || !s.now().Before(run.expires) {
		renderErrorPage(w, http.StatusBadRequest, "Phiên đăng xuất không còn hiệu lực.")
		return
	}
	sp, ok := s.lookupSAMLSP(run.waitingSP)
	var resp saml.LogoutResponse
	var err error = errSAMLMessage
	if ok && in.issuer() == sp.EntityID && in.param == "SAMLResponse" {
		var el *etree.Element
		if el, err = s.verified(in, sp); err == nil {
			err = unmarshalElement(el, &resp)
		}
	}
	if err != nil || resp.InResponseTo != run.waitingID || resp.Status.StatusCode.Value != saml.StatusSuccess {
		s.logf("vnconnecttest: SAML LogoutResponse from %s not a success: %v", run.waitingSP, err)
		run.partial = true
	}
	s.stepLogout(w, r, run)
}

// samlLogoutRequestXML is the IdP's LogoutRequest to an SP, with an
// enveloped XML signature if signXML. The Redirect binding signs the
// query; the fake signs the XML as well there, because SPs built on
// crewjam check only the XML signature.
func (s *Server) samlLogoutRequestXML(sp SAMLSP, nameID, sessionIndex, id string, signXML bool) []byte {
	now := samlTime(s.now())
	notAfter := now.Add(SAMLAssertionTTL)
	lr := &saml.LogoutRequest{
		ID:           id,
		Version:      samlVersion,
		IssueInstant: now,
		NotOnOrAfter: &notAfter,
		Destination:  sp.SLOURL,
		Issuer:       s.samlIssuer(samlMint{}),
		NameID: &saml.NameID{
			Format: nameIDPersistent, NameQualifier: s.SAMLEntityID(), SPNameQualifier: sp.EntityID, Value: nameID,
		},
		SessionIndex: &saml.SessionIndex{Value: sessionIndex},
	}
	el := lr.Element()
	if signXML {
		if err := signEnveloped(s.saml.idp, el); err != nil {
			panic(err)
		}
	}
	return elementBytes(el)
}

// SAMLLogoutRequest is a LogoutRequest from the fake to the SP for its
// SP-side SLO tests: the SP's SLOURL with SAMLRequest (Redirect binding)
// and, if signed, SigAlg and Signature over the query (and an enveloped
// signature in the XML, as the fake's own SLO sends). It panics if the
// SP is unknown or has no SLOURL.
func (s *Server) SAMLLogoutRequest(spEntityID, nameID, sessionIndex string, signed bool) string {
	sp := s.mustSLO(spEntityID)
	var key *samlKey
	if signed {
		key = &s.saml.idp
	}
	return redirectURL(sp.SLOURL, "SAMLRequest", s.samlLogoutRequestXML(sp, nameID, sessionIndex, s.samlID(), signed), "", key)
}

// SAMLLogoutRequestPOST is SAMLLogoutRequest for the POST binding: the
// SLO URL and the form (SAMLRequest) to post there, the XML signed
// (enveloped signature) if signed.
func (s *Server) SAMLLogoutRequestPOST(spEntityID, nameID, sessionIndex string, signed bool) (sloURL string, form url.Values) {
	sp := s.mustSLO(spEntityID)
	xml := s.samlLogoutRequestXML(sp, nameID, sessionIndex, s.samlID(), signed)
	return sp.SLOURL, url.Values{"SAMLRequest": {b64std(xml)}}
}

func (s *Server) mustSLO(entityID string) SAMLSP {
	sp, ok := s.lookupSAMLSP(entityID)
	if !ok || sp.SLOURL == "" {
		panic("vnconnecttest: SAML SP " + entityID + " is unknown or has no SLOURL")
	}
	return sp
}

// elementBytes serialises one element as a document.
func elementBytes(el *etree.Element) []byte {
	doc := etree.NewDocument()
	doc.SetRoot(el)
	b, err := doc.WriteToBytes()
	if err != nil {
		panic(err)
	}
	return b
}
