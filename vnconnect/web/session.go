package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Protocols a session can come from.
const (
	ProtocolOIDC = "oidc"
	ProtocolSAML = "saml"
)

// Session is one logged-in browser, kept server-side in a SessionStore.
//
// Its exported fields are what a store persists; MarshalSession and
// UnmarshalSession are the encoding shared stores use, so a store never
// needs to know the fields.
type Session struct {
	// ID is the store key: the SHA-256 (base64url) of the random 256-bit
	// token the cookie carries (SessionIDFromCookie). The token itself is
	// stored nowhere.
	ID string `json:"id"`
	// Protocol is ProtocolOIDC or ProtocolSAML.
	Protocol string `json:"proto"`
	// Issuer is the identity provider: the OIDC issuer, or the SAML IdP
	// entity ID.
	Issuer string `json:"iss"`
	// Subject is the ID token's "sub" (SAML: the NameID).
	Subject string `json:"sub"`
	// SID is the provider session: the ID token's "sid" (SAML: the
	// SessionIndex). Empty when the provider sent none.
	SID string `json:"sid,omitempty"`

	// Identity is the person, as mapped from the UserInfo claims (or the
	// SAML attributes). It is not encoded itself: Claims is, and
	// UnmarshalSession rebuilds Identity from it. Treat it as read-only.
	Identity *vnconnect.Identity `json:"-"`
	// Claims is the raw claims document Identity was built from. Set by
	// MarshalSession from Identity.Raw when empty.
	Claims json.RawMessage `json:"claims,omitempty"`

	// IDToken is the raw ID token, sent back as id_token_hint on
	// RP-initiated logout. Empty for SAML sessions.
	IDToken string `json:"idt,omitempty"`
	// NameID and NameIDFormat identify a SAML subject for SP-initiated SLO.
	NameID       string `json:"nameid,omitempty"`
	NameIDFormat string `json:"nameidfmt,omitempty"`

	// CSRF is this session's anti-forgery token (see Handler.CSRFToken).
	CSRF string `json:"csrf"`

	// CreatedAt is the login time.
	CreatedAt time.Time `json:"created"`
	// LastSeen is when the idle deadline was last pushed forward. The
	// middleware refreshes it at most every Config.TouchInterval, so it
	// may lag the last request by that much.
	LastSeen time.Time `json:"seen"`
	// IdleUntil is when the session ends if not used (LastSeen + idle timeout).
	IdleUntil time.Time `json:"idle_until"`
	// AbsoluteUntil is when the session ends regardless of use
	// (CreatedAt + absolute timeout).
	AbsoluteUntil time.Time `json:"abs_until"`
}

// ExpiresAt is the earlier of IdleUntil and AbsoluteUntil: when a store may
// forget the session. A zero deadline is treated as "none".
func (s *Session) ExpiresAt() time.Time {
	switch {
	case s.IdleUntil.IsZero():
		return s.AbsoluteUntil
	case s.AbsoluteUntil.IsZero():
		return s.IdleUntil
	case s.IdleUntil.Before(s.AbsoluteUntil):
		return s.IdleUntil
	default:
		return s.AbsoluteUntil
	}
}

// Expired reports whether the session is over at now.
func (s *Session) Expired(now time.Time) bool {
	exp := s.ExpiresAt()
	return exp.IsZero() || !now.Before(exp)
}

// clone returns a copy whose mutable fields the caller may change without
// touching the original. Identity is shared: it is read-only by contract.
func (s *Session) clone() *Session {
	c := *s
	return &c
}

// sessionFormat versions the encoding so that a store shared by replicas
// running different versions can refuse what it does not understand.
const sessionFormat = 1

type sessionEnvelope struct {
	V int `json:"v"`
	*Session
}

// MarshalSession encodes s for a shared store. The identity travels as its
// raw claims document (Session.Claims, taken from Identity.Raw when empty).
func MarshalSession(s *Session) ([]byte, error) {
	if s == nil {
		return nil, errors.New("web: MarshalSession: nil session")
	}
	c := *s
	if len(c.Claims) == 0 && c.Identity != nil && len(c.Identity.Raw) > 0 {
		raw, err := json.Marshal(c.Identity.Raw)
		if err != nil {
			return nil, fmt.Errorf("web: MarshalSession: claims: %w", err)
		}
		c.Claims = raw
	}
	return json.Marshal(sessionEnvelope{V: sessionFormat, Session: &c})
}

// UnmarshalSession decodes what MarshalSession produced and rebuilds
// Session.Identity from the claims with vnconnect.IdentityFromClaims.
func UnmarshalSession(data []byte) (*Session, error) {
	s := new(Session)
	env := sessionEnvelope{Session: s}
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("web: UnmarshalSession: %w", err)
	}
	if env.V != sessionFormat {
		return nil, fmt.Errorf("web: UnmarshalSession: unsupported format %d", env.V)
	}
	if s.ID == "" {
		return nil, errors.New("web: UnmarshalSession: no session ID")
	}
	if len(s.Claims) > 0 {
		id, err := vnconnect.IdentityFromClaims(s.Claims)
		if err != nil {
			return nil, fmt.Errorf("web: UnmarshalSession: %w", err)
		}
		s.Identity = id
	}
	return s, nil
}
