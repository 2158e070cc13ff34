package saml

import (
	"context"
	"net/http"
	"time"

	"github.com/beevik/etree"
	crewjam "github.com/crewjam/saml"
)

// LogoutSession names the IdP session a LogoutRequest ends: the NameID
// and SessionIndex from the Assertion that started it.
type LogoutSession struct {
	NameID       string
	NameIDFormat string
	SessionIndex string
}

// sloMessageStart returns what every single-logout message this SP sends
// starts with: the IdP's Redirect-binding SingleLogoutService as the
// destination, and a fresh message ID.
func (sp *ServiceProvider) sloMessageStart(ctx context.Context) (dest, id string, err error) {
	d, err := sp.md.get(ctx)
	if err != nil {
		return "", "", err
	}
	if d.sloRedirect == "" {
		return "", "", errf(ErrUnsupported, "the IdP has no Redirect SingleLogoutService")
	}
	if id, err = sp.newID(); err != nil {
		return "", "", err
	}
	return d.sloRedirect, id, nil
}

// LogoutRequestURL starts SP-initiated single logout: it records a signed
// LogoutRequest and returns the IdP's Redirect-binding URL to send the
// browser to. End the local session first; the IdP then ends its own and
// the other SPs', and answers at SLOURL (see ParseLogoutResponse), which
// returns relayState.
func (sp *ServiceProvider) LogoutRequestURL(ctx context.Context, s LogoutSession, relayState string) (string, error) {
	if sp.sloURL == "" || sp.signer == nil {
		return "", errf(ErrConfig, "single logout needs SLOURL and Key")
	}
	if s.NameID == "" {
		return "", errf(ErrConfig, "LogoutSession.NameID is required")
	}
	dest, id, err := sp.sloMessageStart(ctx)
	if err != nil {
		return "", err
	}
	now := sp.now().UTC()
	until := now.Add(sp.requestTTL)
	req := &crewjam.LogoutRequest{
		ID:           id,
		Version:      samlVersion,
		IssueInstant: now,
		NotOnOrAfter: &until,
		Destination:  dest,
		Issuer:       &crewjam.Issuer{Format: "urn:oasis:names:tc:SAML:2.0:nameid-format:entity", Value: sp.entityID},
		NameID:       &crewjam.NameID{Format: s.NameIDFormat, Value: s.NameID},
	}
	if s.SessionIndex != "" {
		req.SessionIndex = &crewjam.SessionIndex{Value: s.SessionIndex}
	}
	b, err := serialize(req.Element())
	if err != nil {
		return "", err
	}
	if err := sp.putPending(ctx, pendingRecord{Kind: kindLogout, ID: id, Relay: relayState}); err != nil {
		return "", err
	}
	return sp.redirectURL(dest, "SAMLRequest", b, "", true)
}

// ParseLogoutResponse reads the IdP's LogoutResponse (Redirect or POST
// binding) to a LogoutRequestURL and returns that call's relayState. The
// response must be signed unless Config.AllowUnsignedLogoutResponse, must
// answer a pending LogoutRequest (single use) and report Success (else a
// *StatusError: the IdP could not end every session).
func (sp *ServiceProvider) ParseLogoutResponse(ctx context.Context, r *http.Request) (relayState string, err error) {
	d, err := sp.md.get(ctx)
	if err != nil {
		return "", err
	}
	m, err := sp.readSLOMessage(r, d, "SAMLResponse", sp.allowUnsignedLogoutResponse)
	if err != nil {
		return "", err
	}
	root, signed := m.root, m.signed
	if !is(root, nsProtocol, "LogoutResponse") {
		return "", errf(ErrMalformed, "not a LogoutResponse")
	}
	now := sp.now()
	if err := sp.checkSLOEnvelope(root, d, signed, now); err != nil {
		return "", err
	}
	rec, err := sp.takePending(ctx, kindLogout, attr(root, "InResponseTo"), "")
	if err != nil {
		return "", err
	}
	if err := checkStatus(root); err != nil {
		return rec.Relay, err
	}
	return rec.Relay, nil
}

// readSLOMessage decodes a Redirect (GET) or POST binding message named
// param, verifies its signature and returns the element to read: for
// POST, the one rebuilt from the signed bytes.
// sloMessage is a decoded single-logout message.
type sloMessage struct {
	root   *etree.Element
	signed bool
	relay  string
}

func (sp *ServiceProvider) readSLOMessage(r *http.Request, d *idp, param string, allowUnsigned bool) (*sloMessage, error) {
	switch r.Method {
	case http.MethodGet:
		m, err := parseRedirect(r.URL.RawQuery, param, sp.maxMsg)
		if err != nil {
			return nil, err
		}
		root, err := parseXML(m.xml)
		if err != nil {
			return nil, err
		}
		if m.signature == nil && allowUnsigned {
			return &sloMessage{root: root, relay: m.relay}, nil
		}
		if err := verifyRedirect(d, m); err != nil {
			return nil, err
		}
		return &sloMessage{root: root, signed: true, relay: m.relay}, nil
	case http.MethodPost:
		r.Body = http.MaxBytesReader(nil, r.Body, sp.bodyLimit())
		if err := r.ParseForm(); err != nil {
			return nil, errf(ErrMalformed, "form does not parse or is too large")
		}
		vals := r.PostForm[param]
		if len(vals) != 1 || len(r.PostForm["RelayState"]) > 1 {
			return nil, errf(ErrMalformed, "want exactly one %s", param)
		}
		raw, err := decodeBase64(vals[0], sp.maxMsg)
		if err != nil {
			return nil, err
		}
		root, err := parseXML(raw)
		if err != nil {
			return nil, err
		}
		v, signed, err := sp.verifyOptional(d, root)
		if err != nil {
			return nil, err
		}
		if !signed && !allowUnsigned {
			return nil, errf(ErrSignature, "message is not signed")
		}
		return &sloMessage{root: v, signed: signed, relay: r.PostForm.Get("RelayState")}, nil
	}
	return nil, errf(ErrMalformed, "method not allowed")
}

// checkSLOEnvelope checks what LogoutRequest and LogoutResponse share:
// version and ID, Issuer, Destination, IssueInstant.
func (sp *ServiceProvider) checkSLOEnvelope(root *etree.Element, d *idp, signed bool, now time.Time) error {
	if err := checkVersion(root); err != nil {
		return err
	}
	if err := checkIssuer(root, d.entityID, true); err != nil {
		return err
	}
	dest := attr(root, "Destination")
	if dest == "" && signed {
		return errf(ErrDestination, "signed message without Destination")
	}
	if dest != "" && dest != sp.sloURL {
		return errf(ErrDestination, "Destination is not the SLO URL")
	}
	return sp.checkIssueInstant(root, now)
}
