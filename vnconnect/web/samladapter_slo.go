package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect/saml"
)

// sloEndTimeout bounds ending the sessions an IdP LogoutRequest names.
const sloEndTimeout = 10 * time.Second

// HandleSLO serves the SLO endpoint (Redirect or POST binding). A
// SAMLRequest is the IdP ending a session (another app logged out): it is
// verified — signature, issuer, destination, lifetime, replay — before
// anything ends, then end is called and the browser is sent back with our
// signed LogoutResponse so the IdP's logout chain goes on. A SAMLResponse
// answers our own LogoutRequest (StartLogout): once verified and matched
// to that request, the browser goes to the after-logout path.
func (a *SAMLAdapter) HandleSLO(w http.ResponseWriter, r *http.Request, end SAMLSessionEnder) error {
	kind, err := sloKind(r)
	if err != nil {
		return err
	}
	if kind == "SAMLRequest" {
		return a.idpLogout(w, r, end)
	}
	return a.logoutDone(w, r)
}

// sloKind says which message the request carries, read from the part of
// the request the binding uses (the query for GET, the body for POST),
// as the ServiceProvider reads it. A request carrying both is refused
// rather than guessed at.
func sloKind(r *http.Request) (string, error) {
	var has func(string) bool
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		has = q.Has
	case http.MethodPost:
		if err := r.ParseForm(); err != nil {
			return "", fmt.Errorf("web: SAML SLO: form: %w", saml.ErrMalformed)
		}
		has = r.PostForm.Has
	default:
		return "", fmt.Errorf("web: SAML SLO: method %s: %w", r.Method, saml.ErrMalformed)
	}
	req, resp := has("SAMLRequest"), has("SAMLResponse")
	switch {
	case req && !resp:
		return "SAMLRequest", nil
	case resp && !req:
		return "SAMLResponse", nil
	}
	return "", fmt.Errorf("web: SAML SLO: want one SAMLRequest or SAMLResponse: %w", saml.ErrMalformed)
}

// idpLogout handles an IdP-initiated LogoutRequest. Nothing ends unless
// HandleLogoutRequest verified it: an unsigned or forged request would let
// any page log people out.
func (a *SAMLAdapter) idpLogout(w http.ResponseWriter, r *http.Request, end SAMLSessionEnder) error {
	ctx := r.Context()
	req, err := a.sp.HandleLogoutRequest(ctx, r)
	if err != nil {
		return fmt.Errorf("web: SAML LogoutRequest refused: %w", err)
	}
	ok := endSAMLSessions(ctx, req, end)
	// A LogoutResponse is owed even when ending failed: Responder status
	// tells the IdP the logout is partial, and the chain of other apps
	// behind us still runs.
	u, err := a.sp.LogoutResponseURL(ctx, req, ok)
	if err != nil {
		return fmt.Errorf("web: SAML LogoutResponse: %w", err)
	}
	http.Redirect(w, r, u, http.StatusFound)
	return nil
}

// endSAMLSessions ends the sessions req names: the NameID's, narrowed to
// each SessionIndex, or all of them when it lists none (SAML core
// §3.7.1, §3.7.3.2). The request ID
// is already spent in the replay cache, so the IdP will not send it again:
// the browser going away must not cancel the deletes half-way.
func endSAMLSessions(ctx context.Context, req *saml.IdPLogoutRequest, end SAMLSessionEnder) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sloEndTimeout)
	defer cancel()
	if len(req.SessionIndexes) == 0 {
		_, err := end(ctx, req.Issuer, req.NameID, "")
		return err == nil
	}
	ok := true
	for _, si := range req.SessionIndexes {
		if _, err := end(ctx, req.Issuer, req.NameID, si); err != nil {
			ok = false
		}
	}
	return ok
}

// logoutDone handles the IdP's LogoutResponse to our LogoutRequest. The
// relay state is the one StartLogout stored server-side, yet it is
// checked again as a same-origin path: a redirect target is never taken
// on trust.
func (a *SAMLAdapter) logoutDone(w http.ResponseWriter, r *http.Request) error {
	relay, err := a.sp.ParseLogoutResponse(r.Context(), r)
	if err != nil {
		// The local session ended before the browser left (Handler
		// logout), so this only means the IdP did not confirm: say so
		// rather than land as if all went well.
		var se *saml.StatusError
		if errors.As(err, &se) {
			return fmt.Errorf("web: SAML logout incomplete at the IdP: %w", err)
		}
		return fmt.Errorf("web: SAML LogoutResponse refused: %w", err)
	}
	target := a.afterLogoutPath()
	if clean, err := SanitizeReturnTo(relay); err == nil {
		target = clean
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// StartLogout sends the browser to the IdP with a signed LogoutRequest
// for s (SP-initiated single logout). The Handler has already ended the
// local session; the IdP then ends its own and the other apps', and
// answers at the SLO endpoint (HandleSLO).
func (a *SAMLAdapter) StartLogout(w http.ResponseWriter, r *http.Request, s *Session) error {
	if s == nil || s.Protocol != ProtocolSAML {
		return errors.New("web: SAML logout: not a SAML session")
	}
	nameID := s.NameID
	if nameID == "" {
		nameID = s.Subject
	}
	ctx := r.Context()
	// A session from another IdP (the SP's metadata changed since login)
	// cannot be ended at this one; naming its NameID there could end
	// someone else's session.
	idp, err := a.sp.IdPEntityID(ctx)
	if err != nil {
		return fmt.Errorf("web: SAML logout: %w", err)
	}
	if s.Issuer != "" && s.Issuer != idp {
		return errors.New("web: SAML logout: session is from another IdP")
	}
	u, err := a.sp.LogoutRequestURL(ctx, saml.LogoutSession{
		NameID: nameID, NameIDFormat: s.NameIDFormat, SessionIndex: s.SID,
	}, a.afterLogoutPath())
	if err != nil {
		return fmt.Errorf("web: SAML logout: %w", err)
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
	return nil
}
