package web

import (
	"context"
	"net/http"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// SAMLProvider is what the Handler needs from a SAML 2.0 service provider
// (package vnconnect/saml provides one; an adapter satisfies this). The
// Handler keeps the pending login and the session; the provider does the
// XML, signatures, InResponseTo tracking and assertion replay checks.
type SAMLProvider interface {
	// Metadata returns the SP metadata document (application/samlmetadata+xml).
	Metadata(ctx context.Context) ([]byte, error)
	// StartLogin sends the browser to the IdP with an AuthnRequest
	// carrying relayState (Redirect or POST binding), writing the response.
	StartLogin(w http.ResponseWriter, r *http.Request, relayState string) error
	// HandleACS verifies the response POSTed to the ACS and returns the
	// assertion. It must refuse anything not fully verified.
	HandleACS(r *http.Request) (*SAMLLogin, error)
	// HandleSLO serves the SLO endpoint. For a LogoutRequest from the IdP
	// it verifies it, calls end for the session it names, and writes the
	// LogoutResponse; for a LogoutResponse to our own request it checks
	// it and redirects the browser on.
	HandleSLO(w http.ResponseWriter, r *http.Request, end SAMLSessionEnder) error
	// StartLogout sends the browser to the IdP with a LogoutRequest for s
	// (SP-initiated SLO), writing the response.
	StartLogout(w http.ResponseWriter, r *http.Request, s *Session) error
}

// SAMLSessionEnder ends the sessions an IdP LogoutRequest names, at issuer
// (the IdP's entity ID): those of nameID, and of them only the one
// sessionIndex when set. It reports how many ended. A provider calls it
// once per SessionIndex of the request, or once with "" when there is
// none.
type SAMLSessionEnder func(ctx context.Context, issuer, nameID, sessionIndex string) (int, error)

// SAMLLogin is a verified SAML assertion as the Handler needs it.
type SAMLLogin struct {
	Identity     *vnconnect.Identity
	Issuer       string // IdP entity ID
	NameID       string
	NameIDFormat string
	SessionIndex string
	RelayState   string
}

// handleSAMLLogin starts a SAML login: GET /saml/login?return_to=….
func (h *Handler) handleSAMLLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	returnTo, ok := h.returnTo(w, r)
	if !ok {
		return
	}
	// The relay state is a random key, never the return path itself: it
	// travels through the IdP and comes back in an unauthenticated form.
	relay, err := h.token(tokenBytes)
	if err != nil {
		h.serverError(w, r, "relay state", err)
		return
	}
	rec := pendingLogin{ReturnTo: returnTo, Started: h.now()}
	if err := h.putPending(r, pendingSAMLPrefix+relay, &rec); err != nil {
		h.serverError(w, r, "store pending login", err)
		return
	}
	noStore(w)
	if err := h.saml.StartLogin(w, r, relay); err != nil {
		h.serverError(w, r, "SAML AuthnRequest", err)
	}
}

func (h *Handler) handleSAMLMetadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	md, err := h.saml.Metadata(r.Context())
	if err != nil {
		h.serverError(w, r, "SAML metadata", err)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write(md)
}

// handleSAMLACS finishes a SAML login. The POST comes cross-site from the
// IdP, so the SameSite=Lax pre-login cookie does not come with it: the
// provider's InResponseTo check against the shared request store binds
// the response to our request instead, and the relay state to a pending
// record taken once.
func (h *Handler) handleSAMLACS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, "POST")
		return
	}
	a, err := h.saml.HandleACS(r)
	if err != nil || a == nil || a.Identity == nil {
		h.page(w, r, http.StatusForbidden, pageSAMLFailed, err)
		return
	}
	returnTo := h.afterLogin
	if a.RelayState != "" {
		rec, err := h.takePending(r, pendingSAMLPrefix+a.RelayState)
		if err != nil {
			h.page(w, r, http.StatusBadRequest, pageStateUnknown, err)
			return
		}
		returnTo = rec.ReturnTo
	}
	if !h.allowLogin(w, r, a.Identity) {
		return
	}
	s := &Session{
		Protocol: ProtocolSAML, Issuer: a.Issuer, Subject: a.NameID, SID: a.SessionIndex,
		NameID: a.NameID, NameIDFormat: a.NameIDFormat, Identity: a.Identity,
	}
	if err := h.startSession(w, r, s); err != nil {
		h.serverError(w, r, "create session", err)
		return
	}
	noStore(w)
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
}

// handleSAMLSLO serves the SLO endpoint (Redirect binding by GET, POST
// binding by POST). Whatever the provider refuses — a forged or replayed
// LogoutRequest, a LogoutResponse that does not answer ours or reports a
// partial logout — the person sees that the logout is not complete.
//
// The session ender ends the sessions of the principal the request's
// NameID names, narrowed by SessionIndex when given (SAML 2.0 core
// §3.7.3.2): a SessionIndex alone never ends the session of another
// subject, even in a request the IdP signed (endSIDOfSubject).
func (h *Handler) handleSAMLSLO(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		methodNotAllowed(w, "GET, POST")
		return
	}
	noStore(w)
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	end := func(ctx context.Context, issuer, nameID, sessionIndex string) (int, error) {
		if sessionIndex != "" {
			return h.endSIDOfSubject(ctx, issuer, sessionIndex, nameID)
		}
		return h.sessions.DeleteBySubject(ctx, issuer, nameID)
	}
	if err := h.saml.HandleSLO(w, r, end); err != nil {
		h.page(w, r, http.StatusBadRequest, pageSLOFailed, err)
	}
}
