package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/rpkit-vn/rpkit/vnconnect/saml"
)

// SAMLAdapter is the SAMLProvider for a *saml.ServiceProvider: it plugs
// package vnconnect/saml into the Handler.
//
//	sp, err := saml.New(saml.Config{…, SLOURL: base + "/saml/slo", Key: key, Certificate: cert})
//	h, err := web.New(web.Config{SAML: web.NewSAMLProvider(sp), …})
//
// Everything that needs XML or a signature is the ServiceProvider's; the
// adapter only translates between it and the Handler, and decides where
// the browser goes after a logout. It keeps no state of its own, so every
// replica may build its own adapter over a ServiceProvider sharing the
// same stores.
type SAMLAdapter struct {
	sp          *saml.ServiceProvider
	afterLogout string
}

var _ SAMLProvider = (*SAMLAdapter)(nil)

// SAMLAdapterOption configures NewSAMLProvider.
type SAMLAdapterOption func(*SAMLAdapter)

// SAMLAfterLogout sets where the browser lands when the IdP confirms an
// SP-initiated logout; the default is "/". Give it the Handler's
// Config.AfterLogout: the adapter cannot read the Handler's config. It
// must be a same-origin path (SanitizeReturnTo); NewSAMLProvider panics
// otherwise, as it is a constant of the program, not input.
func SAMLAfterLogout(path string) SAMLAdapterOption {
	return func(a *SAMLAdapter) { a.afterLogout = path }
}

// NewSAMLProvider adapts sp to the Handler. sp needs SLOURL (the Handler's
// Paths.SAMLSLO under BaseURL), Key and Certificate for single logout;
// without them login works and the SLO methods return saml.ErrConfig.
// It panics if sp is nil or an option is invalid.
func NewSAMLProvider(sp *saml.ServiceProvider, opts ...SAMLAdapterOption) *SAMLAdapter {
	if sp == nil {
		panic("web: NewSAMLProvider: nil *saml.ServiceProvider")
	}
	a := &SAMLAdapter{sp: sp, afterLogout: "/"}
	for _, o := range opts {
		o(a)
	}
	clean, err := SanitizeReturnTo(a.afterLogout)
	if err != nil {
		panic(fmt.Sprintf("web: SAMLAfterLogout: %v", err))
	}
	a.afterLogout = clean
	return a
}

// Metadata returns the SP metadata. ctx is unused: the SP's own
// metadata needs no I/O.
func (a *SAMLAdapter) Metadata(context.Context) ([]byte, error) { return a.sp.Metadata() }

// StartLogin sends the browser to the IdP with an AuthnRequest (the
// ServiceProvider's configured binding). relayState stays server-side in
// the request store and comes back in SAMLLogin.RelayState.
func (a *SAMLAdapter) StartLogin(w http.ResponseWriter, r *http.Request, relayState string) error {
	return a.sp.AuthnRequest(r.Context(), w, r, relayState)
}

// HandleACS verifies the POSTed Response (signature policy, conditions,
// InResponseTo bound to this browser, assertion replay) and returns the
// login. Errors wrap the saml package's sentinels.
func (a *SAMLAdapter) HandleACS(r *http.Request) (*SAMLLogin, error) {
	as, err := a.sp.ParseResponse(r.Context(), r)
	if err != nil {
		return nil, err
	}
	l := &SAMLLogin{
		Identity: as.Identity, Issuer: as.Issuer, NameID: as.NameID, NameIDFormat: as.NameIDFormat,
		SessionIndex: as.SessionIndex, RelayState: as.RelayState,
	}
	// The Handler reads RelayState as the key of its pending login. For
	// an SP-initiated login the ServiceProvider returns the value we
	// stored, but an IdP-initiated one carries whatever was posted:
	// letting it pick (and consume) someone's pending login would be
	// wrong, so such a login lands on Config.AfterLogin instead.
	if as.IdPInitiated {
		l.RelayState = ""
	}
	return l, nil
}
