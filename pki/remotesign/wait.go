package remotesign

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// slowDownStep is added to every later delay when the service answers
// "slow_down", as RFC 8628 §3.5 prescribes for device-flow polling.
const slowDownStep = 5 * time.Second

// maxTransient is how many transient failures in a row (network errors,
// HTTP 429/502/503/504) Wait rides out before giving up.
const maxTransient = 3

// Wait implements Signer: it polls credentials/authorizeCheck until the
// user confirms, then calls signatures/signHash with operationMode "A" and
// polls signatures/signPolling until the signatures are ready. Between polls
// it sleeps per Config.Backoff, and wakes early when a result callback for
// the transaction arrives.
//
// The signatures are verified with the credential's certificate before they
// are returned. A context error leaves the transaction resumable; every
// other outcome is final and returned again by later calls. (A context
// cancelled in the middle of signatures/signHash may leave the SAD spent at
// the service; the resumed Wait then reports the service's refusal.)
func (c *Client) Wait(ctx context.Context, p *Pending) (*Result, error) {
	if p == nil || p.st == nil || p.st.client != c {
		return nil, ErrUnknownTransaction
	}
	st := p.st
	select {
	case st.busy <- struct{}{}:
	default:
		return nil, ErrWaitInProgress
	}
	defer func() { <-st.busy }()

	var callbacks <-chan callbackMsg
	if st.waiter != nil {
		callbacks = st.waiter.ch
	}
	attempt, transient := 0, 0
	var extra time.Duration
	for st.phase != phaseDone {
		// A result that has already arrived by callback wins over a poll.
		select {
		case msg := <-callbacks:
			if c.applyCallback(st, msg) {
				continue
			}
		default:
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("remotesign: wait: %w", err)
		}
		before := st.phase
		r, err := c.step(ctx, st)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, fmt.Errorf("remotesign: wait: %w", ctx.Err())
		case err != nil && isTransient(err) && transient < maxTransient:
			transient++
		case err != nil:
			c.finish(st, nil, err)
			continue
		default:
			transient = 0
		}
		if st.phase == phaseDone {
			break
		}
		if st.phase != before {
			attempt, extra = 0, 0 // a new phase starts a new schedule
			continue
		}
		if r.slowDown {
			extra += slowDownStep
		}
		now := c.cfg.Clock.Now()
		if !now.Before(st.deadline) {
			c.finish(st, nil, fmt.Errorf("remotesign: wait: %w: no answer by %s", ErrExpired, st.deadline.UTC().Format(time.RFC3339)))
			break
		}
		d := c.cfg.Backoff.Delay(attempt, c.cfg.Rand) + extra
		attempt++
		// Never sleep past the deadline: poll one last time at it.
		if left := st.deadline.Sub(now); d > left {
			d = left
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("remotesign: wait: %w", ctx.Err())
		case <-c.cfg.Clock.After(d):
		case msg := <-callbacks:
			c.applyCallback(st, msg)
		}
	}
	return st.result, st.err
}

// step performs one poll (or request) of the current phase.
func (c *Client) step(ctx context.Context, st *txState) (reply, error) {
	switch {
	case st.phase == phaseConfirming:
		var out authorizeResponse
		r, err := c.call(ctx, "credentials/authorizeCheck", authorizeCheckRequest{
			CredentialID: st.credentialID, ClientData: st.id,
		}, &out)
		if err != nil || r.pending {
			return r, err
		}
		if err := checkOpaque("SAD", out.SAD, maxSADLength); err != nil {
			return r, fmt.Errorf("remotesign: credentials/authorizeCheck: %w", err)
		}
		st.sad = out.SAD
		st.phase = phaseSigning
		st.deadline = c.cfg.Clock.Now().Add(c.cfg.SignTimeout)
		return r, nil

	case st.responseID == "":
		hashOIDStr, _ := hashOID(st.hash)
		var out signHashResponse
		r, err := c.call(ctx, "signatures/signHash", signHashRequest{
			CredentialID:     st.credentialID,
			SAD:              st.sad,
			Hashes:           encodeB64List(st.hashes),
			HashAlgorithmOID: hashOIDStr,
			SignAlgo:         st.signAlgo,
			SignAlgoParams:   st.signParams,
			OperationMode:    "A",
			ValidityPeriod:   c.cfg.SignTimeout.Milliseconds(),
			ResponseURI:      c.cfg.CallbackURL,
			ClientData:       st.id,
		}, &out)
		if err != nil {
			return r, err
		}
		if len(out.Signatures) > 0 && !r.pending {
			// The service chose to answer synchronously.
			return r, c.complete(st, out.Signatures)
		}
		if err := checkOpaque("responseID", out.ResponseID, maxIDLength); err != nil {
			return r, fmt.Errorf("remotesign: signatures/signHash: %w", err)
		}
		st.responseID = out.ResponseID
		r.pending = true
		return r, nil

	default:
		var out signHashResponse
		r, err := c.call(ctx, "signatures/signPolling", signPollingRequest{
			ResponseID: st.responseID, ClientData: st.id,
		}, &out)
		if err != nil || r.pending {
			return r, err
		}
		return r, c.complete(st, out.Signatures)
	}
}

// complete parses and verifies signatures and ends the transaction. A
// malformed or non-verifying answer ends it too: the SAD is spent.
func (c *Client) complete(st *txState, sigs []string) error {
	parsed, err := parseSignatures(sigs, len(st.hashes))
	if err == nil {
		parsed, err = verifySignatures(st.info.Certificate.PublicKey, st.alg, st.hash, st.hashes, parsed)
	}
	if err != nil {
		return fmt.Errorf("remotesign: signatures: %w", err)
	}
	c.finish(st, &Result{Signatures: parsed, Certificate: st.info.Certificate, Chain: st.info.Chain}, nil)
	return nil
}

// finish records the final outcome and drops what is no longer needed.
func (c *Client) finish(st *txState, res *Result, err error) {
	st.phase = phaseDone
	st.result, st.err = res, err
	st.sad = ""
	c.release(st)
}

// applyCallback acts on a callback routed to st and reports whether the
// transaction is now finished. A callback that only says "something
// happened" makes Wait poll at once.
func (c *Client) applyCallback(st *txState, msg callbackMsg) bool {
	switch {
	case msg.ResponseID != "" && st.responseID != "" && msg.ResponseID != st.responseID:
		return false // not the operation we are waiting for; keep polling
	case len(msg.Signatures) > 0:
		if err := c.complete(st, msg.Signatures); err != nil {
			c.finish(st, nil, err)
		}
		return true
	case msg.Error != "":
		c.finish(st, nil, newServiceError("callback", 0, msg.Error, msg.ErrorDescription))
		return true
	}
	return false
}

// isTransient reports errors worth another poll: the network, or a service
// that says it is overloaded or behind a failing proxy.
func isTransient(err error) bool {
	var se *ServiceError
	if errors.As(err, &se) {
		switch se.Status {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return se.kind == nil
		}
		return false
	}
	if errors.Is(err, ErrMalformedResponse) || errors.Is(err, ErrResponseTooLarge) || errors.Is(err, ErrBadSignature) {
		return false
	}
	return true
}
