package web

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// pendingLogin is what the PendingStore keeps between the redirect to the
// identity provider and the callback, keyed by the state (OIDC) or the
// relay state (SAML).
type pendingLogin struct {
	// Binding is SHA-256 of the pre-login cookie's random value: the
	// callback must come from the browser that started the login. Only the
	// hash is stored, so a store dump cannot forge the cookie.
	Binding []byte `json:"b,omitempty"`
	// OIDC secrets of the authorization request.
	State        string        `json:"s,omitempty"`
	Nonce        string        `json:"n,omitempty"`
	CodeVerifier string        `json:"v,omitempty"`
	MaxAge       time.Duration `json:"ma,omitempty"`
	LoA          string        `json:"loa,omitempty"`
	// ReturnTo is the sanitised landing path, deep link already appended.
	ReturnTo string    `json:"r"`
	Started  time.Time `json:"t"`
}

// Key prefixes in the PendingStore, which the SAML package shares.
const (
	pendingOIDCPrefix = "web:oidc:"
	pendingSAMLPrefix = "web:saml:"
)

// handleLogin starts an OIDC login: GET /auth/login?return_to=/path.
func (h *Handler) handleLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	returnTo, ok := h.returnTo(w, r)
	if !ok {
		return
	}
	req, err := h.client.AuthCodeURL()
	if err != nil {
		h.serverError(w, r, "start login", err)
		return
	}
	binding, err := h.binding(w, r)
	if err != nil {
		h.serverError(w, r, "browser binding", err)
		return
	}
	rec := pendingLogin{
		Binding: bindingHash(binding), State: req.State, Nonce: req.Nonce, CodeVerifier: req.CodeVerifier,
		MaxAge: req.MaxAge, LoA: req.LoA, ReturnTo: returnTo, Started: h.now(),
	}
	if err := h.putPending(r, pendingOIDCPrefix+req.State, &rec); err != nil {
		h.serverError(w, r, "store pending login", err)
		return
	}
	noStore(w)
	http.Redirect(w, r, req.URL, http.StatusFound)
}

// returnTo reads and checks return_to and the deep-link parameters. On a
// bad value it writes the error page and returns ok=false: a login link
// pointing elsewhere is an attack or a bug, and silently landing on "/"
// would hide both.
func (h *Handler) returnTo(w http.ResponseWriter, r *http.Request) (string, bool) {
	q := r.URL.Query()
	rt := h.afterLogin
	if vs, present := q["return_to"]; present {
		if len(vs) != 1 {
			h.page(w, r, http.StatusBadRequest, pageBadReturnTo, nil)
			return "", false
		}
		clean, err := SanitizeReturnTo(vs[0])
		if err != nil {
			h.page(w, r, http.StatusBadRequest, pageBadReturnTo, err)
			return "", false
		}
		rt = clean
	}
	dl, err := ParseDeepLink(q)
	if err != nil {
		h.page(w, r, http.StatusBadRequest, pageBadDeepLink, err)
		return "", false
	}
	rt = dl.appendTo(rt)
	if len(rt) > MaxReturnToLen {
		h.page(w, r, http.StatusBadRequest, pageBadReturnTo, ErrBadReturnTo)
		return "", false
	}
	return rt, true
}

// binding returns this browser's pre-login binding value, setting the
// cookie if there is none. An existing value is kept so that two logins
// started in two tabs both complete.
func (h *Handler) binding(w http.ResponseWriter, r *http.Request) (string, error) {
	if v := tokenCookie(r, h.cookie.login); v != "" {
		// Refresh its lifetime to cover this login too.
		h.cookie.setLogin(w, v, h.loginTTL)
		return v, nil
	}
	v, err := h.token(tokenBytes)
	if err != nil {
		return "", err
	}
	h.cookie.setLogin(w, v, h.loginTTL)
	return v, nil
}

func bindingHash(v string) []byte {
	sum := sha256.Sum256([]byte("rpkit-web-binding:" + v))
	return sum[:]
}

func (h *Handler) putPending(r *http.Request, key string, rec *pendingLogin) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return h.pending.Put(r.Context(), key, data, h.loginTTL)
}

// takePending fetches and consumes a pending login. A missing or expired
// one is ErrStateUnknown.
func (h *Handler) takePending(r *http.Request, key string) (*pendingLogin, error) {
	data, err := h.pending.Take(r.Context(), key)
	if err != nil {
		return nil, fmt.Errorf("web: pending store: %w", err)
	}
	if data == nil {
		return nil, ErrStateUnknown
	}
	rec := new(pendingLogin)
	if err := json.Unmarshal(data, rec); err != nil {
		return nil, fmt.Errorf("web: pending login record: %w", err)
	}
	// The store's TTL should have dropped it; do not rely on it.
	if !h.now().Before(rec.Started.Add(h.loginTTL)) {
		return nil, ErrStateUnknown
	}
	return rec, nil
}
