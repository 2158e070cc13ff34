// Package remotesigntest is a simulated remote-signing service speaking the
// subset of the Cloud Signature Consortium API v2 that
// github.com/rpkit-vn/rpkit/pki/remotesign uses: credentials/list,
// credentials/info, credentials/authorize (answered 202 while the "user"
// decides), credentials/authorizeCheck, signatures/signHash with
// operationMode "A", and signatures/signPolling.
//
// The simulator holds software keys (RSA-2048 and P-256) with certificates
// from its own CA, really signs the hashes it is given, and plays the user
// on the phone as scripted per transaction by a Behaviour: confirm after N
// polls or after a delay, reject, never answer, PIN blocked, a service
// error, slow responses, malformed or oversized answers, wrong signatures.
// It can push results to a callback URL the way remotesign.CallbackHandler
// expects. Time and randomness are injected.
//
// It is for tests and local development only: keys are generated in memory,
// the CA is throwaway, nothing is persisted, and it is not for production.
//
// This package does not import remotesign, so that remotesign's own tests
// can use it; the wire format is implemented independently here, which also
// makes the tests a check of the client against a second implementation.
package remotesigntest
