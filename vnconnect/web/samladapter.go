package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

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
	sp *saml.ServiceProvider

	mu          sync.Mutex // guards afterLogout and fromHandler
	afterLogout string     // "/" until SAMLAfterLogout or a Handler sets it
	ownLogout   bool       // set by SAMLAfterLogout, which New keeps
	fromHandler bool       // set by New from Config.AfterLogout
}

var (
	_ SAMLProvider        = (*SAMLAdapter)(nil)
	_ afterLogoutReceiver = (*SAMLAdapter)(nil)
)

// afterLogoutReceiver is a SAMLProvider that sends the browser somewhere
// once a logout is confirmed: New hands it Config.AfterLogout, so that the
// path is configured once. The provider is configured in place rather
// than replaced, so that a type embedding *SAMLAdapter to decorate it
// stays the Handler's provider.
type afterLogoutReceiver interface {
	setAfterLogout(path string) error
}

// setAfterLogout makes path (already a clean same-origin path) the
// after-logout path, unless SAMLAfterLogout chose one. An adapter shared
// by Handlers must be given the same path by each: which one would win
// is otherwise a matter of start-up order.
func (a *SAMLAdapter) setAfterLogout(path string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.ownLogout:
	case !a.fromHandler:
		a.afterLogout, a.fromHandler = path, true
	case a.afterLogout != path:
		return errors.New("web: Config.SAML is shared by Handlers with different AfterLogout paths; give it SAMLAfterLogout")
	}
	return nil
}

// afterLogoutPath is where the browser goes once a logout is confirmed.
func (a *SAMLAdapter) afterLogoutPath() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.afterLogout
}

// SAMLAdapterOption configures NewSAMLProvider.
type SAMLAdapterOption func(*SAMLAdapter)

// SAMLAfterLogout sets where the browser lands when the IdP confirms an
// SP-initiated logout. It is not needed with New, which gives the adapter
// Config.AfterLogout; when given, it takes precedence there (a SAML-only
// landing page, or one adapter shared by Handlers with different
// AfterLogout paths, which New otherwise refuses), and it is the path of
// an adapter used outside a Handler, where the default is "/". It must be a same-origin path
// (SanitizeReturnTo); NewSAMLProvider panics otherwise, as it is a
// constant of the program, not input.
func SAMLAfterLogout(path string) SAMLAdapterOption {
	return func(a *SAMLAdapter) { a.afterLogout, a.ownLogout = path, true }
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
