// Package vnconnect is an OpenID Connect relying party for Vnconnect, the
// single sign-on of Vietnam's National Public Service Portal (Cổng Dịch vụ
// công quốc gia). One Vnconnect account logs a citizen, a business (through
// its legal representative) or an organisation into the portal and into the
// ministry and provincial systems connected to it.
//
// Vnconnect is WSO2 Identity Server speaking the OpenID Connect
// authorization-code flow. Its quirks are built in: the issuer is the token
// endpoint URL (…/oauth2/token), discovery lives under it
// (…/oauth2/token/.well-known/openid-configuration), the level of assurance
// is requested with acr_values=LoA1…LoA4 and returned in "acr", clients
// authenticate with client_secret_post, ID tokens are RS256, and UserInfo
// speaks Vietnamese claim names (TechID, SoDinhDanh, HoVaTen, …) that this
// package maps to a typed Identity.
//
// # The flow
//
//  1. At start-up, NewClient(Config) once. Production and Staging hold the
//     endpoints; EndpointFor(base) or Discover serve other deployments.
//  2. On "Đăng nhập bằng Vnconnect": Client.AuthCodeURL returns an
//     AuthRequest. Store it server-side, tied to the browser session, and
//     redirect the browser to its URL.
//  3. On the callback: AuthRequest.CodeFromCallback checks state and
//     returns the code; Client.Exchange redeems it (with the PKCE verifier)
//     and verifies the ID token (with the nonce). Discard the AuthRequest.
//  4. Client.UserInfo returns the Identity, checked to be the ID token's
//     subject.
//  5. Later: Client.Refresh, Client.Revoke, Client.Introspect; on logout,
//     end the local session and redirect to Client.LogoutURL.
//
// # Quick start
//
//	c, err := vnconnect.NewClient(vnconnect.Config{
//		ClientID:     os.Getenv("VNCONNECT_CLIENT_ID"),
//		ClientSecret: os.Getenv("VNCONNECT_CLIENT_SECRET"),
//		RedirectURL:  "https://dichvucong.example.gov.vn/vnconnect/callback",
//		Endpoint:     vnconnect.Staging,
//		LoA:          "LoA2",
//	})
//	if err != nil { … }
//
//	// login handler
//	req, err := c.AuthCodeURL()
//	if err != nil { … }
//	session.Put("vnconnect", req) // server-side
//	http.Redirect(w, r, req.URL, http.StatusFound)
//
//	// callback handler
//	req := session.Take("vnconnect").(*vnconnect.AuthRequest)
//	code, err := req.CodeFromCallback(r.URL.Query())
//	if err != nil { … } // ErrStateMismatch, or *RetrieveError (access_denied)
//	tok, err := c.Exchange(r.Context(), code, req)
//	if err != nil { … } // a sentinel such as ErrNonceMismatch, or *RetrieveError
//	id, err := c.UserInfo(r.Context(), tok)
//	if err != nil { … }
//	log.Printf("logged in: %s (%s)", id.FullName, id.TechID)
//
// Package vnconnecttest provides a fake Vnconnect to run this flow in tests.
//
// # Security rules
//
// The client enforces these; none can be turned off except where an
// Insecure… switch is named.
//
//   - PKCE with S256 on every request; state, nonce and verifier are 256
//     random bits each from Config.Rand (crypto/rand by default); state is
//     compared in constant time, the nonce is required in the ID token.
//   - ID tokens: the signature is checked before any claim is read, with
//     keys from the configured KeySet only — never from the token's jku,
//     x5u, jwk or x5c headers. Algorithms come from an allow-list (RS256 by
//     default); "none" and every HMAC algorithm are refused whatever the
//     configuration, which rules out the "HS256 signed with the public key"
//     attack. iss must equal the configured issuer exactly, aud must contain
//     the client ID, azp must be the client when present or when there are
//     several audiences; exp, nbf and iat (required, not in the future) are
//     checked with Config.Leeway; acr must reach the requested LoA;
//     auth_time must respect max_age when one was sent; at_hash and c_hash
//     are checked when present.
//   - UserInfo must name the ID token's subject (ErrSubjectMismatch); a
//     signed (application/jwt) UserInfo response is accepted only if it
//     verifies with the same keys and allow-list.
//   - Refresh re-verifies a returned ID token (without a nonce) and refuses
//     a change of issuer, subject, audience or authorized party.
//   - token_type must be Bearer (case-insensitive).
//   - HTTP: a dedicated client with timeouts (never http.DefaultClient); the
//     caller's context on every request; every response body read through a
//     size limit (Config.MaxResponseBytes, 1 MiB by default;
//     ErrResponseTooLarge); token, userinfo, revocation, introspection and JWKS
//     requests never follow a redirect to another host or scheme; https
//     everywhere except loopback hosts (127.0.0.0/8, ::1, localhost).
//   - Errors wrap exported sentinels (errors.Is) or are a *RetrieveError
//     (errors.As) for OAuth error responses and failed HTTP statuses, the
//     JWKS included (Endpoint "jwks": the provider is down, the token may
//     be fine); messages never quote values from a token whose signature
//     has not been verified.
//
// # Tokens without "kid"
//
// WSO2 puts a kid in its ID tokens, but a provider may publish keys without
// one, or a token may omit it. When the token has no kid, every key of the
// set whose type fits the token's algorithm is tried in turn (at most five,
// to bound the cost of a forged token) and the first that verifies wins: a
// validly signed token is accepted whatever the number of keys, a bad
// signature fails against all of them (ErrInvalidSignature). A token naming
// a kid the key set does not know makes a RemoteKeySet refetch the JWKS
// once (at most once per DefaultMinRefreshInterval, or
// Config.JWKSMinRefreshInterval), which is how a key rotation is picked up
// without a restart.
//
// # Insecure switches
//
// Config.InsecureAllowHTTP (and RemoteKeySetConfig.InsecureAllowHTTP) allow
// plain-http endpoints on non-loopback hosts, for lab networks only. They
// MUST NOT be set in production: the client secret, codes and tokens would
// cross the network in clear, and whoever can alter the JWKS response can
// sign ID tokens for any citizen. Loopback http (the fake in tests and
// local development) needs no switch.
package vnconnect
