package remotesign

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CSC v2 lets signatures/signHash name a response_uri where the service
// "notifies the completion" of an asynchronous operation, without fixing
// the request's form or its authentication. rpkit's choice, which a service
// (or a gateway in front of it) must follow:
//
//	POST <response_uri>
//	Content-Type: application/json
//	X-Remotesign-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>
//	(or, with CallbackBearer: Authorization: Bearer <secret>)
//
//	{"clientData": "<TransactionID>", "responseID": "…",
//	 "signatures": ["<base64>", …]}                 // a result, or
//	{"clientData": "…", "error": "access_denied",
//	 "error_description": "…"}                      // an outcome, or
//	{"clientData": "…"}                             // "poll now" (e.g. user confirmed)
//
// clientData is the transaction ID rpkit sent with every call. Signatures
// from a callback are verified exactly like polled ones.

// CallbackSignatureHeader carries the HMAC of a callback.
const CallbackSignatureHeader = "X-Remotesign-Signature"

// CallbackAuth selects how callbacks authenticate.
type CallbackAuth int

const (
	// CallbackHMAC: an HMAC-SHA256 of a timestamp and the body, which also
	// bounds replay to MaxSkew. The default.
	CallbackHMAC CallbackAuth = iota
	// CallbackBearer: a static bearer secret. Simpler for services that
	// cannot sign; a captured request can be replayed for a transaction
	// that is still registered, so prefer HMAC.
	CallbackBearer
)

// CallbackConfig configures a CallbackHandler.
type CallbackConfig struct {
	// Secret is shared with the service; at least 32 bytes.
	Secret []byte
	// Auth selects HMAC (default) or bearer authentication.
	Auth CallbackAuth
	// MaxBodyBytes caps a callback body (default 256 KiB).
	MaxBodyBytes int64
	// MaxSkew bounds |now − t| of an HMAC timestamp (default 5 minutes).
	MaxSkew time.Duration
	// Clock is the time source (default: wall clock).
	Clock Clock
}

// CallbackHandler receives result callbacks and routes each one to the Wait
// of its transaction. Mount it at the path of Config.CallbackURL and set it
// as Config.Callbacks. Each transaction accepts one result (signatures or
// error) and one "poll now" notice; a repeat is refused with 409, a callback
// for an unknown or finished transaction with 404.
type CallbackHandler struct {
	cfg       CallbackConfig
	mu        sync.Mutex
	waiters   map[string]*waiter
	nextPrune time.Time
}

var _ http.Handler = (*CallbackHandler)(nil)

// waiter is one registered transaction. ch has room for the one result and
// the one notice a transaction may receive, so ServeHTTP never blocks.
type waiter struct {
	ch        chan callbackMsg
	gotResult bool
	gotNotice bool
	// forgetAt is when an abandoned transaction (Begin without Wait) is
	// dropped, so the map cannot grow without bound.
	forgetAt time.Time
}

// callbackMsg is a callback body.
type callbackMsg struct {
	TransactionID    string   `json:"clientData"`
	ResponseID       string   `json:"responseID"`
	Signatures       []string `json:"signatures"`
	Error            string   `json:"error"`
	ErrorDescription string   `json:"error_description"`
}

const (
	defaultCallbackBodyBytes int64 = 256 << 10
	defaultCallbackSkew            = 5 * time.Minute
	minCallbackSecret              = 32
)

// NewCallbackHandler validates cfg and returns a handler.
func NewCallbackHandler(cfg CallbackConfig) (*CallbackHandler, error) {
	if len(cfg.Secret) < minCallbackSecret {
		return nil, fmt.Errorf("remotesign: callback config: Secret must be at least %d bytes", minCallbackSecret)
	}
	if cfg.Auth != CallbackHMAC && cfg.Auth != CallbackBearer {
		return nil, errors.New("remotesign: callback config: unknown Auth")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = defaultCallbackBodyBytes
	}
	if cfg.MaxSkew <= 0 {
		cfg.MaxSkew = defaultCallbackSkew
	}
	if cfg.Clock == nil {
		cfg.Clock = realClock{}
	}
	cfg.Secret = append([]byte(nil), cfg.Secret...)
	return &CallbackHandler{cfg: cfg, waiters: make(map[string]*waiter)}, nil
}

// CallbackSignature returns the X-Remotesign-Signature value for body sent
// at t: what a service (or a test) puts on a callback.
func CallbackSignature(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(callbackMAC(secret, ts, body))
}

func callbackMAC(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// ServeHTTP implements http.Handler. Responses carry no detail beyond the
// status: the caller is a machine, and an unauthenticated one learns
// nothing.
func (h *CallbackHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := readLimited(r.Body, h.cfg.MaxBodyBytes)
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	// Authenticate before parsing: unauthenticated input gets no parser.
	if !h.authentic(r, body) {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	msg, err := parseCallback(body)
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	switch h.deliver(msg) {
	case deliverOK:
		w.WriteHeader(http.StatusNoContent)
	case deliverUnknown:
		http.Error(w, "unknown transaction", http.StatusNotFound)
	case deliverDuplicate:
		http.Error(w, "already delivered", http.StatusConflict)
	}
}

// parseCallback decodes and bounds a callback body.
func parseCallback(body []byte) (callbackMsg, error) {
	var msg callbackMsg
	if err := decodeObject(body, &msg); err != nil {
		return msg, err
	}
	if err := checkOpaque("clientData", msg.TransactionID, maxIDLength); err != nil {
		return msg, err
	}
	if msg.ResponseID != "" {
		if err := checkOpaque("responseID", msg.ResponseID, maxIDLength); err != nil {
			return msg, err
		}
	}
	if len(msg.Signatures) > 0 && msg.Error != "" {
		return msg, fmt.Errorf("%w: callback has both signatures and error", ErrMalformedResponse)
	}
	return msg, nil
}

// authentic checks the callback's credentials in constant time.
func (h *CallbackHandler) authentic(r *http.Request, body []byte) bool {
	if h.cfg.Auth == CallbackBearer {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			return false
		}
		// Compare digests so that the comparison time does not depend on
		// the length of the secret either.
		a, b := sha256.Sum256([]byte(got)), sha256.Sum256(h.cfg.Secret)
		return subtle.ConstantTimeCompare(a[:], b[:]) == 1
	}
	ts, mac, ok := parseSignatureHeader(r.Header.Get(CallbackSignatureHeader))
	if !ok {
		return false
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	skew := h.cfg.Clock.Now().Sub(time.Unix(sec, 0))
	if skew > h.cfg.MaxSkew || skew < -h.cfg.MaxSkew {
		return false
	}
	return hmac.Equal(mac, callbackMAC(h.cfg.Secret, ts, body))
}

// parseSignatureHeader splits "t=…,v1=…".
func parseSignatureHeader(v string) (ts string, mac []byte, ok bool) {
	if v == "" || len(v) > 256 {
		return "", nil, false
	}
	for part := range strings.SplitSeq(v, ",") {
		k, val, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found {
			return "", nil, false
		}
		switch k {
		case "t":
			ts = val
		case "v1":
			b, err := hex.DecodeString(val)
			if err != nil {
				return "", nil, false
			}
			mac = b
		}
	}
	return ts, mac, ts != "" && len(mac) == sha256.Size
}

type deliverResult int

const (
	deliverOK deliverResult = iota
	deliverUnknown
	deliverDuplicate
)

// deliver routes msg to its waiter at most once per kind.
func (h *CallbackHandler) deliver(msg callbackMsg) deliverResult {
	h.mu.Lock()
	defer h.mu.Unlock()
	wt, ok := h.waiters[msg.TransactionID]
	if !ok {
		return deliverUnknown
	}
	final := len(msg.Signatures) > 0 || msg.Error != ""
	if final {
		if wt.gotResult {
			return deliverDuplicate
		}
		wt.gotResult = true
	} else {
		if wt.gotNotice {
			return deliverDuplicate
		}
		wt.gotNotice = true
	}
	wt.ch <- msg // capacity 2, one of each kind: never blocks
	return deliverOK
}

// register creates the waiter of a new transaction, which is forgotten
// after ttl even if nobody waits for it.
func (h *CallbackHandler) register(id string, ttl time.Duration) *waiter {
	now := h.cfg.Clock.Now()
	wt := &waiter{ch: make(chan callbackMsg, 2), forgetAt: now.Add(ttl)}
	h.mu.Lock()
	defer h.mu.Unlock()
	// Prune at most once a minute: O(n) then, O(1) on most calls.
	if !now.Before(h.nextPrune) {
		for k, v := range h.waiters {
			if !now.Before(v.forgetAt) {
				delete(h.waiters, k)
			}
		}
		h.nextPrune = now.Add(time.Minute)
	}
	h.waiters[id] = wt
	return wt
}

// unregister forgets a finished transaction; later callbacks get 404.
func (h *CallbackHandler) unregister(id string) {
	h.mu.Lock()
	delete(h.waiters, id)
	h.mu.Unlock()
}

// Pending reports how many transactions are registered (for monitoring
// and tests).
func (h *CallbackHandler) Pending() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.waiters)
}
