package saml

import (
	"context"
	"encoding/base64"
	"net/http"

	"github.com/beevik/etree"
	crewjam "github.com/crewjam/saml"
)

// Binding selects how AuthnRequest sends the browser to the IdP.
type Binding int

const (
	// BindingRedirect (default): a 302 to the IdP with the DEFLATEd
	// request in the query string, signed in SigAlg/Signature.
	BindingRedirect Binding = iota
	// BindingPOST: an auto-submitting form with an enveloped signature.
	BindingPOST
)

// AuthnRequest starts a login. It records the request in the
// RequestStore, binds it to this browser with a cookie, and sends the
// browser to the IdP with the configured binding (a redirect, or an
// auto-submitting form, per Config.Binding). relayState is returned in Assertion.RelayState
// when the login completes; it stays on the server, so it may be long and
// need not be escaped (validate it as a return_to anyway).
func (sp *ServiceProvider) AuthnRequest(ctx context.Context, w http.ResponseWriter, r *http.Request, relayState string) error {
	secret, err := sp.browserSecret(w, r)
	if err != nil {
		return err
	}
	return sp.startAuthn(ctx, w, r, relayState, hashSecret(secret), sp.binding)
}

// AuthnRequestURL records a request and returns the Redirect-binding URL
// and the request ID, without binding the request to a browser. For
// callers that carry the browser binding themselves (or tests): prefer
// AuthnRequest.
func (sp *ServiceProvider) AuthnRequestURL(ctx context.Context, relayState string) (redirectURL, requestID string, err error) {
	d, req, err := sp.newAuthnRequest(ctx, BindingRedirect, relayState, "")
	if err != nil {
		return "", "", err
	}
	u, err := sp.redirectURL(d.ssoRedirect, "SAMLRequest", req.bytes, "", sp.signAuthn)
	return u, req.id, err
}

type builtRequest struct {
	id    string
	bytes []byte
}

func (sp *ServiceProvider) startAuthn(ctx context.Context, w http.ResponseWriter, r *http.Request, relay, bindingHash string, binding Binding) error {
	d, req, err := sp.newAuthnRequest(ctx, binding, relay, bindingHash)
	if err != nil {
		return err
	}
	if binding == BindingPOST {
		return writePostForm(w, postForm{URL: d.ssoPOST, Param: "SAMLRequest", Value: base64.StdEncoding.EncodeToString(req.bytes)})
	}
	u, err := sp.redirectURL(d.ssoRedirect, "SAMLRequest", req.bytes, "", sp.signAuthn)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u, http.StatusFound)
	return nil
}

// newAuthnRequest builds and records one AuthnRequest. No RelayState is
// sent to the IdP: the request ID comes back inside the signed assertion
// and keys everything we need.
func (sp *ServiceProvider) newAuthnRequest(ctx context.Context, binding Binding, relay, bindingHash string) (*idp, *builtRequest, error) {
	d, err := sp.md.get(ctx)
	if err != nil {
		return nil, nil, err
	}
	dest := d.ssoRedirect
	if binding == BindingPOST {
		dest = d.ssoPOST
	}
	if dest == "" {
		return nil, nil, errf(ErrUnsupported, "the IdP has no SingleSignOnService for this binding")
	}
	id, err := sp.newID()
	if err != nil {
		return nil, nil, err
	}
	allowCreate := true
	format := nameIDUnspecified
	req := &crewjam.AuthnRequest{
		ID:                          id,
		Version:                     samlVersion,
		IssueInstant:                sp.now().UTC(),
		Destination:                 dest,
		AssertionConsumerServiceURL: sp.acsURL,
		ProtocolBinding:             bindingPOST,
		Issuer:                      &crewjam.Issuer{Format: "urn:oasis:names:tc:SAML:2.0:nameid-format:entity", Value: sp.entityID},
		NameIDPolicy:                &crewjam.NameIDPolicy{AllowCreate: &allowCreate, Format: &format},
	}
	el := req.Element()
	if binding == BindingPOST && sp.signAuthn {
		// The POST binding signs inside the XML; the Signature must come
		// right after Issuer, so sign, then rebuild with it in place.
		sig, err := sp.envelopedSignature(el)
		if err != nil {
			return nil, nil, err
		}
		req.Signature = sig
		el = req.Element()
	}
	b, err := serialize(el)
	if err != nil {
		return nil, nil, err
	}
	if err := sp.putPending(ctx, pendingRecord{Kind: kindAuthn, ID: id, Binding: bindingHash, Relay: relay}); err != nil {
		return nil, nil, err
	}
	return d, &builtRequest{id: id, bytes: b}, nil
}

// envelopedSignature returns the <ds:Signature> goxmldsig computes for el.
func (sp *ServiceProvider) envelopedSignature(el *etree.Element) (*etree.Element, error) {
	if sp.signer == nil {
		return nil, errf(ErrConfig, "no signing key")
	}
	signed, err := sp.signer.SignEnveloped(el)
	if err != nil {
		return nil, errf(ErrConfig, "signing failed")
	}
	sig, ok := signed.Child[len(signed.Child)-1].(*etree.Element)
	if !ok {
		return nil, errf(ErrConfig, "signing failed")
	}
	return sig, nil
}

func serialize(el *etree.Element) ([]byte, error) {
	doc := etree.NewDocument()
	doc.SetRoot(el)
	return doc.WriteToBytes()
}
