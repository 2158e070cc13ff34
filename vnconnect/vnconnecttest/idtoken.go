package vnconnecttest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// tokenContext is what an ID token is built from.
type tokenContext struct {
	clientID    string
	account     Account
	nonce       string
	acr         string // requested acr_values (for LowLoA)
	accessToken string
	authTime    time.Time
	sid         string
}

// halfHash is at_hash / c_hash for RS256: the left half of SHA-256,
// base64url without padding (OIDC Core §3.1.3.6).
func halfHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

func (s *Server) idTokenClaims(tc tokenContext) map[string]any {
	now := s.now()
	c := map[string]any{
		"iss":       s.Issuer(),
		"sub":       tc.account.sub(),
		"aud":       []string{tc.clientID},
		"azp":       tc.clientID,
		"iat":       now.Unix(),
		"exp":       now.Add(s.ttl.id).Unix(),
		"auth_time": tc.authTime.Unix(),
		"acr":       tc.account.loa(),
	}
	if tc.nonce != "" {
		c["nonce"] = tc.nonce
	}
	if tc.accessToken != "" {
		c["at_hash"] = halfHash(tc.accessToken)
	}
	if tc.sid != "" {
		c["sid"] = tc.sid
	}
	return c
}

// IDTokenClaims returns the claims the fake would put in an ID token for
// the account and client now, with no nonce, at_hash or sid: a base for
// MintIDToken in verifier tests. It panics if techID is unknown.
func (s *Server) IDTokenClaims(clientID, techID string) map[string]any {
	a, ok := s.Account(techID)
	if !ok {
		panic("vnconnecttest: IDTokenClaims: unknown TechID " + techID)
	}
	return s.idTokenClaims(tokenContext{clientID: clientID, account: a, authTime: s.now()})
}

// MintOption changes how MintIDToken signs.
type MintOption func(*mintOptions)

type mintOptions struct {
	faults Faults
	typ    string
}

// MintFaults applies the claim and signature faults of f to the minted
// token (the transport faults are ignored).
func MintFaults(f Faults) MintOption { return func(o *mintOptions) { o.faults = f } }

// MintType sets the "typ" header, "JWT" by default.
func MintType(typ string) MintOption { return func(o *mintOptions) { o.typ = typ } }

// MintIDToken signs claims exactly as given with the current key (RS256,
// kid set), for direct verifier tests. Claims are not checked: any JSON
// value goes. Combine with IDTokenClaims for a realistic start.
func (s *Server) MintIDToken(claims map[string]any, opts ...MintOption) string {
	o := mintOptions{typ: "JWT"}
	for _, opt := range opts {
		opt(&o)
	}
	c := make(map[string]any, len(claims))
	for k, v := range claims {
		c[k] = v
	}
	s.applyClaimFaults(c, o.faults, "")
	return s.sign(c, o.typ, o.faults)
}

// applyClaimFaults corrupts claims in place as f asks. requestedACR is the
// acr_values of the authorization request.
func (s *Server) applyClaimFaults(c map[string]any, f Faults, requestedACR string) {
	now := s.now()
	if f.ExpiredIDToken {
		c["iat"] = now.Add(-2 * time.Hour).Unix()
		c["exp"] = now.Add(-time.Hour).Unix()
		c["auth_time"] = now.Add(-2 * time.Hour).Unix()
	}
	if f.FutureIDToken {
		c["iat"] = now.Add(time.Hour).Unix()
		c["exp"] = now.Add(2 * time.Hour).Unix()
	}
	if f.NotYetValid {
		c["nbf"] = now.Add(time.Hour).Unix()
	}
	if f.WrongIssuer {
		c["iss"] = "https://xacthuc.dichvucong.gov.vn.invalid/oauth2/token"
	}
	if f.WrongAudience {
		c["aud"] = []string{"another-relying-party"}
		c["azp"] = "another-relying-party"
	}
	if f.WrongAzp {
		c["aud"] = append(audience(c), "another-relying-party")
		c["azp"] = "another-relying-party"
	}
	if f.WrongNonce {
		c["nonce"] = s.randomToken()
	}
	if f.WrongAtHash {
		c["at_hash"] = halfHash(s.randomToken())
	}
	if f.WrongCHash {
		c["c_hash"] = halfHash(s.randomToken())
	}
	if f.MissingSub {
		delete(c, "sub")
	}
	if f.MissingIat {
		delete(c, "iat")
	}
	if f.LowLoA {
		c["acr"] = fmt.Sprintf("LoA%d", max(loaRank(highestACR(requestedACR))-1, 0))
	}
}

// audience reads "aud" as a list whatever JSON shape the caller gave it.
func audience(c map[string]any) []string {
	switch v := c["aud"].(type) {
	case string:
		return []string{v}
	case []string:
		return append([]string(nil), v...)
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// highestACR is the strongest level among space-separated acr_values.
func highestACR(values string) string {
	best := ""
	for _, v := range strings.Fields(values) {
		if loaRank(v) > loaRank(best) {
			best = v
		}
	}
	return best
}

// sign serialises claims as a compact JWS, honouring the signature faults.
func (s *Server) sign(claims map[string]any, typ string, f Faults) string {
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(fmt.Sprintf("vnconnecttest: claims are not JSON: %v", err))
	}
	key := s.currentKey()
	if f.AlgNone {
		// jwx refuses to produce "none"; an attacker writes it by hand.
		h, _ := json.Marshal(map[string]string{"alg": "none", "typ": typ})
		return b64(h) + "." + b64(payload) + "."
	}
	hdr := jws.NewHeaders()
	_ = hdr.Set(jws.TypeKey, typ)
	if !f.NoKidSeveralKeys {
		_ = hdr.Set(jws.KeyIDKey, key.kid)
	} else {
		s.decoyKey() // make sure the JWKS has several keys from now on
	}
	alg, secret := jwa.SignatureAlgorithm(jwa.RS256), any(key.priv)
	switch {
	case f.HS256WithPublicKey:
		alg, secret = jwa.HS256, key.publicPEM()
	case f.HS256WithPublicKeyDER:
		alg, secret = jwa.HS256, key.publicDER()
	}
	out, err := jws.Sign(payload, jws.WithKey(alg, secret, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		panic(fmt.Sprintf("vnconnecttest: sign: %v", err))
	}
	tok := string(out)
	if f.BadSignature {
		tok = flipSignatureBit(tok)
	}
	return tok
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// flipSignatureBit changes one bit of the decoded signature, so the token
// is well-formed but does not verify.
func flipSignatureBit(tok string) string {
	i := strings.LastIndexByte(tok, '.')
	sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil || len(sig) == 0 {
		panic("vnconnecttest: cannot decode own signature")
	}
	sig[len(sig)/2] ^= 0x01
	return tok[:i+1] + b64(sig)
}
