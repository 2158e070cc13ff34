package vnconnecttest

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
)

// signingKey is one RSA key and its kid, the RFC 7638 thumbprint as WSO2
// derives kids from the certificate rather than choosing names.
type signingKey struct {
	kid  string
	priv *rsa.PrivateKey
}

func newSigningKey(priv *rsa.PrivateKey, r io.Reader) (signingKey, error) {
	if priv == nil {
		var err error
		if priv, err = rsa.GenerateKey(r, 2048); err != nil {
			return signingKey{}, fmt.Errorf("vnconnecttest: generate key: %w", err)
		}
	}
	k, err := jwk.FromRaw(&priv.PublicKey)
	if err != nil {
		return signingKey{}, fmt.Errorf("vnconnecttest: key: %w", err)
	}
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return signingKey{}, fmt.Errorf("vnconnecttest: key thumbprint: %w", err)
	}
	return signingKey{kid: base64.RawURLEncoding.EncodeToString(tp), priv: priv}, nil
}

func (k signingKey) publicJWK() jwk.Key {
	j, err := jwk.FromRaw(&k.priv.PublicKey)
	if err != nil {
		panic(err) // FromRaw of an RSA public key cannot fail
	}
	_ = j.Set(jwk.KeyIDKey, k.kid)
	_ = j.Set(jwk.AlgorithmKey, jwa.RS256)
	_ = j.Set(jwk.KeyUsageKey, jwk.ForSignature)
	return j
}

// publicPEM is the public key as a PKIX PEM block: what a confused verifier
// might feed to HMAC as the "secret" (the classic RS256→HS256 confusion).
func (k signingKey) publicPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: k.publicDER()})
}

func (k signingKey) publicDER() []byte {
	der, err := x509.MarshalPKIXPublicKey(&k.priv.PublicKey)
	if err != nil {
		panic(err)
	}
	return der
}

// keyring holds the current signing key, the retired keys still published
// so tokens signed before a rotation verify, and a decoy key published only
// for the NoKidSeveralKeys fault. Guarded by Server.mu.
type keyring struct {
	current signingKey
	retired []signingKey
	decoy   *signingKey
}

func (kr *keyring) init(priv *rsa.PrivateKey, r io.Reader) error {
	k, err := newSigningKey(priv, r)
	if err != nil {
		return err
	}
	kr.current = k
	return nil
}

// RotateKeys generates a new signing key used from now on. The previous key
// stays in the JWKS (unless Config.DropRetiredKeys), as a real rotation keeps
// it until the tokens it signed expire.
func (s *Server) RotateKeys() {
	k, err := newSigningKey(nil, s.randReader())
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dropOld {
		s.keys.retired = nil
	} else {
		s.keys.retired = append(s.keys.retired, s.keys.current)
	}
	s.keys.current = k
}

// RemoveRetiredKeys drops every key but the current one from the JWKS, so
// tokens signed before a rotation no longer verify.
func (s *Server) RemoveRetiredKeys() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys.retired = nil
}

// KeyID is the kid of the current signing key.
func (s *Server) KeyID() string { return s.currentKey().kid }

// PublicKey is the current signing key's public half, for verifier tests
// that use a static key set.
func (s *Server) PublicKey() *rsa.PublicKey { return &s.currentKey().priv.PublicKey }

// JWKS returns the JWK set document /oauth2/jwks serves now.
func (s *Server) JWKS() []byte {
	b, err := json.Marshal(s.publishedKeys())
	if err != nil {
		panic(err)
	}
	return b
}

func (s *Server) currentKey() signingKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys.current
}

// randReader adapts the injected source to the lock the Server uses for it.
func (s *Server) randReader() io.Reader {
	return readerFunc(func(p []byte) (int, error) {
		copy(p, s.randomBytes(len(p)))
		return len(p), nil
	})
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// decoyKey returns the extra key published while NoKidSeveralKeys is set,
// creating it once.
func (s *Server) decoyKey() signingKey {
	s.mu.Lock()
	d := s.keys.decoy
	s.mu.Unlock()
	if d != nil {
		return *d
	}
	k, err := newSigningKey(nil, s.randReader())
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys.decoy == nil {
		s.keys.decoy = &k
	}
	return *s.keys.decoy
}

func (s *Server) publishedKeys() jwk.Set {
	var decoy *signingKey
	if s.faultsNow().NoKidSeveralKeys {
		d := s.decoyKey()
		decoy = &d
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	set := jwk.NewSet()
	add := func(k signingKey) { _ = set.AddKey(k.publicJWK()) }
	add(s.keys.current)
	for _, k := range s.keys.retired {
		add(k)
	}
	if decoy != nil {
		add(*decoy)
	}
	return set
}

func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	w.Header().Set("Cache-Control", s.jwksCache)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(s.JWKS())
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
}
