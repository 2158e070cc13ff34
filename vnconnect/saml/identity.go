package saml

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Assertion is an accepted login: the person, as the same
// *vnconnect.Identity the OIDC client returns, and the SAML session data
// single logout needs.
type Assertion struct {
	// Identity is built from the attributes with vnconnect.IdentityFromClaims;
	// its Subject is the NameID (or, without one, the TechID attribute).
	Identity *vnconnect.Identity
	// NameID and NameIDFormat identify the subject at the IdP; keep them
	// with the session for LogoutRequest.
	NameID       string
	NameIDFormat string
	// SessionIndex names the IdP session; keep it for single logout.
	SessionIndex string
	// Issuer is the IdP's entity ID.
	Issuer string
	// AssertionID is the accepted assertion's ID (now in the replay cache).
	AssertionID string
	// AuthnInstant is when the person authenticated at the IdP.
	AuthnInstant time.Time
	// AuthnContextClassRef is the authentication context, as sent.
	AuthnContextClassRef string
	// SessionNotOnOrAfter is the IdP's limit on the session, zero if none.
	SessionNotOnOrAfter time.Time
	// RelayState is, for an SP-initiated login, the value given to
	// AuthnRequest (kept server side, so trustworthy). For an IdP-initiated
	// login it is whatever the IdP (or an attacker) posted: treat it as
	// untrusted input and validate it like any return_to.
	RelayState string
	// IdPInitiated is true when the response answered no request.
	IdPInitiated bool
}

// identity turns the attribute statement into a claims object and maps it
// with the OIDC client's own function, so that a SAML login and an OIDC
// login of the same account produce equal Identity values.
func (sp *ServiceProvider) identity(c *checkedResponse) (*vnconnect.Identity, error) {
	claims := make(map[string]any, len(c.attrs)+1)
	for _, a := range c.attrs {
		name := a.name
		if n, ok := sp.attrNames[name]; ok {
			name = n
		}
		if name == vnconnect.ClaimSubject {
			continue // the subject is the NameID, never an attribute
		}
		switch prev := claims[name].(type) {
		case nil:
			if len(a.values) == 1 {
				claims[name] = a.values[0]
			} else {
				claims[name] = append([]string(nil), a.values...)
			}
		case string:
			claims[name] = append([]string{prev}, a.values...)
		case []string:
			claims[name] = append(prev, a.values...)
		}
	}
	sub := c.subject.nameID
	if sub == "" {
		if t, ok := claims[vnconnect.ClaimTechID].(string); ok {
			sub = t
		}
	}
	if sub == "" {
		return nil, errf(ErrMalformed, "no NameID and no TechID attribute")
	}
	claims[vnconnect.ClaimSubject] = sub
	raw, err := json.Marshal(claims)
	if err != nil {
		return nil, errf(ErrMalformed, "attributes")
	}
	id, err := vnconnect.IdentityFromClaims(raw)
	if err != nil {
		if errors.Is(err, vnconnect.ErrResponseTooLarge) {
			return nil, fmt.Errorf("%w: %w", ErrTooLarge, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return id, nil
}
