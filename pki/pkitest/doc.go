// Package pkitest is a VGCA-shaped test PKI for rpkit's tests and for
// applications testing their own certificate login. NOT FOR PRODUCTION: its
// keys are kept in memory, reused across test PKIs in a process, and its
// responders answer whatever they are told to.
//
// NewPKI builds the hierarchy of the Government Cipher Committee (Ban Cơ yếu
// Chính phủ) with TEST names:
//
//	root    CN=Co quan chung thuc so chuyen dung Chinh phu (RootCA) TEST,
//	        O=Ban Co yeu Chinh phu, C=VN (RSA-2048)
//	sub-CA  CN=CA phuc vu cac co quan Nha nuoc TEST, O=Ban Co yeu Chinh phu, C=VN
//	leaves  PKI.Issue, with the VGCA UID attributes (AgencySubject, PersonSubject)
//
// and two httptest servers: a CRL server (a CRL per CA, signed afresh on each
// request with the injected clock; optionally a base CRL re-served as
// published and a delta CRL numbered after it) and an OCSP
// responder (golang.org/x/crypto/ocsp; responses signed by the issuer or by a
// delegated responder holding the OCSPSigning EKU). Every certificate it
// issues names them in its CRL distribution points and AIA OCSP extension.
// Revoke puts a certificate on its CA's CRL and makes OCSP answer "revoked".
// Inject switches faults on: a responder down or hanging, a stale CRL, a CRL
// or OCSP response signed by a key that has no right to sign it.
//
// NewPKI registers its own cleanup with the test. Helpers panic on misuse
// (a nil test, revoking a certificate this PKI did not issue) and fail the
// test on errors they cannot prevent.
//
// # Keys
//
// RSA key generation takes seconds under the race detector, so keys come
// from a process-wide pool (the only package state besides a counter): each
// PKI takes pool keys 0, 1, 2, … of a type in order, so keys within one PKI
// are distinct, while two PKIs in a process share keys. So that a
// certificate from one PKI can never chain to another PKI's root, every PKI
// puts a serialNumber attribute unique in the process ("pkitest-7") in its
// CA names. Pass LeafSpec.Key to use a key of your own.
//
// # Time and randomness
//
// WithClock sets the clock for validity periods, CRL and OCSP times and
// revocation times; WithRand the source of serial numbers. Keys always come
// from crypto/rand, and Go's signing functions ignore a caller's random
// source, so signatures are not reproducible either way.
package pkitest
