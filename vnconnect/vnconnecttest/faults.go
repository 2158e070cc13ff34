package vnconnecttest

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"
)

// Endpoint names used as keys of Faults.Slow, Fail and Oversized.
const (
	EndpointDiscovery  = "discovery"
	EndpointJWKS       = "jwks"
	EndpointAuthorize  = "authorize" // /oauth2/authorize and the login page
	EndpointToken      = "token"
	EndpointUserInfo   = "userinfo"
	EndpointRevoke     = "revoke"
	EndpointIntrospect = "introspect"
	EndpointLogout     = "logout"
	EndpointDirectory  = "directory" // search and TraCuuTechID
)

var endpointNames = []string{EndpointDiscovery, EndpointJWKS, EndpointAuthorize, EndpointToken,
	EndpointUserInfo, EndpointRevoke, EndpointIntrospect, EndpointLogout, EndpointDirectory, EndpointSAML}

// OversizedBytes is how much an endpoint with a Faults.Oversized entry
// sends: far more than any sane client limit. It is streamed, not held in
// memory.
const OversizedBytes = 20 << 20

// Faults makes the fake misbehave on purpose, so relying-party code can be
// shown to refuse what it must. Token faults apply to every ID token the
// token endpoint issues (both grants) while set; the zero value is a
// well-behaved server.
type Faults struct {
	ExpiredIDToken     bool // exp an hour ago
	FutureIDToken      bool // iat an hour ahead (exp after it)
	NotYetValid        bool // nbf an hour ahead
	WrongIssuer        bool // iss of another host
	WrongAudience      bool // aud and azp name another client only
	WrongAzp           bool // aud has the client and another; azp the other
	BadSignature       bool // RS256 signature with a flipped bit
	AlgNone            bool // alg "none", empty signature
	HS256WithPublicKey bool // HS256, the HMAC secret is the public key's PEM
	// HS256WithPublicKeyDER is HS256WithPublicKey with the PKIX DER bytes
	// as the secret instead of PEM.
	HS256WithPublicKeyDER bool
	NoKidSeveralKeys      bool // no kid header; the JWKS publishes a second key
	WrongNonce            bool
	WrongAtHash           bool
	WrongCHash            bool // adds a c_hash that matches nothing
	UserInfoSubMismatch   bool // UserInfo answers with another sub
	MissingSub            bool
	MissingIat            bool
	// LowLoA sets acr one level below what acr_values asked for ("LoA0"
	// when LoA1 or nothing was asked, which is not a level at all).
	LowLoA bool

	// Slow delays an endpoint by the duration, returning early if the
	// client gives up (the request context ends).
	Slow map[string]time.Duration
	// Fail makes an endpoint answer with the status code and an OAuth
	// error body "temporarily_unavailable".
	Fail map[string]int
	// Oversized makes an endpoint stream OversizedBytes of JSON-looking
	// padding with status 200.
	Oversized map[string]bool
}

// SetFaults replaces the active faults. It panics on an endpoint name not
// among the Endpoint… constants: a typo would silently test nothing.
func (s *Server) SetFaults(f Faults) {
	for _, m := range []map[string]bool{keys(f.Slow), keys(f.Fail), f.Oversized} {
		for name := range m {
			if !validEndpoint(name) {
				panic(fmt.Sprintf("vnconnecttest: unknown endpoint %q in Faults (want one of %s)", name, strings.Join(endpointNames, ", ")))
			}
		}
	}
	f.Slow, f.Fail, f.Oversized = maps.Clone(f.Slow), maps.Clone(f.Fail), maps.Clone(f.Oversized)
	s.faultMu.Lock()
	s.faults = f
	s.faultMu.Unlock()
}

// ClearFaults restores normal behaviour.
func (s *Server) ClearFaults() { s.SetFaults(Faults{}) }

// faultsNow is a snapshot; its maps are never written after SetFaults.
func (s *Server) faultsNow() Faults {
	s.faultMu.RLock()
	defer s.faultMu.RUnlock()
	return s.faults
}

func keys[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

func validEndpoint(name string) bool {
	for _, n := range endpointNames {
		if n == name {
			return true
		}
	}
	return false
}

// endpoint wraps a route with the transport faults for its name.
func (s *Server) endpoint(name string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := s.faultsNow()
		if d := f.Slow[name]; d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if code := f.Fail[name]; code != 0 {
			writeJSON(w, code, map[string]string{"error": "temporarily_unavailable", "error_description": "vnconnecttest: injected failure"})
			return
		}
		if f.Oversized[name] {
			streamOversized(w, r)
			return
		}
		h(w, r)
	})
}

// streamOversized writes a JSON object whose one string member never ends
// within any reasonable limit, in 32 KiB chunks, without Content-Length so
// a client cannot refuse it from the header alone.
func streamOversized(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	chunk := []byte(strings.Repeat("A", 32<<10))
	if _, err := w.Write([]byte(`{"padding":"`)); err != nil {
		return
	}
	for sent := 0; sent < OversizedBytes; sent += len(chunk) {
		if r.Context().Err() != nil {
			return
		}
		if _, err := w.Write(chunk); err != nil {
			return // the client stopped reading, as it should
		}
	}
	_, _ = w.Write([]byte(`"}`))
}
