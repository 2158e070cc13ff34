// Package remotesign drives remote signatures with keys held by a signing
// service — the "SIM PKI" of Vietnamese agencies, where a Government Cipher
// Committee (VGCA) certificate's key lives with the provider and the
// official confirms each signature with a PIN on the phone.
//
// # The flow
//
// Signing is asynchronous: request → the user confirms on the phone → poll
// or callback. The Signer interface has one method for each side of the
// wait:
//
//	p, err := signer.Begin(ctx, remotesign.Request{CredentialID: id,
//	        Hashes: [][]byte{digest}, HashAlgorithm: crypto.SHA256,
//	        SignAlgorithm: remotesign.RSAPKCS1v15, Description: "…"})
//	// show p.DisplayCode to the user; the phone shows the same code
//	res, err := signer.Wait(ctx, p)   // res.Signatures, res.Certificate, res.Chain
//
// Wait returns typed outcomes, tested with errors.Is: ErrUserRejected,
// ErrExpired, ErrPINBlocked, ErrCredentialNotFound; other service failures
// are a *ServiceError (errors.As) with the service's code, description and
// HTTP status. Signatures are verified with the credential's certificate
// before Wait returns them; the certificate itself is not verified here —
// pass Result.Certificate and Result.Chain to pki.Verifier.
//
// # Cloud Signature Consortium API v2
//
// Client speaks the CSC API v2 (POST, JSON, method names appended to
// Config.BaseURL):
//
//   - credentials/list (userID, onlyValid) when the Request names a user,
//     not a credential; the first credential able to do the algorithm wins.
//   - credentials/info (certificates "chain", certInfo, authInfo): the
//     certificate chain (base64 DER, leaf first), key/status, key/algo and
//     the authorisation mode.
//   - credentials/authorize (credentialID, numSignatures, hashes,
//     hashAlgorithmOID, description, clientData). 202 means the user has
//     been asked on the phone; 200 carries the SAD at once.
//   - credentials/authorizeCheck (credentialID, clientData): 202 while the
//     user has not answered, 200 with SAD and expiresIn once confirmed, an
//     error otherwise.
//   - signatures/signHash (credentialID, SAD, hashes, hashAlgorithmOID,
//     signAlgo, signAlgoParams for PSS, operationMode "A", validity_period
//     in milliseconds, response_uri, clientData): 202 with responseID.
//   - signatures/signPolling (responseID): 202 while pending, 200 with
//     signatures (base64, in the order of the hashes).
//
// The service is authenticated with an OAuth2 bearer token (static or from
// Config.TokenSource) or HTTP Basic. https is required except to loopback
// hosts unless Config.InsecureAllowHTTP; redirects are not followed; every
// response body is read through Config.MaxResponseBytes; every call takes
// the caller's context and is bounded by Config.RequestTimeout.
//
// # Where the specification is vague, rpkit chooses
//
//   - Pending authorisation. CSC v2 does not say how credentials/authorizeCheck
//     names the authorisation it checks. rpkit generates the TransactionID
//     (128 random bits), sends it as clientData on every call, and checks
//     with {credentialID, clientData}; services that key on the credential
//     alone still work.
//   - Display code. CSC has no such field. rpkit derives a 4-digit code from
//     the transaction ID and the hashes and appends " [Mã: 1234]" to the
//     description (cut to CSC's 500 characters), which is what the phone
//     shows.
//   - Pending answers. 202 is "not yet". The OAuth device-flow codes
//     "authorization_pending" and "slow_down" (RFC 8628) are honoured as
//     well; slow_down adds 5 s to every later delay.
//   - Outcome codes. CSC defines few codes, so the classification is
//     deliberately tolerant: access_denied (and user_rejected, cancelled…)
//     is a rejection; expired_token (and "… expired" descriptions) an expiry;
//     pin_locked or an invalid_request/invalid_pin whose description says the
//     PIN is locked or blocked a blocked PIN; invalid_request "Invalid
//     parameter credentialID" (or userID) a missing credential.
//   - Transient failures. Network errors and HTTP 429/502/503/504 during
//     Wait are retried on the backoff schedule, at most three in a row;
//     everything else is final. A final outcome is kept: Wait on the same
//     Pending returns it again without calling the service.
//   - Deadlines. Config.ConfirmTimeout bounds the user's confirmation (an
//     expiresIn on the 202 may shorten it); Config.SignTimeout bounds the
//     signing after it and is sent as validity_period. Wait never sleeps past
//     the deadline and polls once more at it.
//   - authMode. "oauth2code" needs the user's browser and is refused
//     (ErrUnsupportedAuthMode); "implicit" and "explicit" are accepted
//     because the user authorises on the phone, out of band. Both the v1
//     field authMode and the v2.0.0.2 auth.mode are read.
//   - signAlgo. For PKCS#1 v1.5 the hash-specific OID (sha256WithRSA…) is
//     sent when the credential lists it, else rsaEncryption with
//     hashAlgorithmOID. PSS sends RSASSA-PSS with DER parameters (MGF1 over
//     the same hash, salt = hash length). ECDSA sends ecdsa-with-SHAx.
//     SHA-1 is refused. ECDSA signatures returned as r‖s are converted to
//     DER.
//   - Callbacks. CSC leaves the response_uri notification undefined;
//     CallbackHandler documents the JSON body and the
//     X-Remotesign-Signature HMAC header rpkit expects (or a bearer secret).
//
// # Callbacks
//
// With Config.Callbacks set, each transaction is registered with the
// CallbackHandler by its TransactionID; a result callback makes Wait return
// at once (signatures still verified), a bare notice makes it poll at once.
// Callbacks are authenticated (HMAC over timestamp and body in constant
// time, timestamps within MaxSkew, or a bearer secret), size-limited, and
// delivered at most once per transaction: a replay gets 409 while the
// transaction is registered and 404 after.
//
// # Testing
//
// Package remotesigntest is a simulated CSC service with software keys that
// plays the user as scripted (confirm, reject, never answer, PIN blocked,
// failures, slow or malformed answers). Clock and Rand are injected in both,
// so backoff runs without real sleeps.
package remotesign
