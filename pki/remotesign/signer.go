package remotesign

import (
	"context"
	"crypto"
	"crypto/x509"
	"time"
)

// Signer is the asynchronous remote-signature flow: Begin asks the service
// to have the user confirm, Wait collects the outcome. The two steps are
// separate because the confirmation happens on the user's phone and may take
// minutes: a web handler typically calls Begin, shows Pending.DisplayCode,
// and calls Wait from a background job or a long-poll request.
type Signer interface {
	// Begin starts a transaction: it resolves the credential, checks the
	// requested algorithm against it and asks the service to authorise
	// len(req.Hashes) signatures. It returns once the service has accepted
	// the request, before the user has answered.
	Begin(ctx context.Context, req Request) (*Pending, error)
	// Wait blocks until the transaction ends, the context is done or the
	// transaction expires. On a context error the transaction is left
	// intact and Wait may be called again with the same Pending.
	Wait(ctx context.Context, p *Pending) (*Result, error)
}

// SignAlgorithm is the signature scheme asked of the remote key.
type SignAlgorithm int

const (
	// RSAPKCS1v15 is RSASSA-PKCS1-v1_5 (the usual choice for VGCA RSA keys).
	RSAPKCS1v15 SignAlgorithm = iota + 1
	// RSAPSS is RSASSA-PSS with MGF1 over the same hash and a salt as long
	// as the hash.
	RSAPSS
	// ECDSA is ECDSA; signatures are returned ASN.1 DER encoded.
	ECDSA
)

// String returns the algorithm's conventional name.
func (a SignAlgorithm) String() string {
	switch a {
	case RSAPKCS1v15:
		return "RSA-PKCS1v15"
	case RSAPSS:
		return "RSA-PSS"
	case ECDSA:
		return "ECDSA"
	}
	return "unknown"
}

// Request describes what to sign.
type Request struct {
	// CredentialID names the remote key. When empty, UserID is used to look
	// the credential up with credentials/list.
	CredentialID string
	// UserID identifies the signer at the service (CSC userID); used only
	// when CredentialID is empty.
	UserID string
	// Hashes are the digests to sign, each HashAlgorithm.Size() bytes long.
	// The user confirms them all at once.
	Hashes [][]byte
	// HashAlgorithm is crypto.SHA256, SHA384 or SHA512. SHA-1 is refused.
	HashAlgorithm crypto.Hash
	// SignAlgorithm selects PKCS#1 v1.5, PSS or ECDSA.
	SignAlgorithm SignAlgorithm
	// Description is shown to the user on the phone. The DisplayCode is
	// appended to it so the user can match the request with the screen.
	Description string
}

// Pending is a transaction that has been started and not yet finished. It is
// only meaningful to the Signer that returned it.
type Pending struct {
	// TransactionID is rpkit's identifier of the transaction. It is sent to
	// the service as clientData and routes result callbacks.
	TransactionID string
	// DisplayCode is a short code to show to the user; the same code is
	// appended to the description on the phone.
	DisplayCode string
	// ExpiresAt is when rpkit stops waiting for the user's confirmation.
	ExpiresAt time.Time

	st *txState
}

// Result is a successful transaction's outcome.
type Result struct {
	// Signatures are in the order of Request.Hashes and have been verified
	// with Certificate's public key.
	Signatures [][]byte
	// Certificate is the signing certificate reported by credentials/info.
	// It has NOT been verified against any trust anchor: pass it and Chain
	// to pki.Verifier before trusting who signed.
	Certificate *x509.Certificate
	// Chain holds the remaining certificates the service returned, in the
	// service's order (issuer first).
	Chain []*x509.Certificate
}
