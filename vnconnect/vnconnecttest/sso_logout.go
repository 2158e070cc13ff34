package vnconnecttest

import (
	"net/http"
	"time"

	"github.com/crewjam/saml"
)

// logoutRunTTL bounds how long a single logout may wait on an SP's
// LogoutResponse before the run is forgotten.
const logoutRunTTL = 10 * time.Minute

// logoutRun is one single logout carried by the browser after the session
// has ended at the fake: LogoutRequests to the other SAML SPs one after
// another (each answers at /samlsso with RelayState = the run's ID), then
// the logged-out page with the front-channel iframes, then the final
// destination. Guarded by Server.mu once stored.
type logoutRun struct {
	id           string
	pending      []samlParticipant // SPs still to be sent a LogoutRequest
	waitingSP    string            // entity ID whose LogoutResponse is due
	waitingID    string            // ID of the LogoutRequest it answers
	partial      bool              // some SP did not confirm
	frontchannel []string          // iframe URLs
	reply        *samlLogoutReply  // SP-initiated: the initiator's LogoutResponse
	final        string            // OIDC: post_logout_redirect_uri with state
	expires      time.Time
}

// samlLogoutReply is the LogoutResponse owed to the SP that started a
// SAML single logout.
type samlLogoutReply struct {
	sp           SAMLSP
	inResponseTo string
	relayState   string
}

// finishLogout starts the browser part of a logout. ended may be nil (no
// session to end); except is the SAML SP that asked, which is answered,
// not sent a request.
func (s *Server) finishLogout(w http.ResponseWriter, r *http.Request, ended *endedSession, except string, reply *samlLogoutReply, final string) {
	run := &logoutRun{id: s.randomToken(), reply: reply, final: final, expires: s.now().Add(logoutRunTTL)}
	if ended != nil {
		run.frontchannel = s.frontchannelURLs(ended)
		for _, p := range ended.saml {
			if sp, ok := s.lookupSAMLSP(p.entityID); ok && p.entityID != except && sp.SLOURL != "" {
				run.pending = append(run.pending, p)
			}
		}
	}
	s.stepLogout(w, r, run)
}

// stepLogout sends the browser to the next SAML SP, or ends the run.
func (s *Server) stepLogout(w http.ResponseWriter, r *http.Request, run *logoutRun) {
	if len(run.pending) > 0 {
		p := run.pending[0]
		run.pending = run.pending[1:]
		sp, ok := s.lookupSAMLSP(p.entityID)
		if !ok { // unregistered meanwhile: nothing to tell
			s.stepLogout(w, r, run)
			return
		}
		id := s.samlID()
		run.waitingSP, run.waitingID = sp.EntityID, id
		s.mu.Lock()
		s.logouts[run.id] = run
		s.mu.Unlock()
		xml := s.samlLogoutRequestXML(sp, p.nameID, p.sessionIndex, id, true)
		http.Redirect(w, r, redirectURL(sp.SLOURL, "SAMLRequest", xml, run.id, &s.saml.idp), http.StatusFound)
		return
	}
	s.mu.Lock()
	delete(s.logouts, run.id)
	s.mu.Unlock()
	next := run.final
	if run.reply != nil && run.reply.sp.SLOURL != "" {
		next = s.samlLogoutResponseURL(run.reply, run.partial)
	}
	if len(run.frontchannel) > 0 {
		s.renderLoggedOut(w, run.frontchannel, next)
		return
	}
	if next == "" {
		next = s.base + pathLoggedOutPage
	}
	http.Redirect(w, r, next, http.StatusFound)
}

// samlLogoutResponseURL is the initiator's LogoutResponse by the
// Redirect binding, signed.
func (s *Server) samlLogoutResponseURL(reply *samlLogoutReply, partial bool) string {
	st := statusSuccess()
	if partial {
		st.StatusCode.StatusCode = &saml.StatusCode{Value: saml.StatusPartialLogout}
	}
	lr := &saml.LogoutResponse{
		ID:           s.samlID(),
		InResponseTo: reply.inResponseTo,
		Version:      samlVersion,
		IssueInstant: samlTime(s.now()),
		Destination:  reply.sp.SLOURL,
		Issuer:       s.samlIssuer(samlMint{}),
		Status:       st,
	}
	el := lr.Element()
	// Signed twice: in the query as the Redirect binding says, and in the
	// XML, which is all crewjam's ValidateLogoutResponseRedirect checks.
	if err := signEnveloped(s.saml.idp, el); err != nil {
		panic(err)
	}
	return redirectURL(reply.sp.SLOURL, "SAMLResponse", elementBytes(el), reply.relayState, &s.saml.idp)
}
