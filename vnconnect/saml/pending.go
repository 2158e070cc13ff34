package saml

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// A pending request lives in the RequestStore from the moment the browser
// is sent to the IdP until the IdP's answer arrives, on this replica or
// another. Its key is the request ID, which comes back inside the signed
// assertion (InResponseTo), so the lookup never trusts an unsigned form
// field; Take makes it single use.
type pendingRecord struct {
	Kind    string `json:"k"`
	ID      string `json:"id"`
	Binding string `json:"b,omitempty"` // hex SHA-256 of the browser secret
	Relay   string `json:"r,omitempty"` // the caller's relay state, kept server side
}

const (
	kindAuthn      = "authn"
	kindLogout     = "logout"
	storeKeyPrefix = "saml:req:"
	idRandomBytes  = 20
	secretBytes    = 32
)

// newID returns a fresh message ID: "_" (IDs are xs:ID, which cannot start
// with a digit) and 160 random bits, so IDs are unguessable store keys.
func (sp *ServiceProvider) newID() (string, error) {
	var b [idRandomBytes]byte
	if _, err := io.ReadFull(sp.rand, b[:]); err != nil {
		return "", fmt.Errorf("saml: random source: %w", err)
	}
	return "_" + hex.EncodeToString(b[:]), nil
}

func (sp *ServiceProvider) putPending(ctx context.Context, rec pendingRecord) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := sp.requests.Put(ctx, storeKeyPrefix+rec.ID, v, sp.requestTTL); err != nil {
		return fmt.Errorf("saml: recording request: %w", err)
	}
	return nil
}

// takePending consumes the record of request id. It returns
// ErrInResponseTo when there is none, it is of another kind, or it was
// bound to a browser that is not this one.
func (sp *ServiceProvider) takePending(ctx context.Context, kind, id, browserSecret string) (*pendingRecord, error) {
	if id == "" || len(id) > 256 {
		return nil, errf(ErrInResponseTo, "no request ID")
	}
	v, err := sp.requests.Take(ctx, storeKeyPrefix+id)
	if err != nil {
		return nil, fmt.Errorf("saml: request store: %w", err)
	}
	if v == nil {
		return nil, errf(ErrInResponseTo, "unknown, expired or already used request")
	}
	var rec pendingRecord
	if err := json.Unmarshal(v, &rec); err != nil || rec.Kind != kind || rec.ID != id {
		return nil, errf(ErrInResponseTo, "request record does not match")
	}
	if rec.Binding != "" {
		got := hashSecret(browserSecret)
		if browserSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(rec.Binding)) != 1 {
			return nil, errf(ErrInResponseTo, "request was started by another browser")
		}
	}
	return &rec, nil
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// browserSecret returns the browser's binding secret, setting the cookie
// when the browser has none yet. One secret per browser (not per request)
// lets two logins started in two tabs both complete.
//
// The cookie is SameSite=None when Secure: the IdP posts the response to
// the ACS from its own site, and a Lax or Strict cookie would not be sent
// with that cross-site POST. HttpOnly; __Host- prefixed by default.
func (sp *ServiceProvider) browserSecret(w http.ResponseWriter, r *http.Request) (string, error) {
	if r != nil {
		if c, err := r.Cookie(sp.cookieName); err == nil && validSecret(c.Value) {
			return c.Value, nil
		}
	}
	var b [secretBytes]byte
	if _, err := io.ReadFull(sp.rand, b[:]); err != nil {
		return "", fmt.Errorf("saml: random source: %w", err)
	}
	s := base64.RawURLEncoding.EncodeToString(b[:])
	c := &http.Cookie{
		Name:     sp.cookieName,
		Value:    s,
		Path:     "/",
		MaxAge:   int(sp.requestTTL.Seconds()),
		HttpOnly: true,
		Secure:   sp.cookieSecure,
		SameSite: http.SameSiteLaxMode,
	}
	if sp.cookieSecure {
		c.SameSite = http.SameSiteNoneMode
	}
	http.SetCookie(w, c)
	return s, nil
}

func validSecret(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == secretBytes
}

// cookieSecret reads the binding cookie of an incoming answer ("" if none).
func (sp *ServiceProvider) cookieSecret(r *http.Request) string {
	if c, err := r.Cookie(sp.cookieName); err == nil && validSecret(c.Value) {
		return c.Value
	}
	return ""
}
