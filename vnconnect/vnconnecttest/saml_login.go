package vnconnecttest

import (
	"context"
	"fmt"
	"net/url"

	"github.com/crewjam/saml"
)

// SAMLLogin is the SAML login page without a browser, for the
// HTTP-Redirect binding: authnRequestURL is where the SP sends the browser
// (this server's /samlsso with SAMLRequest, RelayState and, if signed,
// SigAlg and Signature). It validates the AuthnRequest exactly as /samlsso
// does and, as if the user had picked the account with techID, returns
// the SP's ACS URL and the form the browser would POST there
// (SAMLResponse, RelayState). Like Login it opens a new SSO session with
// no cookie; the SP is recorded in it, so SAML SLO and EndSession reach
// it. An inactive account gets an AuthnFailed Response, as in a browser.
func (s *Server) SAMLLogin(ctx context.Context, authnRequestURL, techID string) (acsURL string, form url.Values, err error) {
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	u, err := url.Parse(authnRequestURL)
	if err != nil {
		return "", nil, fmt.Errorf("vnconnecttest: AuthnRequest URL: %w", err)
	}
	base, _ := url.Parse(s.SAMLSSOURL())
	if u.Scheme != base.Scheme || u.Host != base.Host || u.Path != base.Path {
		return "", nil, fmt.Errorf("vnconnecttest: %q is not this server's SSO endpoint %s", u.Scheme+"://"+u.Host+u.Path, base)
	}
	in, err := decodeSAMLRedirect(u.RawQuery)
	if err != nil {
		return "", nil, err
	}
	return s.headlessSAML(in, techID)
}

// SAMLLoginPOST is SAMLLogin for the HTTP-POST binding: form is what the
// SP's auto-submitting page would POST to /samlsso (SAMLRequest,
// RelayState).
func (s *Server) SAMLLoginPOST(ctx context.Context, form url.Values, techID string) (acsURL string, out url.Values, err error) {
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	in, err := decodeSAMLPost(form)
	if err != nil {
		return "", nil, err
	}
	return s.headlessSAML(in, techID)
}

func (s *Server) headlessSAML(in *samlInbound, techID string) (string, url.Values, error) {
	a, err := s.parseAuthn(in)
	if err != nil {
		return "", nil, err
	}
	acct, ok := s.Account(techID)
	if !ok {
		return "", nil, fmt.Errorf("vnconnecttest: no account with TechID %q", techID)
	}
	var xml []byte
	switch {
	case acct.Status != "" && acct.Status != StatusActive:
		xml = s.samlErrorXML(a.sp, a.requestID, statusError(saml.StatusResponder, statusAuthnFailed, "the account is not active"))
	case a.isPassive:
		// No browser, so no session to answer passively from.
		xml = s.samlErrorXML(a.sp, a.requestID, statusError(saml.StatusResponder, saml.StatusNoPassive, "no active session"))
	default:
		xml = s.samlLoginResponse(a.sp, acct, s.openSSOSession(acct, nil), a.requestID, samlMint{})
	}
	return a.sp.ACSURL, url.Values{"SAMLResponse": {b64std(xml)}, "RelayState": {a.relayState}}, nil
}
