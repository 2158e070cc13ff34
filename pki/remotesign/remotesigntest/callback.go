package remotesigntest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// pushOutcome sends an authorisation's outcome to url: an error for a
// refusal, or a bare "poll now" notice for a confirmation (the SAD itself
// is only ever returned by authorizeCheck).
func (s *Simulator) pushOutcome(a *authorization, url string) {
	s.mu.Lock()
	state := a.state
	s.mu.Unlock()
	msg := map[string]any{"clientData": a.clientData}
	switch state {
	case stateRejected:
		msg["error"], msg["error_description"] = "access_denied", "The user rejected the signing request"
	case statePINBlocked:
		msg["error"], msg["error_description"] = "invalid_request", "PIN locked"
	case stateExpired:
		msg["error"], msg["error_description"] = "expired_token", "The authorization request expired"
	case stateFailed:
		code := a.b.Code
		if code == "" {
			code = "server_error"
		}
		msg["error"], msg["error_description"] = code, a.b.Description
	case statePending:
		return
	}
	s.push(url, msg)
}

// push POSTs a callback, signed per Config, and records it. It runs
// synchronously (inside the handler that caused it) so that tests see the
// callback before the response that follows it.
func (s *Simulator) push(url string, msg map[string]any) {
	if url == "" {
		return
	}
	body, _ := json.Marshal(msg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	if s.cfg.CallbackBearer {
		req.Header.Set("Authorization", "Bearer "+string(s.cfg.CallbackSecret))
	} else {
		ts := strconv.FormatInt(s.cfg.Clock().Unix(), 10)
		m := hmac.New(sha256.New, s.cfg.CallbackSecret)
		m.Write([]byte(ts + "."))
		m.Write(body)
		req.Header.Set("X-Remotesign-Signature", "t="+ts+",v1="+hex.EncodeToString(m.Sum(nil)))
	}
	p := Push{URL: url, Header: req.Header.Clone(), Body: body}
	if resp, err := s.cfg.CallbackClient.Do(req); err == nil {
		p.Status = resp.StatusCode
		resp.Body.Close()
	}
	s.mu.Lock()
	s.pushes = append(s.pushes, p)
	s.mu.Unlock()
}
