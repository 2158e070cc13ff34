package remotesigntest

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Config configures a Simulator. The zero value works.
type Config struct {
	// BearerToken is the service access token clients must present
	// (default "simulator-token"). BasicUser/BasicPassword, when set, are
	// accepted as well.
	BearerToken   string
	BasicUser     string
	BasicPassword string

	// Clock and Rand are the simulator's time and randomness (defaults:
	// wall clock, crypto/rand). The clock decides Behaviour.After and
	// expiry.
	Clock func() time.Time
	Rand  io.Reader

	// PendingTTL is how long an unanswered authorisation lives (default
	// 2 minutes); it is also the expiresIn of the 202.
	PendingTTL time.Duration
	// Default is the behaviour of transactions nothing was scripted for.
	Default Behaviour
	// Latency delays every response (real time).
	Latency time.Duration

	// CallbackURL is the webhook registered with the service, used when a
	// signHash carries no response_uri and for authorisation outcomes.
	CallbackURL string
	// CallbackSecret signs pushed callbacks (HMAC, X-Remotesign-Signature)
	// or, with CallbackBearer, is sent as a bearer token.
	CallbackSecret []byte
	CallbackBearer bool
	// CallbackClient posts callbacks (default: a client with a 5s timeout).
	CallbackClient *http.Client
}

// Simulator is a running simulated CSC service.
type Simulator struct {
	cfg   Config
	srv   *httptest.Server
	creds map[string]*Credential
	order []string

	mu      sync.Mutex
	scripts map[string][]Behaviour // per credential, FIFO
	auths   map[authKey]*authorization
	sads    map[string]*authorization
	ops     map[string]*operation
	calls   map[string]int
	pushes  []Push
}

// Push records one callback the simulator sent.
type Push struct {
	URL    string
	Header http.Header
	Body   []byte
	Status int // 0 if the request failed
}

// New creates a CA, an RSA-2048 and a P-256 credential owned by UserID, and
// starts the service on a loopback httptest server. Close it when done.
func New(cfg Config) (*Simulator, error) {
	if cfg.BearerToken == "" {
		cfg.BearerToken = "simulator-token"
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.PendingTTL <= 0 {
		cfg.PendingTTL = 2 * time.Minute
	}
	if cfg.CallbackClient == nil {
		cfg.CallbackClient = &http.Client{Timeout: 5 * time.Second}
	}
	now := cfg.Clock()
	ca, caKey, err := newCA(cfg.Rand, now)
	if err != nil {
		return nil, fmt.Errorf("remotesigntest: CA: %w", err)
	}
	s := &Simulator{
		cfg:     cfg,
		creds:   map[string]*Credential{},
		scripts: map[string][]Behaviour{},
		auths:   map[authKey]*authorization{},
		sads:    map[string]*authorization{},
		ops:     map[string]*operation{},
		calls:   map[string]int{},
	}
	for i, spec := range []struct{ id, kind string }{{RSACredential, "rsa"}, {ECCredential, "p256"}} {
		c, err := newCredential(cfg.Rand, now, ca, caKey, spec.id, UserID, spec.kind, int64(100+i))
		if err != nil {
			return nil, fmt.Errorf("remotesigntest: credential %s: %w", spec.id, err)
		}
		s.creds[c.ID] = c
		s.order = append(s.order, c.ID)
	}
	s.srv = httptest.NewServer(s.routes())
	return s, nil
}

// NewServer is New for tests: it fails tb on error and closes the
// simulator when the test ends.
func NewServer(tb testing.TB, cfg Config) *Simulator {
	tb.Helper()
	s, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// URL is the CSC API base URL ("http://127.0.0.1:port/csc/v2").
func (s *Simulator) URL() string { return s.srv.URL + "/csc/v2" }

// BearerToken is the access token the simulator accepts.
func (s *Simulator) BearerToken() string { return s.cfg.BearerToken }

// Close stops the server.
func (s *Simulator) Close() { s.srv.Close() }

// Credential returns a credential by ID; it panics on an unknown ID
// (misuse of the test kit).
func (s *Simulator) Credential(id string) *Credential {
	c, ok := s.creds[id]
	if !ok {
		panic("remotesigntest: unknown credential " + id)
	}
	return c
}

// SetDisabled marks a credential's key disabled (or enabled again).
func (s *Simulator) SetDisabled(id string, disabled bool) {
	c := s.Credential(id)
	s.mu.Lock()
	c.Disabled = disabled
	s.mu.Unlock()
}

// Script queues behaviours for the next transactions on credentialID, one
// per credentials/authorize, in order. Unscripted transactions use
// Config.Default.
func (s *Simulator) Script(credentialID string, bs ...Behaviour) {
	s.Credential(credentialID)
	s.mu.Lock()
	s.scripts[credentialID] = append(s.scripts[credentialID], bs...)
	s.mu.Unlock()
}

// Answer decides a pending authorisation now, as if the user had acted on
// the phone; transactionID is the clientData the client sent. A
// Behaviour.Callback transaction also gets the outcome pushed.
func (s *Simulator) Answer(transactionID string, o Outcome) error {
	s.mu.Lock()
	var a *authorization
	for k, v := range s.auths {
		if k.clientData == transactionID {
			a = v
		}
	}
	if a == nil {
		s.mu.Unlock()
		return errors.New("remotesigntest: unknown transaction")
	}
	if a.state != statePending {
		s.mu.Unlock()
		return errors.New("remotesigntest: transaction already decided")
	}
	s.decide(a, o)
	push := a.b.Callback
	s.mu.Unlock()
	if push {
		s.pushOutcome(a, s.cfg.CallbackURL)
	}
	return nil
}

// Calls returns how many times a CSC method ("credentials/authorizeCheck",
// "signatures/signPolling", …) has been called.
func (s *Simulator) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Pushes returns the callbacks sent so far.
func (s *Simulator) Pushes() []Push {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Push(nil), s.pushes...)
}

// Descriptions returns the description of every authorisation received,
// i.e. what the user's phone would have shown.
func (s *Simulator) Descriptions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, a := range s.auths {
		out = append(out, a.description)
	}
	return out
}

// newID returns a random identifier.
func (s *Simulator) newID() string {
	b := make([]byte, 16)
	if _, err := io.ReadFull(s.cfg.Rand, b); err != nil {
		panic("remotesigntest: randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
