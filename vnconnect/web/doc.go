// Package web is the net/http adapter for Vnconnect relying parties: one
// Handler serves the login, callback and logout routes (OIDC, and SAML 2.0
// when configured), and one middleware, RequireLogin, guards the app.
//
//	h, err := web.New(web.Config{Client: client, BaseURL: "https://pakn.example.gov.vn"})
//	mux.Handle("/auth/", h)
//	mux.Handle("/", h.RequireLogin(app))
//	// in app: id, _ := web.IdentityFrom(r.Context())
//
// # Routes (Config.Paths)
//
//   - GET /auth/login?return_to=/path — starts a login. return_to must be a
//     same-origin relative path (SanitizeReturnTo refuses "//evil",
//     "https://evil", "/\evil", "/%2F%2Fevil" and the like with a 400 page
//     rather than silently going home). The DVCQG deep-link parameters
//     vnconnect=1&MaTTHCDP=…&MaCoQuanThucHien=…&MaDVC=… are validated and
//     appended to return_to, where the landing page reads them with
//     ParseDeepLink.
//   - GET /auth/callback — finishes it. The state is taken from the
//     PendingStore (single use, even if the attempt fails) and must come
//     with the pre-login cookie of the browser that started the login (its
//     random value is stored hashed in the pending record): this defeats
//     login CSRF. PKCE and the nonce are checked by vnconnect.Client. An
//     error= from Vnconnect shows a Vietnamese page (role="alert") built
//     from an *AuthError; nothing from the query is echoed unescaped.
//     Config.OnLogin may refuse the person (see RefusalError); then no
//     session is created.
//   - POST /auth/logout — needs the session's CSRF token; ends the local
//     session, then redirects to Vnconnect's end-session endpoint
//     (RP-initiated logout) with id_token_hint and BaseURL+AfterLogout.
//   - POST /auth/backchannel-logout — OIDC Back-Channel Logout: the token
//     is verified (signature, iss, aud, events, no nonce, jti replay through
//     Config.Replay) and every session of its sid — of its sid and its sub
//     when it names both, of its sub when it has no sid — ends through the
//     SessionStore's index, so on every replica sharing the store. 400 and
//     Cache-Control: no-store otherwise.
//   - GET /auth/frontchannel-logout?iss=…&sid=… — OIDC Front-Channel
//     Logout; iss must be the client's issuer.
//   - /saml/login, /saml/metadata, /saml/acs, /saml/slo when Config.SAML is
//     set (a SAMLProvider; the SAML session's Subject is the NameID and its
//     SID the SessionIndex, so IdP LogoutRequests use the same index).
//     /saml/slo takes GET (Redirect binding) and POST; a message the
//     provider refuses shows a "Đăng xuất chưa hoàn tất" page. An IdP
//     LogoutRequest, once verified (IdP signature, issuer, destination,
//     lifetime, replay), ends the sessions of the principal its NameID
//     names at that IdP, narrowed to each SessionIndex it lists (SAML 2.0
//     core §3.7.3.2): a request naming one person with another person's
//     SessionIndex ends nothing. A session whose assertion had no NameID
//     (its Subject is empty) is never matched by one.
//
// # Sessions
//
// Sessions live server-side in a SessionStore; the cookie carries only a
// random 256-bit token, and the store key is its SHA-256, so a leaked store
// does not hand out cookies. The cookie is __Host-rpkit-session, Secure,
// HttpOnly, SameSite=Lax, Path=/, without Max-Age (it ends with the browser).
// When BaseURL is http on a loopback host (local development) the cookies
// are named rpkit-session-<port> and rpkit-login-<port> (browsers do not keep
// cookies apart by port) and are not Secure, because
// browsers refuse __Host- and Secure cookies over http; any other http
// BaseURL is refused by New.
//
// A login always creates a new ID (a cookie planted before login is never
// adopted, and the session it named ends). Sessions end after
// Config.IdleTimeout without use or Config.AbsoluteTimeout after login,
// whichever comes first, measured on Config.Clock. To keep RequireLogin to
// one store read, the idle deadline is pushed forward (a store write) at
// most every Config.TouchInterval.
//
// Each session has a CSRF token: put Handler.CSRFToken in forms (field
// "csrf") or send it in the X-CSRF-Token header, and check state-changing
// requests with Handler.VerifyCSRF (constant time).
//
// # Stores
//
// SessionStore and PendingStore are small interfaces; replay detection uses
// vnconnect.ReplayCache. The in-memory defaults (MemorySessionStore,
// MemoryPendingStore, vnconnect.MemoryReplayCache) are bounded, sweep
// expired entries and suit one process. Several replicas share a store
// (package redisstore). Package webstoretest is the conformance suite any
// implementation should pass. A shared store encodes sessions with
// MarshalSession and UnmarshalSession.
//
// A logout naming both an IdP session and a person (a SAML LogoutRequest
// with SessionIndex, a logout token with sid and sub) ends only that
// person's sessions of it through the optional SessionSubjectDeleter,
// which both stores here implement. With a store lacking it, every
// session of that person at that IdP ends instead: more than was named,
// never another person's.
//
// # RequireLogin
//
// A browser navigation (GET/HEAD accepting text/html, no X-Requested-With)
// without a session is redirected to the login route with return_to set to
// the current path and query; any other request gets 401 with
// {"error":"login_required"} and a WWW-Authenticate header.
package web
