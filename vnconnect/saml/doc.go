// Package saml is a SAML 2.0 service provider for Vnconnect, whose WSO2
// Identity Server also serves SAML at /samlsso. A login through it yields
// the same *vnconnect.Identity as the OIDC client: the assertion's
// attributes (named like the UserInfo claims: TechID, HoVaTen, SoDinhDanh,
// …) become a claims object mapped by vnconnect.IdentityFromClaims, with
// the NameID as "sub".
//
// # Flow
//
//	sp, err := saml.New(saml.Config{EntityID: …, ACSURL: …, SLOURL: …,
//		Key: key, Certificate: cert, IdPMetadataURL: "https://xacthuc.dichvucong.gov.vn/samlsso/metadata",
//		Requests: shared, Replay: sharedReplay})
//	sp.AuthnRequest(ctx, w, r, "/return/to")     // login: redirect to the IdP
//	a, err := sp.ParseResponse(ctx, r)           // ACS: a.Identity, a.NameID, a.SessionIndex
//	u, err := sp.LogoutRequestURL(ctx, saml.LogoutSession{…}, relay) // SP-initiated SLO
//	relay, err := sp.ParseLogoutResponse(ctx, r) // its answer
//	lr, err := sp.HandleLogoutRequest(ctx, r)    // IdP-initiated SLO (signature checked)
//	u, err := sp.LogoutResponseURL(ctx, lr, ok)  // and our answer
//
// Pending requests live in a RequestStore keyed by the request ID, which
// comes back in the signed assertion's InResponseTo; the request is also
// bound to the browser by a cookie (AuthnRequest sets it; SameSite=None
// when Secure, because the IdP posts cross-site). With a shared store
// (Redis) and a shared ReplayCache, any replica may receive the answer.
//
// # Signature policy
//
// Config.Signature chooses what the IdP's signature must cover; the
// default, SignatureEither, accepts a signed Assertion, or a signed
// Response that contains exactly one Assertion. Whatever the policy:
//
//   - the document must contain exactly one Assertion, anywhere (the
//     XSW wrapping attacks need two), and no EncryptedAssertion;
//   - signatures are verified by goxmldsig, against the certificates of
//     the IdP metadata only: a certificate in KeyInfo that is not one of
//     them is refused, and a KeyInfo without a certificate is refused;
//   - the signature must be a direct child of the signed element, with one
//     Reference to that element's ID; SHA-1 is refused unless
//     Config.InsecureAllowSHA1;
//   - the assertion is read only from the element goxmldsig rebuilds from
//     the bytes the signature covers, never from the surrounding document.
//
// Before any parsing, DOCTYPE and ENTITY declarations, comments, CDATA and
// processing instructions are refused (a byte scan: none can appear in a
// well-formed document without "<!" or "<?"), then crewjam's round-trip
// validator runs. Refusing comments settles the NameID comment-injection
// question: "admin<!---->.evil" is neither read as "admin" nor as
// "admin.evil"; the response is ErrMalformed.
//
// Then: Issuer, Destination (required on a signed Response), Status,
// IssueInstant (not in the future, not older than MaxIssueDelay), the one
// bearer SubjectConfirmation (Recipient = ACS URL, NotOnOrAfter required),
// Conditions (NotOnOrAfter required, NotBefore, every AudienceRestriction
// must name EntityID, unknown conditions refused), all against
// Config.Clock with MaxClockSkew. The assertion ID goes into the replay
// cache until its NotOnOrAfter plus skew; only then is the pending request
// taken, so a replayed response fails with ErrReplay on every replica.
// Responses answering no request are refused (ErrUnsolicited) unless
// AllowIdPInitiated, and are then checked the same way.
//
// # crewjam/saml and its globals
//
// crewjam/saml reads the time from package variables (saml.TimeNow,
// saml.Clock) and its randomness from saml.RandReader. A library cannot
// set them per request without racing every other user of crewjam in the
// process. This package never reads or writes them: it uses crewjam's
// types to build AuthnRequest, LogoutRequest, LogoutResponse and metadata
// XML, and validates responses itself with goxmldsig and its own clock.
// crewjam's ServiceProvider.ParseResponse is not used (it also returns
// the first of several assertions and reads values from the unsigned
// tree). goxmldsig signs with crypto/rand (RSA PKCS #1 v1.5 signatures do
// not use randomness); Config.Rand supplies IDs and cookie secrets.
//
// # Limits
//
// No encrypted assertions, no Artifact binding, HTTP-POST only at the ACS,
// RSA only for Redirect-binding signatures. IdP LogoutRequests must be
// signed; IdP LogoutResponses too unless AllowUnsignedLogoutResponse.
package saml
