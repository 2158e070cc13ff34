package vnconnecttest

import (
	"net/http"
	"net/url"

	"github.com/crewjam/saml"
)

// handleSAMLSSO is WSO2's /samlsso: one endpoint for every SAML message in
// either binding. GET carries the Redirect binding, POST the POST binding;
// the message's element says what it is. A GET with spEntityID and no
// message starts IdP-initiated SSO, as WSO2 allows.
func (s *Server) handleSAMLSSO(w http.ResponseWriter, r *http.Request) {
	var (
		in  *samlInbound
		err error
	)
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		if id := q.Get("spEntityID"); id != "" && !q.Has("SAMLRequest") && !q.Has("SAMLResponse") {
			s.startIdPInitiated(w, r, id, q.Get("RelayState"))
			return
		}
		in, err = decodeSAMLRedirect(r.URL.RawQuery)
	case http.MethodPost:
		if err := parseForm(w, r); err != nil {
			renderErrorPage(w, http.StatusBadRequest, "Yêu cầu SAML không hợp lệ.")
			return
		}
		in, err = decodeSAMLPost(r.PostForm)
	default:
		methodNotAllowed(w, "GET, POST")
		return
	}
	if err != nil {
		s.logf("vnconnecttest: /samlsso: %v", err)
		renderErrorPage(w, http.StatusBadRequest, "Yêu cầu SAML không hợp lệ.")
		return
	}
	switch in.kind() {
	case "AuthnRequest":
		a, err := s.parseAuthn(in)
		if err != nil {
			s.logf("vnconnecttest: /samlsso AuthnRequest: %v", err)
			renderErrorPage(w, http.StatusBadRequest, "Yêu cầu đăng nhập SAML không hợp lệ hoặc ứng dụng chưa được đăng ký.")
			return
		}
		s.startSAMLLogin(w, r, a)
	case "LogoutRequest":
		s.handleSAMLLogoutRequest(w, r, in)
	case "LogoutResponse":
		s.handleSAMLLogoutResponse(w, r, in)
	default:
		renderErrorPage(w, http.StatusBadRequest, "Thông điệp SAML không được hỗ trợ.")
	}
}

// startIdPInitiated is /samlsso?spEntityID=…: an unsolicited response for
// a registered SP, through the login page unless the browser is signed in.
func (s *Server) startIdPInitiated(w http.ResponseWriter, r *http.Request, entityID, relayState string) {
	sp, ok := s.lookupSAMLSP(entityID)
	if !ok {
		renderErrorPage(w, http.StatusBadRequest, "Ứng dụng SAML chưa được đăng ký.")
		return
	}
	s.startSAMLLogin(w, r, &samlAuthn{sp: sp, relayState: relayState})
}

// startSAMLLogin answers from the SSO session when it can, refuses a
// passive request it cannot, and otherwise shows the login page.
func (s *Server) startSAMLLogin(w http.ResponseWriter, r *http.Request, a *samlAuthn) {
	if !a.forceAuthn {
		if ref, ok := s.ssoFromRequest(r); ok {
			if acct, ok := s.ssoSatisfies(ref, a.acr); ok {
				s.writeSAMLPost(w, a.sp.ACSURL, s.samlLoginResponse(a.sp, acct, ref, a.requestID, samlMint{}), a.relayState)
				return
			}
		}
	}
	if a.isPassive {
		s.writeSAMLPost(w, a.sp.ACSURL, s.samlErrorXML(a.sp, a.requestID,
			statusError(saml.StatusResponder, saml.StatusNoPassive, "no active session")), a.relayState)
		return
	}
	key := s.randomUUID()
	display := authRequest{clientID: a.sp.EntityID, acr: a.acr}
	s.mu.Lock()
	s.sweepLocked()
	s.pending[key] = &pendingLogin{req: display, saml: a, expires: s.now().Add(s.ttl.login)}
	s.mu.Unlock()
	s.renderLogin(w, http.StatusOK, key, display, "")
}

// submitSAMLLogin is the login form submitted for a SAML request: the
// browser gets the Response (or, on cancel or an inactive account, an
// AuthnFailed status) to post to the ACS.
func (s *Server) submitSAMLLogin(w http.ResponseWriter, r *http.Request, a *samlAuthn, techID string, cancel bool) {
	acct, ok := s.Account(techID)
	switch {
	case cancel:
		s.writeSAMLPost(w, a.sp.ACSURL, s.samlErrorXML(a.sp, a.requestID,
			statusError(saml.StatusResponder, statusAuthnFailed, "the user cancelled the login")), a.relayState)
		return
	case !ok:
		renderErrorPage(w, http.StatusBadRequest, "Tài khoản không tồn tại.")
		return
	case acct.Status != "" && acct.Status != StatusActive:
		s.writeSAMLPost(w, a.sp.ACSURL, s.samlErrorXML(a.sp, a.requestID,
			statusError(saml.StatusResponder, statusAuthnFailed, "the account is not active")), a.relayState)
		return
	}
	ref := s.browserLogin(w, r, acct)
	s.writeSAMLPost(w, a.sp.ACSURL, s.samlLoginResponse(a.sp, acct, ref, a.requestID, samlMint{}), a.relayState)
}

// samlLoginResponse issues the Response for a login in session ref and
// records the SP as taking part, with the NameID and SessionIndex it was
// given, for single logout.
func (s *Server) samlLoginResponse(sp SAMLSP, a Account, ref ssoRef, inResponseTo string, m samlMint) []byte {
	s.joinSAML(ref.sid, samlParticipant{entityID: sp.EntityID, nameID: a.TechID, sessionIndex: ref.sid})
	return s.samlResponseXML(samlGrant{
		sp: sp, account: a, inResponseTo: inResponseTo,
		sessionIndex: ref.sid, authnInstant: ref.authTime,
	}, m)
}

// writeSAMLPost renders the HTTP-POST binding page for a Response.
func (s *Server) writeSAMLPost(w http.ResponseWriter, acsURL string, xml []byte, relayState string) {
	renderPostForm(w, s.randomToken(), acsURL, url.Values{"SAMLResponse": {b64std(xml)}, "RelayState": {relayState}})
}
