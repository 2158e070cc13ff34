package remotesigntest

import "time"

// Outcome is what the simulated user (or service) does with an
// authorisation request.
type Outcome int

const (
	// Confirm: the user enters the PIN and confirms.
	Confirm Outcome = iota
	// Reject: the user declines ("access_denied").
	Reject
	// NeverAnswer: the user ignores the phone; the authorisation expires
	// after Config.PendingTTL ("expired_token").
	NeverAnswer
	// PINBlocked: the PIN is blocked (invalid_request "PIN locked").
	PINBlocked
	// Fail: the service fails with Behaviour.Status/Code/Description.
	Fail
	// Manual: nothing happens until the test calls Simulator.Answer.
	Manual
)

// Fault makes the service misbehave on the wire.
type Fault int

const (
	// NoFault: a well-behaved service.
	NoFault Fault = iota
	// MalformedJSON: authorizeCheck and signPolling answer 200 with a body
	// that is not JSON.
	MalformedJSON
	// OversizedBody: authorizeCheck and signPolling answer 200 with a
	// 2 MiB body.
	OversizedBody
	// BadSignature: the returned signatures do not verify.
	BadSignature
	// WrongSignatureCount: one signature too few.
	WrongSignatureCount
	// MissingResponseID: signHash answers 202 without responseID.
	MissingResponseID
)

// Behaviour scripts one transaction. The zero value confirms on the first
// authorizeCheck.
type Behaviour struct {
	// Outcome is what happens once AfterPolls and After have both passed.
	Outcome Outcome
	// AfterPolls: authorizeCheck answers "pending" this many times first.
	AfterPolls int
	// After: the outcome waits until this much simulator time (Config.Clock)
	// has passed since credentials/authorize.
	After time.Duration
	// Immediate: credentials/authorize answers with the outcome itself
	// (200 + SAD, or the error) instead of 202.
	Immediate bool
	// SignPolls: signPolling answers "pending" this many times first.
	SignPolls int
	// Callback: push the outcome and the signatures to the callback URL
	// (response_uri, else Config.CallbackURL). With AfterPolls == 0 and
	// After == 0 the user decides during credentials/authorize and the
	// outcome is pushed before the 202 is returned.
	Callback bool
	// Latency delays every response of the transaction (real time).
	Latency time.Duration
	// Status, Code, Description define the failure of Outcome Fail
	// (defaults 500, "server_error", "internal error").
	Status      int
	Code        string
	Description string
	// P1363 returns ECDSA signatures as r‖s instead of DER.
	P1363 bool
	// Fault makes the service misbehave.
	Fault Fault
}
