// Package vnconnecttest is a fake Vnconnect — the SSO of Vietnam's National
// Public Service Portal, an OpenID Connect provider on WSO2 Identity Server —
// for tests and local development. It is not for production: its accounts
// are invented, anyone can "log in" as any of them, and it keeps all state
// in memory.
//
// # Shape
//
// The fake serves the paths Vnconnect serves, relative to its base URL:
//
//	/oauth2/token/.well-known/openid-configuration  discovery
//	/oauth2/authorize        authorization request → Vietnamese login page
//	/authenticationendpoint/login.do  the same login page by sessionDataKey
//	/oauth2/token            authorization_code (PKCE S256 required) and refresh_token
//	/oauth2/jwks             RS256 public keys
//	/oauth2/userinfo         GET or POST, Bearer token, Vietnamese claims
//	/oauth2/revoke           RFC 7009
//	/oauth2/introspect       RFC 7662
//	/oidc/logout             RP-initiated logout, back-channel notification
//	/api/vnconnect/search    account look-up (HTTP Basic client auth)
//	/api/TraCuuTechID        MaSoThue/SoDinhDanh/SoCMND → TECHNICALID
//	/samlsso                 SAML 2.0 IdP: AuthnRequest, LogoutRequest, LogoutResponse
//	/samlsso/metadata        SAML IdP metadata (signing certificate)
//
// As on WSO2 the issuer is the token endpoint URL (Server.Issuer). Clients
// authenticate with client_secret_post or client_secret_basic. Codes are
// single-use and live a minute; refresh tokens rotate on every use, and a
// rotated one presented again revokes its whole family.
//
// # Tokens and claims
//
// ID tokens carry iss, sub, aud (a one-element array), azp, exp, iat,
// auth_time, nonce (when sent), acr (the account's level, "LoA1".."LoA4"),
// at_hash and sid. sub is the account's TechID unless Account.Subject says
// otherwise; UserInfo's sub is the same. UserInfo returns the claims of
// Account.Claims: TechID, LoaiTaiKhoan (number: 1 citizen, 2 business,
// 3 organisation), loAs (array of every level up to the account's), TrangThai
// ("1" active), SoDinhDanh, SoCMND, HoChieu, MaBHXH, HoVaTen,
// NgayThangNamSinh (yyyyMMdd), GioiTinh (number: 1 nam, 2 nữ), ThuDienTu,
// SoDienThoai ("0…" form), DiaChi, MaSoThue, MaSoDoanhNghiep, TenDoanhNghiep
// and MaDinhDanhCoQuan. Unset claims are left out. Businesses carry their
// legal representative in HoVaTen/SoDinhDanh; organisations carry their name
// in TenDoanhNghiep and HoVaTen.
//
// # Accounts
//
// SeedAccounts lists fifteen invented accounts — nine citizens, three
// businesses (one a branch with an MST in the -NNN form), three
// organisations — the same on every run. Their CCCDs agree with the birth
// date and gender, their MSTs have a correct check digit, their mobile
// numbers use real carrier prefixes. CitizenTechID, BusinessTechID,
// OrganisationTechID and the other …TechID constants name some of them.
//
// # Tests
//
// NewServer starts the fake on 127.0.0.1 and stops it when the test ends.
// Login does what the login page does without a browser. SetFaults makes
// the fake issue broken tokens (expired, wrong issuer or audience, alg none,
// HS256 keyed with the public key…) or be slow, fail, or send oversized
// answers, so a relying party can be shown to refuse each. MintIDToken and
// LogoutToken sign arbitrary claims for direct verifier tests. RotateKeys
// switches the signing key while keeping the old one published.
//
// Helpers panic on misuse (an unknown fault endpoint, a duplicate TechID),
// as net/http/httptest does. Time (Config.Clock) and randomness
// (Config.Rand) are injected per server.
//
// # Browser SSO and single logout
//
// Submitting the login page sets the cookie commonAuthId (HttpOnly,
// SameSite=Lax, Path=/; its value is a random handle, not the sid) bound
// to a server-side SSO session: sid, account, auth_time, and every OIDC
// client and SAML SP that joined it. A later /oauth2/authorize or
// AuthnRequest from the same browser is answered without the login page
// unless prompt=login, max_age is exceeded, ForceAuthn is set or the
// account's LoA is below what is asked; prompt=none then answers
// login_required, IsPassive NoPassive. ID tokens carry the sid; SAML
// assertions carry it as SessionIndex. The session idles out after
// Config.SSOSessionTTL (15 minutes, as WSO2).
//
// /oidc/logout (by id_token_hint's sid, else the cookie's) and a SAML SP's
// LogoutRequest end the session: its tokens stop working, OIDC clients
// with a BackchannelLogoutURI get a logout token, then the browser carries
// a signed LogoutRequest to each other SAML SP with an SLOURL in turn
// (each answers at /samlsso), then the logged-out page loads each
// FrontchannelLogoutURI in an iframe with iss and sid, then the browser
// goes on to post_logout_redirect_uri or to the initiating SP's
// LogoutResponse. Logout messages go by HTTP-Redirect, signed in the query
// and in the XML.
//
// Headless Login, SAMLLogin and SAMLIdPInitiated open a session too (so
// EndSession and logout by sid reach its participants) but set no cookie;
// EndSession notifies back-channel only, having no browser.
//
// # SAML
//
// The IdP's entity ID is the URL of /samlsso (SAMLEntityID); it signs with
// a self-signed certificate on Config.SAMLSigningKey (default: the first
// OIDC key), RSA-SHA256, exclusive C14N, via goxmldsig. SPs are registered
// with RegisterSAMLServiceProvider (entity ID, ACS, SLO, certificate, or
// their metadata); AuthnRequests from others are refused with an error
// page, as are foreign ACS URLs, DTDs and messages that inflate past
// 256 KiB. Signed requests are verified against the SP's certificate and
// required with RequireSignedRequests. Assertions carry NameID = TechID
// (persistent), Conditions with AudienceRestriction, bearer
// SubjectConfirmationData (Recipient, InResponseTo, NotOnOrAfter), an
// AuthnStatement (SessionIndex = sid, AuthnContextClassRef = LoA) and the
// Account.Claims as attributes under the UserInfo names (all xs:string).
// The assertion is signed by default (SAMLSP.Signing for the response or
// both). Every instant comes from Config.Clock: crewjam's package globals
// are never read or written.
//
// For SP tests, SAMLResponse mints a response directly, with faults
// (SAMLUnsigned, SAMLSignedByOtherKey, SAMLExpired, SAMLNotYetValid,
// SAMLWrongAudience, SAMLWrongRecipient, SAMLWrongDestination,
// SAMLWrongIssuer, the signing choices) and raw XML hooks before and after
// signing (SAMLMutateBeforeSigning, SAMLMutateXML) for signature-wrapping
// and injection tests; SAMLLogin and SAMLLoginPOST are the login page
// without a browser; SAMLLogoutRequest makes the IdP's LogoutRequest.
//
// # Standalone
//
// New builds a fake for a known base URL; serve Handler on it, e.g. in a
// development portal:
//
//	fake, err := vnconnecttest.New(vnconnecttest.Config{BaseURL: "http://127.0.0.1:9000"})
//	if err != nil { … }
//	log.Fatal(http.ListenAndServe("127.0.0.1:9000", fake.Handler()))
package vnconnecttest
