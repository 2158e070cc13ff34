// Package rpkit is the Go SDK for relying parties of Vnconnect, the single
// sign-on and electronic-identity exchange platform of Vietnam's National
// Public Service Portal (Cổng Dịch vụ công quốc gia).
//
// This package holds no code: it is the map. Import the package you need.
//
//	vnconnect                OpenID Connect relying party: Endpoint presets,
//	                         Client (AuthCodeURL, Exchange, UserInfo, Refresh,
//	                         Revoke, Introspect, LogoutURL), IDTokenVerifier,
//	                         RemoteKeySet, LogoutTokenVerifier, Identity
//	                         (typed Vietnamese claims), Directory (account look-up)
//	vnconnect/vnid           Vietnamese identifiers: CCCD, CMND, passport, MST,
//	                         agency codes (QCVN 102), mobile numbers, name folding
//	vnconnect/saml           SAML 2.0 service provider returning the same Identity
//	vnconnect/web            net/http adapter: login, callback, logout (RP-initiated,
//	                         back-channel, front-channel), SAML routes, server-side
//	                         sessions, RequireLogin, IdentityFrom
//	vnconnect/web/redisstore sessions, pending logins and replay cache on Redis
//	vnconnect/vnconnecttest  a fake Vnconnect (WSO2-shaped: OIDC, SAML IdP, browser
//	                         SSO, directory) for tests and local development, with
//	                         seeded accounts and faults
//	pki                      VGCA certificate verification with revocation, the
//	                         VGCA subject profile, challenge login for agencies
//	pki/token                USB tokens over PKCS#11 as crypto.Signer
//	pki/remotesign           SIM-PKI remote signing (CSC API v2)
//	pki/pkitest              a VGCA-shaped test PKI with CRL and OCSP responders
//	rbac                     units, subsystems, memberships, hierarchical admin
//	                         delegation, hash-chained audit
//	rbac/sqlstore            rbac on SQLite (embedded default) and PostgreSQL
//	rbac/adminapi            mountable JSON API for user administration
//	rbac/changeform          the provinces' change form (CSV/XLSX)
//	migrate                  account conversion: legacy and Vnconnect → Vnconnect
//	examples/portal          a runnable demo: `go run ./examples/portal`
//
// Quick start: build a vnconnect.Config with your client ID, secret and
// redirect URL and vnconnect.Production (or vnconnect.Staging), create a
// Client, send the browser to AuthCodeURL, and on the callback Exchange the
// code and read UserInfo:
//
//	client, err := vnconnect.NewClient(vnconnect.Config{
//		ClientID:     "my-portal",
//		ClientSecret: secret,
//		RedirectURL:  "https://portal.example.gov.vn/callback",
//		Endpoint:     vnconnect.Production,
//	})
//	if err != nil { … }
//	req, err := client.AuthCodeURL()        // store req in the session, redirect to req.URL
//	tokens, err := client.Exchange(ctx, code, req) // the ID token is verified here
//	id, err := client.UserInfo(ctx, tokens)       // id.TechID, id.FullName, id.CCCD …
//
// Tests run the same code against vnconnecttest.NewServer(t).
package rpkit
