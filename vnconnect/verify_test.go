package vnconnect

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
)

func TestVerifyValidToken(t *testing.T) {
	v := vtVerifier(t, vtStatic(t, &vtRSAKeyA().PublicKey), nil)
	raw := vtMint(t, vtToken{kid: "k1"})
	tok, err := v.Verify(context.Background(), raw, VerifyParams{Nonce: vtNonce, AccessToken: vtAccessToken, RequireAtHash: true})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Issuer != vtIssuer || tok.Subject != vtSubject || tok.ACR != "LoA2" || tok.Nonce != vtNonce ||
		tok.AuthorizedParty != vtClientID || len(tok.Audience) != 1 || tok.SID == "" || tok.Raw != raw {
		t.Fatalf("fields not filled: %+v", tok)
	}
	if !tok.Expiry.Equal(vtNow.Add(time.Hour)) || !tok.IssuedAt.Equal(vtNow.Add(-time.Minute)) ||
		!tok.AuthTime.Equal(vtNow.Add(-2*time.Minute)) || !tok.NotBefore.IsZero() {
		t.Fatalf("times wrong: %+v", tok)
	}
	var extra struct {
		TechID       string
		LoaiTaiKhoan int
	}
	if err := tok.Claims(&extra); err != nil || extra.TechID == "" || extra.LoaiTaiKhoan != 1 {
		t.Fatalf("Claims: %v %+v", err, extra)
	}
	if err := (*IDToken)(nil).Claims(&extra); err == nil {
		t.Fatal("Claims on nil token should fail")
	}
}

// TestVerifyClaimRules tries to break each claim rule; every case must be
// refused with its sentinel (or accepted where the rule allows it).
func TestVerifyClaimRules(t *testing.T) {
	ks := vtStatic(t, &vtRSAKeyA().PublicKey)
	base := VerifyParams{Nonce: vtNonce, AccessToken: vtAccessToken}
	tests := []struct {
		name   string
		mod    func(map[string]any)
		cfg    func(*VerifierConfig)
		params func(*VerifyParams)
		want   error // nil: accepted
	}{
		{name: "expired", mod: func(c map[string]any) { c["exp"] = vtNow.Add(-time.Second).Unix() }, want: ErrTokenExpired},
		{name: "expired within leeway", mod: func(c map[string]any) { c["exp"] = vtNow.Add(-30 * time.Second).Unix() },
			cfg: func(c *VerifierConfig) { c.Leeway = time.Minute }},
		{name: "expired beyond leeway", mod: func(c map[string]any) { c["exp"] = vtNow.Add(-61 * time.Second).Unix() },
			cfg: func(c *VerifierConfig) { c.Leeway = time.Minute }, want: ErrTokenExpired},
		{name: "exp missing", mod: func(c map[string]any) { delete(c, "exp") }, want: ErrMissingClaim},
		{name: "exp as string", mod: func(c map[string]any) { c["exp"] = "2099-01-01" }, want: ErrMalformedToken},
		{name: "exp fractional", mod: func(c map[string]any) { c["exp"] = float64(vtNow.Unix()) + 0.5 }},
		{name: "exp absurd", mod: func(c map[string]any) { c["exp"] = 1e300 }, want: ErrMalformedToken},
		{name: "nbf future", mod: func(c map[string]any) { c["nbf"] = vtNow.Add(time.Minute).Unix() }, want: ErrTokenNotYetValid},
		{name: "nbf future within leeway", mod: func(c map[string]any) { c["nbf"] = vtNow.Add(time.Minute).Unix() },
			cfg: func(c *VerifierConfig) { c.Leeway = 2 * time.Minute }},
		{name: "iat future", mod: func(c map[string]any) { c["iat"] = vtNow.Add(time.Minute).Unix() }, want: ErrIssuedInFuture},
		{name: "iat future within leeway", mod: func(c map[string]any) { c["iat"] = vtNow.Add(10 * time.Second).Unix() },
			cfg: func(c *VerifierConfig) { c.Leeway = time.Minute }},
		{name: "iat missing", mod: func(c map[string]any) { delete(c, "iat") }, want: ErrMissingClaim},
		{name: "iss other", mod: func(c map[string]any) { c["iss"] = "https://evil.example/oauth2/token" }, want: ErrIssuerMismatch},
		{name: "iss trailing slash", mod: func(c map[string]any) { c["iss"] = vtIssuer + "/" }, want: ErrIssuerMismatch},
		{name: "iss staging", mod: func(c map[string]any) { c["iss"] = "https://testxacthuc.dichvucong.gov.vn/oauth2/token" }, want: ErrIssuerMismatch},
		{name: "iss missing", mod: func(c map[string]any) { delete(c, "iss") }, want: ErrMissingClaim},
		{name: "aud other", mod: func(c map[string]any) { c["aud"] = []string{"other-app"}; delete(c, "azp") }, want: ErrAudienceMismatch},
		{name: "aud missing", mod: func(c map[string]any) { delete(c, "aud") }, want: ErrAudienceMismatch},
		{name: "aud as string", mod: func(c map[string]any) { c["aud"] = vtClientID }},
		{name: "aud as number", mod: func(c map[string]any) { c["aud"] = 7 }, want: ErrMalformedToken},
		{name: "aud several with azp", mod: func(c map[string]any) { c["aud"] = []string{"other-app", vtClientID} }},
		{name: "aud several without azp", mod: func(c map[string]any) {
			c["aud"] = []string{"other-app", vtClientID}
			delete(c, "azp")
		}, want: ErrAuthorizedPartyMismatch},
		{name: "aud several azp other", mod: func(c map[string]any) {
			c["aud"] = []string{"other-app", vtClientID}
			c["azp"] = "other-app"
		}, want: ErrAuthorizedPartyMismatch},
		{name: "single aud azp other", mod: func(c map[string]any) { c["azp"] = "other-app" }, want: ErrAuthorizedPartyMismatch},
		{name: "single aud no azp", mod: func(c map[string]any) { delete(c, "azp") }},
		{name: "sub missing", mod: func(c map[string]any) { delete(c, "sub") }, want: ErrMissingClaim},
		{name: "sub expected other", params: func(p *VerifyParams) { p.Subject = "someone-else" }, want: ErrSubjectMismatch},
		{name: "sub expected same", params: func(p *VerifyParams) { p.Subject = vtSubject }},
		{name: "nonce other", mod: func(c map[string]any) { c["nonce"] = "attacker-nonce" }, want: ErrNonceMismatch},
		{name: "nonce prefix", mod: func(c map[string]any) { c["nonce"] = vtNonce[:10] }, want: ErrNonceMismatch},
		{name: "nonce missing", mod: func(c map[string]any) { delete(c, "nonce") }, want: ErrNonceMismatch},
		{name: "nonce present none expected", params: func(p *VerifyParams) { p.Nonce = "" }},
		{name: "at_hash wrong", mod: func(c map[string]any) { c["at_hash"] = vtHalfHash(crypto.SHA256, "other") }, want: ErrAtHashMismatch},
		{name: "at_hash full hash", mod: func(c map[string]any) {
			c["at_hash"] = vtHalfHash(crypto.SHA256, vtAccessToken) + vtHalfHash(crypto.SHA256, vtAccessToken)
		}, want: ErrAtHashMismatch},
		{name: "at_hash missing not required", mod: func(c map[string]any) { delete(c, "at_hash") }},
		{name: "at_hash missing required", mod: func(c map[string]any) { delete(c, "at_hash") },
			params: func(p *VerifyParams) { p.RequireAtHash = true }, want: ErrMissingClaim},
		{name: "at_hash required no token", params: func(p *VerifyParams) { p.RequireAtHash = true; p.AccessToken = "" }, want: ErrAtHashMismatch},
		{name: "at_hash present no token", params: func(p *VerifyParams) { p.AccessToken = "" }},
		{name: "c_hash ok", mod: func(c map[string]any) { c["c_hash"] = vtHalfHash(crypto.SHA256, vtCode) },
			params: func(p *VerifyParams) { p.Code = vtCode; p.RequireCHash = true }},
		{name: "c_hash wrong", mod: func(c map[string]any) { c["c_hash"] = vtHalfHash(crypto.SHA256, "x") },
			params: func(p *VerifyParams) { p.Code = vtCode }, want: ErrCHashMismatch},
		{name: "c_hash missing required", params: func(p *VerifyParams) { p.Code = vtCode; p.RequireCHash = true }, want: ErrMissingClaim},
		{name: "max_age ok", cfg: func(c *VerifierConfig) { c.MaxAge = 5 * time.Minute }},
		{name: "max_age too old", cfg: func(c *VerifierConfig) { c.MaxAge = time.Minute }, want: ErrAuthTooOld},
		{name: "max_age param stricter", params: func(p *VerifyParams) { p.MaxAge = time.Minute },
			cfg: func(c *VerifierConfig) { c.MaxAge = time.Hour }, want: ErrAuthTooOld},
		{name: "max_age auth_time missing", mod: func(c map[string]any) { delete(c, "auth_time") },
			cfg: func(c *VerifierConfig) { c.MaxAge = time.Hour }, want: ErrMissingClaim},
		{name: "auth_time future", mod: func(c map[string]any) { c["auth_time"] = vtNow.Add(time.Hour).Unix() }, want: ErrIssuedInFuture},
		{name: "acr equal", cfg: func(c *VerifierConfig) { c.RequiredLoA = "LoA2" }},
		{name: "acr above", cfg: func(c *VerifierConfig) { c.RequiredLoA = "LoA1" }},
		{name: "acr below", cfg: func(c *VerifierConfig) { c.RequiredLoA = "LoA3" }, want: ErrInsufficientLoA},
		{name: "acr below per request", params: func(p *VerifyParams) { p.RequiredLoA = "LoA4" },
			cfg: func(c *VerifierConfig) { c.RequiredLoA = "LoA1" }, want: ErrInsufficientLoA},
		{name: "acr lower case", mod: func(c map[string]any) { c["acr"] = "loa3" }, cfg: func(c *VerifierConfig) { c.RequiredLoA = "LoA3" }},
		{name: "acr unknown", mod: func(c map[string]any) { c["acr"] = "urn:mace:incommon:iap:silver" },
			cfg: func(c *VerifierConfig) { c.RequiredLoA = "LoA1" }, want: ErrInsufficientLoA},
		{name: "acr LoA9", mod: func(c map[string]any) { c["acr"] = "LoA9" }, cfg: func(c *VerifierConfig) { c.RequiredLoA = "LoA1" }, want: ErrInsufficientLoA},
		{name: "acr missing", mod: func(c map[string]any) { delete(c, "acr") }, cfg: func(c *VerifierConfig) { c.RequiredLoA = "LoA1" }, want: ErrInsufficientLoA},
		{name: "acr unknown not required", mod: func(c map[string]any) { c["acr"] = "gold" }},
		{name: "events claim", mod: func(c map[string]any) { c["events"] = map[string]any{BackchannelLogoutEvent: map[string]any{}} }, want: ErrMalformedToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := vtVerifier(t, ks, tt.cfg)
			p := base
			if tt.params != nil {
				tt.params(&p)
			}
			_, err := v.Verify(context.Background(), vtMint(t, vtToken{mod: tt.mod}), p)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("want accepted, got %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("want %v, got %v", tt.want, err)
			}
		})
	}
}

// TestVerifyAlgorithms tries the algorithm attacks.
func TestVerifyAlgorithms(t *testing.T) {
	rsaKey := vtRSAKeyA()
	ks := vtStatic(t, &rsaKey.PublicKey)
	claims := vtClaims()
	der, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	nBytes := rsaKey.PublicKey.N.Bytes()

	tests := []struct {
		name string
		raw  func(t *testing.T) string
		cfg  func(*VerifierConfig)
		want error
	}{
		{name: "none empty signature", raw: func(t *testing.T) string {
			return vtUnsigned(map[string]any{"alg": "none"}, claims, "")
		}, want: ErrAlgorithmNotAllowed},
		{name: "none with junk signature", raw: func(t *testing.T) string {
			return vtUnsigned(map[string]any{"alg": "none"}, claims, "AAAA")
		}, want: ErrAlgorithmNotAllowed},
		{name: "None capitalised", raw: func(t *testing.T) string {
			return vtUnsigned(map[string]any{"alg": "None"}, claims, "AAAA")
		}, want: ErrAlgorithmNotAllowed},
		{name: "alg missing", raw: func(t *testing.T) string {
			return vtUnsigned(map[string]any{"typ": "JWT"}, claims, "AAAA")
		}, want: ErrAlgorithmNotAllowed},
		{name: "HS256 with PEM public key", raw: func(t *testing.T) string {
			return vtMint(t, vtToken{alg: jwa.HS256, key: pemBytes})
		}, want: ErrAlgorithmNotAllowed},
		{name: "HS256 with DER public key", raw: func(t *testing.T) string {
			return vtMint(t, vtToken{alg: jwa.HS256, key: der})
		}, want: ErrAlgorithmNotAllowed},
		{name: "HS256 with modulus", raw: func(t *testing.T) string {
			return vtMint(t, vtToken{alg: jwa.HS256, key: nBytes})
		}, want: ErrAlgorithmNotAllowed},
		{name: "HS512 with PEM even if configured", raw: func(t *testing.T) string {
			return vtMint(t, vtToken{alg: jwa.HS512, key: pemBytes})
		}, cfg: func(c *VerifierConfig) { c.AllowedAlgs = []string{"RS256", "PS256"} }, want: ErrAlgorithmNotAllowed},
		{name: "PS256 not configured", raw: func(t *testing.T) string {
			return vtMint(t, vtToken{alg: jwa.PS256})
		}, want: ErrAlgorithmNotAllowed},
		{name: "PS256 configured", raw: func(t *testing.T) string {
			return vtMint(t, vtToken{alg: jwa.PS256})
		}, cfg: func(c *VerifierConfig) { c.AllowedAlgs = []string{"RS256", "PS256"} }},
		{name: "RS384 configured", raw: func(t *testing.T) string {
			return vtMint(t, vtToken{alg: jwa.RS384, mod: func(c map[string]any) {
				c["at_hash"] = vtHalfHash(crypto.SHA384, vtAccessToken)
			}})
		}, cfg: func(c *VerifierConfig) { c.AllowedAlgs = []string{"RS384"} }},
		{name: "RS384 with SHA-256 at_hash", raw: func(t *testing.T) string {
			return vtMint(t, vtToken{alg: jwa.RS384})
		}, cfg: func(c *VerifierConfig) { c.AllowedAlgs = []string{"RS384"} }, want: ErrAtHashMismatch},
		{name: "RS256 header over PS256 signature", raw: func(t *testing.T) string {
			ps := vtMint(t, vtToken{alg: jwa.PS256})
			rs := vtMint(t, vtToken{})
			return rs[:strings.LastIndexByte(rs, '.')] + ps[strings.LastIndexByte(ps, '.'):]
		}, cfg: func(c *VerifierConfig) { c.AllowedAlgs = []string{"RS256", "PS256"} }, want: ErrInvalidSignature},
		{name: "ES256 token, only RSA keys", raw: func(t *testing.T) string {
			return vtMint(t, vtToken{alg: jwa.ES256, key: vtECKey()})
		}, cfg: func(c *VerifierConfig) { c.AllowedAlgs = []string{"RS256", "ES256"} }, want: ErrUnknownKey},
		{name: "signed by another RSA key", raw: func(t *testing.T) string {
			return vtMint(t, vtToken{key: vtRSAKeyB()})
		}, want: ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := vtVerifier(t, ks, tt.cfg)
			_, err := v.Verify(context.Background(), tt.raw(t), VerifyParams{Nonce: vtNonce, AccessToken: vtAccessToken})
			if tt.want == nil {
				if err != nil {
					t.Fatalf("want accepted, got %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("want %v, got %v", tt.want, err)
			}
		})
	}
}

func TestVerifyOtherAlgorithmsConfigured(t *testing.T) {
	ec := vtECKey()
	edPub, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	v := vtVerifier(t, vtStatic(t, &ec.PublicKey, &vtRSAKeyA().PublicKey, edPub), func(c *VerifierConfig) {
		c.AllowedAlgs = []string{"RS256", "ES256", "EdDSA"}
	})
	for _, spec := range []vtToken{{alg: jwa.ES256, key: ec}, {alg: jwa.EdDSA, key: edPriv}, {}} {
		if _, err := v.Verify(context.Background(), vtMint(t, spec), VerifyParams{}); err != nil {
			t.Fatalf("%s: %v", spec.alg, err)
		}
	}
}

func TestNewIDTokenVerifierRefusesBadConfig(t *testing.T) {
	ks := vtStatic(t, &vtRSAKeyA().PublicKey)
	tests := []struct {
		name string
		ks   KeySet
		cfg  VerifierConfig
	}{
		{"nil keys", nil, VerifierConfig{ClientID: "c", Issuer: "i"}},
		{"no client", ks, VerifierConfig{Issuer: "i"}},
		{"no issuer", ks, VerifierConfig{ClientID: "c"}},
		{"none", ks, VerifierConfig{ClientID: "c", Issuer: "i", AllowedAlgs: []string{"none"}}},
		{"HS256", ks, VerifierConfig{ClientID: "c", Issuer: "i", AllowedAlgs: []string{"RS256", "HS256"}}},
		{"typo", ks, VerifierConfig{ClientID: "c", Issuer: "i", AllowedAlgs: []string{"rs256"}}},
		{"LoA5", ks, VerifierConfig{ClientID: "c", Issuer: "i", RequiredLoA: "LoA5"}},
		{"negative leeway", ks, VerifierConfig{ClientID: "c", Issuer: "i", Leeway: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewIDTokenVerifier(tt.ks, tt.cfg); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// TestVerifyIgnoresHeaderKeys: a token that carries its own key (jwk), or
// points at one (jku, x5u), signed with that attacker key, must be refused.
func TestVerifyIgnoresHeaderKeys(t *testing.T) {
	attacker := vtRSAKeyB()
	ks := vtStatic(t, PublicKey{KeyID: "real", Key: &vtRSAKeyA().PublicKey})
	v := vtVerifier(t, ks, nil)
	jwkHdr := vtJWKKey(t, attacker, "real")
	tests := []struct {
		name   string
		header map[string]any
		kid    string
	}{
		{"embedded jwk same kid", map[string]any{"jwk": jwkHdr}, "real"},
		{"embedded jwk no kid", map[string]any{"jwk": jwkHdr}, ""},
		{"jku", map[string]any{"jku": "https://attacker.example/jwks.json"}, "real"},
		{"x5u", map[string]any{"x5u": "https://attacker.example/cert.pem"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := vtMint(t, vtToken{key: attacker, kid: tt.kid, header: tt.header})
			_, err := v.Verify(context.Background(), raw, VerifyParams{})
			if !errors.Is(err, ErrInvalidSignature) {
				t.Fatalf("want ErrInvalidSignature, got %v", err)
			}
		})
	}
	// The same header on a token signed by the real key is fine: the
	// members are ignored, not fatal.
	raw := vtMint(t, vtToken{kid: "real", header: map[string]any{"jku": "https://attacker.example/jwks.json"}})
	if _, err := v.Verify(context.Background(), raw, VerifyParams{}); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyKeySelection(t *testing.T) {
	a, b := vtRSAKeyA(), vtRSAKeyB()
	extra := vtRSAExtra()
	ctx := context.Background()

	t.Run("no kid, one key", func(t *testing.T) {
		v := vtVerifier(t, vtStatic(t, &a.PublicKey), nil)
		if _, err := v.Verify(ctx, vtMint(t, vtToken{}), VerifyParams{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("no kid, several keys, tries each", func(t *testing.T) {
		v := vtVerifier(t, vtStatic(t, PublicKey{KeyID: "b", Key: &b.PublicKey}, PublicKey{KeyID: "a", Key: &a.PublicKey}), nil)
		if _, err := v.Verify(ctx, vtMint(t, vtToken{}), VerifyParams{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("no kid, tries are bounded", func(t *testing.T) {
		var keys []crypto.PublicKey
		for _, k := range extra[:maxKeyTries] {
			keys = append(keys, &k.PublicKey)
		}
		keys = append(keys, &a.PublicKey) // the right key comes too late
		v := vtVerifier(t, vtStatic(t, keys...), nil)
		if _, err := v.Verify(ctx, vtMint(t, vtToken{}), VerifyParams{}); !errors.Is(err, ErrInvalidSignature) {
			t.Fatalf("want ErrInvalidSignature after %d tries, got %v", maxKeyTries, err)
		}
	})
	t.Run("kid selects", func(t *testing.T) {
		v := vtVerifier(t, vtStatic(t, PublicKey{KeyID: "b", Key: &b.PublicKey}, PublicKey{KeyID: "a", Key: &a.PublicKey}), nil)
		if _, err := v.Verify(ctx, vtMint(t, vtToken{kid: "a"}), VerifyParams{}); err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(ctx, vtMint(t, vtToken{kid: "b"}), VerifyParams{}); !errors.Is(err, ErrInvalidSignature) {
			t.Fatalf("kid b names another key: want ErrInvalidSignature, got %v", err)
		}
	})
	t.Run("unknown kid", func(t *testing.T) {
		v := vtVerifier(t, vtStatic(t, PublicKey{KeyID: "a", Key: &a.PublicKey}), nil)
		if _, err := v.Verify(ctx, vtMint(t, vtToken{kid: "zz"}), VerifyParams{}); !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("want ErrUnknownKey, got %v", err)
		}
	})
	t.Run("kid with kid-less key", func(t *testing.T) {
		v := vtVerifier(t, vtStatic(t, &a.PublicKey), nil)
		if _, err := v.Verify(ctx, vtMint(t, vtToken{kid: "anything"}), VerifyParams{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("key alg pinned", func(t *testing.T) {
		v := vtVerifier(t, vtStatic(t, PublicKey{KeyID: "a", Algorithm: "PS256", Key: &a.PublicKey}), func(c *VerifierConfig) {
			c.AllowedAlgs = []string{"RS256", "PS256"}
		})
		if _, err := v.Verify(ctx, vtMint(t, vtToken{kid: "a"}), VerifyParams{}); !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("RS256 token with a PS256-only key: want ErrUnknownKey, got %v", err)
		}
		if _, err := v.Verify(ctx, vtMint(t, vtToken{kid: "a", alg: jwa.PS256}), VerifyParams{}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestVerifyMalformed(t *testing.T) {
	v := vtVerifier(t, vtStatic(t, &vtRSAKeyA().PublicKey), nil)
	good := vtMint(t, vtToken{})
	h, rest, _ := strings.Cut(good, ".")
	p, s, _ := strings.Cut(rest, ".")
	signedBadJSON := func(payload string) string {
		// Sign arbitrary bytes as the payload: the signature is good, the
		// claims are not.
		return vtMintRaw(t, []byte(payload))
	}
	tests := []struct {
		name string
		raw  string
		want error
	}{
		{"empty", "", ErrMalformedToken},
		{"one segment", h, ErrMalformedToken},
		{"two segments", h + "." + p, ErrMalformedToken},
		{"four segments", good + ".x", ErrMalformedToken},
		{"JWE shape", h + ".a.b.c.d", ErrMalformedToken},
		{"empty header", "." + p + "." + s, ErrMalformedToken},
		{"padding", good + "==", ErrMalformedToken},
		{"newline in signature", h + "." + p + "." + s[:10] + "\n" + s[10:], ErrMalformedToken},
		{"space", " " + good, ErrMalformedToken},
		{"std base64 chars", h + "." + p + "." + strings.ReplaceAll(s, "_", "/"), ErrMalformedToken},
		{"header not json", "bm90IGpzb24." + p + "." + s, ErrMalformedToken},
		{"header array", vtUnsigned([]string{"RS256"}, vtClaims(), s), ErrMalformedToken},
		{"crit header", vtMint(t, vtToken{header: map[string]any{"crit": []string{"x-vn"}, "x-vn": 1}}), ErrMalformedToken},
		{"too large", vtMint(t, vtToken{mod: func(c map[string]any) { c["pad"] = strings.Repeat("x", MaxTokenSize) }}), ErrMalformedToken},
		{"claims not json", signedBadJSON("not json"), ErrMalformedToken},
		{"claims array", signedBadJSON(`["iss"]`), ErrMalformedToken},
		{"truncated signature", good[:len(good)-6], ErrInvalidSignature},
		{"signature not canonical", good[:len(good)-1] + vtFlipLowBits(good[len(good)-1]), ErrMalformedToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(context.Background(), tt.raw, VerifyParams{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("want %v, got %v", tt.want, err)
			}
		})
	}
}

// vtFlipLowBits returns a base64url character whose top bits equal c's,
// i.e. one that differs only in bits a strict decoder must reject in the
// last position of a segment.
func vtFlipLowBits(c byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, c)
	return string(alphabet[i^1])
}

// TestVerifyErrorsDoNotEchoToken: values from an unverified (or even a
// verified) token never appear in error messages.
func TestVerifyErrorsDoNotEchoToken(t *testing.T) {
	const marker = "EVILMARKER"
	v := vtVerifier(t, vtStatic(t, PublicKey{KeyID: "a", Key: &vtRSAKeyA().PublicKey}), func(c *VerifierConfig) { c.RequiredLoA = "LoA3" })
	mods := []func(map[string]any){
		func(c map[string]any) { c["iss"] = marker },
		func(c map[string]any) { c["aud"] = []string{marker}; delete(c, "azp") },
		func(c map[string]any) { c["azp"] = marker },
		func(c map[string]any) { c["nonce"] = marker },
		func(c map[string]any) { c["at_hash"] = marker },
		func(c map[string]any) { c["acr"] = marker },
	}
	check := func(err error) {
		t.Helper()
		if err == nil || strings.Contains(err.Error(), marker) {
			t.Fatalf("error echoes token content or is nil: %v", err)
		}
	}
	for _, mod := range mods {
		_, err := v.Verify(context.Background(), vtMint(t, vtToken{kid: "a", mod: mod}), VerifyParams{Nonce: vtNonce, AccessToken: vtAccessToken})
		check(err)
	}
	_, err := v.Verify(context.Background(), vtMint(t, vtToken{kid: marker, key: vtRSAKeyB()}), VerifyParams{})
	check(err)
	_, err = v.Verify(context.Background(), vtUnsigned(map[string]any{"alg": marker}, vtClaims(), "AAAA"), VerifyParams{})
	check(err)
}

func TestCompareLoA(t *testing.T) {
	tests := []struct {
		a, b string
		cmp  int
		ok   bool
	}{
		{"LoA1", "LoA2", -1, true},
		{"LoA4", "LoA3", 1, true},
		{"LoA2", "loa2", 0, true},
		{"LoA0", "LoA1", 0, false},
		{"LoA1", "", 0, false},
		{"LoA10", "LoA1", 0, false},
	}
	for _, tt := range tests {
		cmp, ok := CompareLoA(tt.a, tt.b)
		if cmp != tt.cmp || ok != tt.ok {
			t.Errorf("CompareLoA(%q,%q) = %d,%v; want %d,%v", tt.a, tt.b, cmp, ok, tt.cmp, tt.ok)
		}
	}
}

func TestTokenHashPerAlgorithm(t *testing.T) {
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		want := vtHalfHash(h, vtAccessToken)
		if !tokenHashMatches(h, vtAccessToken, want) {
			t.Errorf("%v: own hash refused", h)
		}
		if tokenHashMatches(h, vtAccessToken+"x", want) {
			t.Errorf("%v: other token accepted", h)
		}
	}
}
