// Package pki verifies the certificates agencies log in with — issued under
// the Government Cipher Committee's root (VGCA, "Ban Cơ yếu Chính phủ") on
// USB tokens or SIM PKI — and reads who they identify.
//
// # Verifier
//
// A Verifier holds the trust anchors and the revocation caches:
//
//	der, _ := os.ReadFile("vgca-root-ca.cer") // check its SHA-256 fingerprint first
//	roots, err := pki.LoadCertificates(der)   // PEM bundle or DER
//	v, err := pki.NewVerifier(pki.Config{Roots: roots, Intermediates: subCAs})
//	res, err := v.Verify(ctx, leaf, sentIntermediates, pki.Options{Use: pki.UseSigning})
//	// res.Chain, res.Subject (VGCA profile), res.Revocation (one per non-root certificate)
//
// The VGCA root (C=VN, O=Ban Co yeu Chinh phu, CN=Co quan chung thuc so
// chuyen dung Chinh phu (RootCA), 2010–2030) is self-signed with SHA-1. That
// does not matter for its role: a trust anchor is trusted for its name and
// key, its self-signature is never checked (RFC 5280 §6.1.1). Certificates
// signed with SHA-1 below it are refused unless Config.InsecureAllowSHA1Before
// is set, and then only those issued before the cut-off.
//
// # Why not x509.Verify
//
// Paths are built and validated here (RFC 5280 §6.1 with RFC 9618's policy
// graph), with every signature checked by crypto/x509's
// Certificate.CheckSignature, because x509.Verify cannot do what these chains
// need: it refuses every SHA-1 signature since Go 1.24 with no opt-in, compares
// issuer names byte for byte (RFC 5280 §7.1 asks for case- and
// space-insensitive comparison), ignores CA key usage (keyCertSign), cannot
// apply directoryName constraints, applies path-length limits to self-issued
// certificates, and defaults to the serverAuth EKU. Checks made here: validity
// of every certificate (anchor included), signatures, name chaining, basic
// constraints and path length, CA key usage, name constraints (directoryName,
// rfc822Name including the subject's emailAddress, dNSName, URI, IP), policies
// (Config.Policies, RequireExplicitPolicy, InhibitPolicyMapping,
// InhibitAnyPolicy), unknown critical extensions, then the leaf's key usage for
// the Use and the EKU policy (Config.EKUs; nil accepts any). EKUs of CA
// certificates do not constrain the leaf (RFC 5280 has no such rule).
//
// Path building is bounded: at most Config.MaxIntermediates untrusted
// intermediates per call, MaxSignatureChecks signatures per call, and the
// context. Verified chains are cached, keyed by the leaf, the set of
// intermediates and the use, and served only within the chain's validity
// window; revocation is evaluated on every call.
//
// # Revocation
//
// CRLs (RFC 5280 §6.3) come from Config.CRLs / AddCRL or are fetched over
// http from the certificate's distribution points (size limit, timeout,
// context; cached until nextUpdate; failed fetches retried after a minute).
// A CRL counts only if its signer is the certificate's issuer from the
// verified chain — or another certificate of the issuer's name that validates
// to the same anchor and is not revoked (separate CRL keys, key rollover,
// indirect CRLs) — with cRLSign when it has a KeyUsage extension; if
// thisUpdate/nextUpdate hold at the verification time with MaxClockSkew; if
// every critical extension (of the CRL and of its entries) is understood; and
// if its issuing distribution point covers the certificate (distribution point
// names, onlyContainsUserCerts/CACerts/AttributeCerts, onlySomeReasons — the
// reasons of several CRLs must together cover all —, indirectCRL with
// certificateIssuer entries). Delta CRLs are applied over their base when
// RFC 5280 §5.2.4 allows it (same issuer, key and scope; BaseCRLNumber ≤ the
// base's CRL number < the delta's); they are fetched, with the limits and
// caching of base CRLs, from the FreshestCRL extension of the certificate
// and of the base CRL whenever a base decides without a delta in hand. A
// delta that cannot be had leaves the base to decide alone, as it would for
// a verifier not using deltas. Revoked serials are indexed in a map once per
// CRL.
//
// OCSP uses golang.org/x/crypto/ocsp: the answer must be signed by the issuer,
// or a delegate the issuer issued with the OCSPSigning EKU that is valid at
// the verification time, and be fresh. A delegate's own revocation is
// checked from the CA's CRLs, by the rules above and under the same policy
// (revoked: the answer is refused; unknown: refused unless
// RevocationSoftFail), unless the delegate carries id-pkix-ocsp-nocheck
// (RFC 6960 §4.2.2.2.1), when its validity period is the bound; this is
// re-established each time a cached answer is used. Requests carry an RFC 8954
// nonce of 32 bytes from Config.Rand (crypto/rand by default) under
// Config.OCSPNonce: by default (OCSPNonceIfEchoed) an answer echoing another
// nonce is refused and an answer without one accepted, since responders that
// pre-sign answers never echo — freshness then bounds replay;
// OCSPNonceRequired refuses answers without the nonce; OCSPNonceOff sends
// none. An answer with an unknown critical response extension is refused.
//
// RevocationHardFail (default) tries CRLs then OCSP and fails when neither
// decides; RevocationSoftFail accepts an unknown status (reported in the
// Result); RevocationCRLOnly and RevocationOCSPThenCRL choose the sources.
// A revoked certificate always fails. InsecureSkipRevocation turns checking
// off and MUST NOT be used in production.
//
// # Challenge login
//
// A Challenger (challenge.go) lets an agency log in by signing a one-time
// challenge with its VGCA certificate's key: NewChallenger, Issue, then
// VerifyAnswer on a raw RSA/ECDSA signature with the chain or a detached
// CMS/PKCS#7 SignedData from a signing plugin. The certificate goes through
// this Verifier for UseSigning; the result is an AgencyIdentity for the
// super-admin registration. Replayed, expired and wrong-purpose answers fail.
//
// # Conformance
//
// The NIST PKITS suite (pkits_test.go) passes 246 of 249 vectors; the three
// DSA vectors are refused with ErrUnsupportedAlgorithm. No vector that must
// fail validates.
//
// crypto/x509 refuses a certificate whose CRLDistributionPoints uses
// nameRelativeToCRLIssuer (PKITS 4.14.4, 4.14.5, 4.14.29). For that failure
// only, LoadCertificates (and the challenge's DER certificates) let crypto/x509
// parse a copy in which each such name's [1] tag reads as the [0] of fullName
// — same length, no other byte changed — and then put the original bytes back
// in Raw, RawTBSCertificate (which every signature check reads) and the
// extension's value; the relative name is resolved against the CRL issuer's
// name (RFC 5280 §4.2.1.13) for matching issuing distribution points. The
// distribution points must be well-formed (each relative name a non-empty
// RelativeDistinguishedName, a single extension, at most 64 KiB of
// certificate); anything else crypto/x509 refuses stays refused
// (certparse.go). Certificates inside a CMS are parsed by
// github.com/smallstep/pkcs7 with crypto/x509 and get no such tolerance.
//
// # Errors
//
// Errors wrap the sentinels of errors.go (ErrUntrusted, ErrExpired,
// ErrRevoked, ErrRevocationUnknown, ErrWeakSignature, …), usually inside a
// *VerifyError that says which certificate of the chain failed.
package pki
