package redisstore_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/saml"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
	"github.com/rpkit-vn/rpkit/vnconnect/web/redisstore"
)

// replicas is one application run as three instances behind a load
// balancer. Each instance has its own vnconnect.Client,
// saml.ServiceProvider, web.Handler, Redis client and redisstore.Store;
// they share nothing but the Redis server and key prefix (and the fake
// IdP). The balancer sends each request to the instance the test chooses,
// so the test decides which replica sees each step.
type replicas struct {
	fake     *vnconnecttest.Server
	base     string // the balancer's URL: the app's origin for browsers and the IdP
	clientID string
	stores   [3]*redisstore.Store
	apps     [3]http.Handler
	saml     [3]*recordingSAML
	target   atomic.Int32
	served   [3]atomic.Int32
	key      *rsa.PrivateKey // the SP's, shared by the instances
	cert     *x509.Certificate
}

func newReplicas(t *testing.T) *replicas {
	t.Helper()
	rs := &replicas{fake: vnconnecttest.NewServer(t)}
	lb := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := rs.target.Load()
		rs.served[i].Add(1)
		rs.apps[i].ServeHTTP(w, r)
	}))
	rs.base = "http://" + lb.Listener.Addr().String()

	rs.key, rs.cert = spKeyPair(t)
	rs.fake.RegisterSAMLServiceProvider(vnconnecttest.SAMLSP{
		EntityID: rs.base + "/saml/metadata", ACSURL: rs.base + "/saml/acs", SLOURL: rs.base + "/saml/slo",
		Certificate: rs.cert,
	})
	reg := rs.fake.Client()
	reg.BackchannelLogoutURI = rs.base + "/auth/backchannel-logout"
	rs.fake.RegisterClient(reg)
	rs.clientID = reg.ID

	prefix := testPrefix(t, newClient(t))
	for i := range rs.apps {
		client, err := vnconnect.NewClient(vnconnect.Config{
			ClientID: reg.ID, ClientSecret: reg.Secret, RedirectURL: rs.base + "/auth/callback",
			Endpoint: vnconnect.EndpointFor(rs.fake.URL()), LoA: "LoA2",
		})
		if err != nil {
			t.Fatal(err)
		}
		st, err := redisstore.New(newClient(t), redisstore.Options{Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		rs.saml[i] = rs.newSAMLProvider(t, st)
		h, err := web.New(web.Config{
			Client: client, SAML: rs.saml[i], BaseURL: rs.base,
			Sessions: st.Sessions(), Pending: st.Pending(), Replay: st.Replay(),
		})
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.Handle("/auth/", h)
		mux.Handle("/saml/", h)
		mux.Handle("/me", h.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id, _ := web.IdentityFrom(r.Context())
			sess, _ := web.SessionFrom(r.Context())
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(me{Instance: i, TechID: id.TechID, SID: sess.SID, Subject: sess.Subject})
		})))
		rs.stores[i], rs.apps[i] = st, mux
	}
	lb.Start()
	t.Cleanup(lb.Close)
	return rs
}

// newSAMLProvider is instance i's SAML service provider, its pending
// requests and replay cache in the shared store.
func (rs *replicas) newSAMLProvider(t *testing.T, st *redisstore.Store) *recordingSAML {
	t.Helper()
	sp, err := saml.New(saml.Config{
		EntityID: rs.base + "/saml/metadata", ACSURL: rs.base + "/saml/acs", SLOURL: rs.base + "/saml/slo",
		Key: rs.key, Certificate: rs.cert,
		IdPMetadata: rs.fake.SAMLMetadata(),
		Requests:    st.SAMLRequests(), Replay: st.Replay(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &recordingSAML{SAMLAdapter: web.NewSAMLProvider(sp)}
}

// recordingSAML is the real adapter (web.NewSAMLProvider) keeping the
// ACS's last error, so the test can tell a refused replay from any other
// refusal (the browser only sees a 403 page). Single logout is exercised
// here only for the sessions an IdP LogoutRequest ends; vnconnect/web's
// samladapter tests cover the rest.
type recordingSAML struct {
	*web.SAMLAdapter
	mu      sync.Mutex
	lastErr error
}

var _ web.SAMLProvider = (*recordingSAML)(nil)

func (a *recordingSAML) HandleACS(r *http.Request) (*web.SAMLLogin, error) {
	l, err := a.SAMLAdapter.HandleACS(r)
	a.mu.Lock()
	a.lastErr = err
	a.mu.Unlock()
	return l, err
}

func (a *recordingSAML) err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lastErr
}

// me is what /me answers: which instance served it, and whose session.
type me struct {
	Instance int    `json:"instance"`
	TechID   string `json:"techID"`
	SID      string `json:"sid"`
	Subject  string `json:"sub"`
}

// on routes the following requests to instance i (0-based).
func (rs *replicas) on(i int) { rs.target.Store(int32(i)) }

// newJarClient is a browser: a cookie jar that shows every redirect to the
// test instead of following it.
func newJarClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func do(t *testing.T, c *http.Client, method, u string, form url.Values, accept string) *http.Response {
	t.Helper()
	var req *http.Request
	var err error
	if form != nil {
		req, err = http.NewRequest(method, u, strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		req, err = http.NewRequest(method, u, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// whoami asks instance i (0-based) who the browser is.
func (rs *replicas) whoami(t *testing.T, b *http.Client, i int) (int, me) {
	t.Helper()
	rs.on(i)
	before := rs.served[i].Load()
	resp := do(t, b, http.MethodGet, rs.base+"/me", nil, "application/json")
	if rs.served[i].Load() == before {
		t.Fatalf("instance %d did not serve /me", i+1)
	}
	var m me
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, m
	}
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	if m.Instance != i {
		t.Fatalf("answer from instance %d, want %d", m.Instance+1, i+1)
	}
	return resp.StatusCode, m
}

// login starts a login on instance from and completes the callback on
// instance to, returning the callback URL (for replay checks).
func (rs *replicas) login(t *testing.T, b *http.Client, from, to int) string {
	t.Helper()
	return rs.loginAs(t, b, from, to, vnconnecttest.CitizenTechID)
}

// loginAs is login for the account techID.
func (rs *replicas) loginAs(t *testing.T, b *http.Client, from, to int, techID string) string {
	t.Helper()
	rs.on(from)
	resp := do(t, b, http.MethodGet, rs.base+"/auth/login?return_to=%2Fme", nil, "text/html")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), rs.fake.URL()) {
		t.Fatalf("login on instance %d: %d to %q, want 302 to Vnconnect", from+1, resp.StatusCode, resp.Header.Get("Location"))
	}
	cb, err := rs.fake.Login(context.Background(), resp.Header.Get("Location"), techID)
	if err != nil {
		t.Fatal(err)
	}
	rs.on(to)
	resp = do(t, b, http.MethodGet, cb.String(), nil, "text/html")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/me" {
		t.Fatalf("callback on instance %d: %d to %q, want 303 to /me", to+1, resp.StatusCode, resp.Header.Get("Location"))
	}
	return cb.String()
}

// samlLogin logs b in by SAML as techID, the AuthnRequest made on instance
// from and the response posted to instance to, and returns its session as
// instance to shows it.
func (rs *replicas) samlLogin(t *testing.T, b *http.Client, from, to int, techID string) me {
	t.Helper()
	rs.on(from)
	resp := do(t, b, http.MethodGet, rs.base+"/saml/login?return_to=%2Fme", nil, "text/html")
	acs, form, err := rs.fake.SAMLLogin(context.Background(), resp.Header.Get("Location"), techID)
	if err != nil {
		t.Fatal(err)
	}
	rs.on(to)
	if resp := do(t, b, http.MethodPost, acs, form, "text/html"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ACS on instance %d: %d (%v), want 303", to+1, resp.StatusCode, rs.saml[to].err())
	}
	status, m := rs.whoami(t, b, to)
	if status != http.StatusOK || m.TechID != techID || m.SID == "" {
		t.Fatalf("after SAML login: /me = %d %+v", status, m)
	}
	return m
}

// alive checks, on every instance, which of the browsers still have a
// session.
func (rs *replicas) alive(t *testing.T, what string, want map[*http.Client]bool) {
	t.Helper()
	for b, live := range want {
		for i := range 3 {
			status, _ := rs.whoami(t, b, i)
			if got := status == http.StatusOK; got != live {
				t.Errorf("%s: instance %d: /me = %d, want a session %v", what, i+1, status, live)
			}
		}
	}
}

// spKeyPair is a SAML SP key and self-signed certificate.
func spKeyPair(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "replicas SAML SP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return k, c
}

// TestThreeReplicas is the acceptance test for shared state: three
// instances of one app sharing Redis.
func TestThreeReplicas(t *testing.T) {
	rs := newReplicas(t)
	ctx := context.Background()

	t.Run("LoginAcrossReplicas", func(t *testing.T) {
		b := newJarClient(t)
		cb := rs.login(t, b, 0, 1) // started on instance 1, callback on instance 2
		for i := range 3 {
			if status, m := rs.whoami(t, b, i); status != http.StatusOK || m.TechID != vnconnecttest.CitizenTechID {
				t.Fatalf("instance %d: /me = %d %q, want 200 and the citizen", i+1, status, m.TechID)
			}
		}
		// The state was consumed on instance 2: the same callback on
		// instance 3 is refused, and does not log anyone in.
		other := newJarClient(t)
		rs.on(2)
		if resp := do(t, other, http.MethodGet, cb, nil, "text/html"); resp.StatusCode < 400 {
			t.Fatalf("replayed callback on instance 3: %d, want an error", resp.StatusCode)
		}
		if status, _ := rs.whoami(t, other, 2); status != http.StatusUnauthorized {
			t.Fatalf("after replayed callback /me = %d, want 401", status)
		}
	})

	t.Run("BackchannelLogoutEndsSessionEverywhere", func(t *testing.T) {
		b, bystander := newJarClient(t), newJarClient(t)
		rs.login(t, b, 2, 0)
		rs.login(t, bystander, 1, 2) // another IdP session: must survive
		_, sess := rs.whoami(t, b, 0)
		if sess.SID == "" {
			t.Fatal("the fake's ID token carries a sid; the session lost it")
		}

		// Vnconnect POSTs the logout token to the app's URL; the balancer
		// hands it to instance 2.
		rs.on(1)
		before := rs.served[1].Load()
		if err := rs.fake.SendBackchannelLogout(ctx, rs.clientID, "", sess.SID); err != nil {
			t.Fatalf("back-channel logout: %v", err)
		}
		if rs.served[1].Load() == before {
			t.Fatal("instance 2 did not receive the logout token")
		}
		for i := range 3 {
			if status, _ := rs.whoami(t, b, i); status != http.StatusUnauthorized {
				t.Errorf("instance %d after logout: /me = %d, want 401", i+1, status)
			}
			if status, _ := rs.whoami(t, bystander, i); status != http.StatusOK {
				t.Errorf("instance %d: the other person's session = %d, want 200", i+1, status)
			}
		}
	})

	t.Run("LogoutTokenReplayRefusedByAnotherReplica", func(t *testing.T) {
		b := newJarClient(t)
		rs.login(t, b, 0, 0)
		_, sess := rs.whoami(t, b, 1)
		tok := rs.fake.LogoutToken(rs.clientID, "", sess.SID)
		post := func(i int) int {
			rs.on(i)
			resp := do(t, newJarClient(t), http.MethodPost, rs.base+"/auth/backchannel-logout",
				url.Values{"logout_token": {tok}}, "application/json")
			return resp.StatusCode
		}
		if got := post(0); got != http.StatusOK {
			t.Fatalf("logout token on instance 1: %d, want 200", got)
		}
		for _, i := range []int{1, 2} {
			if got := post(i); got != http.StatusBadRequest {
				t.Errorf("same logout token on instance %d: %d, want 400 (replay)", i+1, got)
			}
		}
	})

	t.Run("SAMLLoginAcrossReplicasReplayRefusedByThird", func(t *testing.T) {
		b := newJarClient(t)
		rs.on(0)
		resp := do(t, b, http.MethodGet, rs.base+"/saml/login?return_to=%2Fme", nil, "text/html")
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, rs.fake.SAMLSSOURL()) {
			t.Fatalf("SAML login on instance 1: %d to %q, want 302 to /samlsso", resp.StatusCode, loc)
		}
		acs, form, err := rs.fake.SAMLLogin(ctx, loc, vnconnecttest.CitizenTechID)
		if err != nil {
			t.Fatal(err)
		}
		// The IdP's answer to a request made on instance 1 lands on
		// instance 2, which finds the request in the shared store.
		rs.on(1)
		resp = do(t, b, http.MethodPost, acs, form, "text/html")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/me" {
			t.Fatalf("ACS on instance 2: %d to %q (%v), want 303 to /me", resp.StatusCode, resp.Header.Get("Location"), rs.saml[1].err())
		}
		for i := range 3 {
			if status, m := rs.whoami(t, b, i); status != http.StatusOK || m.TechID != vnconnecttest.CitizenTechID {
				t.Fatalf("instance %d after SAML login: /me = %d %q, want 200 and the citizen", i+1, status, m.TechID)
			}
		}
		// The same response posted again to instance 3 — by the same
		// browser or by whoever copied it — is refused as a replay, and
		// logs nobody in.
		for name, browser := range map[string]*http.Client{"same browser": b, "another browser": newJarClient(t)} {
			rs.on(2)
			resp := do(t, browser, http.MethodPost, acs, form, "text/html")
			if resp.StatusCode != http.StatusForbidden || !errors.Is(rs.saml[2].err(), saml.ErrReplay) {
				t.Errorf("replayed response on instance 3 (%s): %d, %v; want 403 and saml.ErrReplay", name, resp.StatusCode, rs.saml[2].err())
			}
		}
		if status, _ := rs.whoami(t, newJarClient(t), 2); status != http.StatusUnauthorized {
			t.Errorf("a fresh browser is logged in: %d", status)
		}
	})

	// A logout that names a person and an IdP session ends only that
	// person's session, whichever replica gets it: a logout token with A's
	// sub and B's sid, then a SAML LogoutRequest with A's NameID and B's
	// SessionIndex, end nothing; B's own then end B's session everywhere.
	t.Run("BackchannelSubAndSIDMustMatch", func(t *testing.T) {
		a, b := newJarClient(t), newJarClient(t)
		rs.loginAs(t, a, 0, 1, vnconnecttest.CitizenTechID)
		rs.loginAs(t, b, 1, 2, vnconnecttest.CitizenFemaleTechID)
		_, ma := rs.whoami(t, a, 0)
		_, mb := rs.whoami(t, b, 0)
		rs.on(1)
		if err := rs.fake.SendBackchannelLogout(ctx, rs.clientID, ma.Subject, mb.SID); err != nil {
			t.Fatalf("back-channel logout (A's sub, B's sid): %v", err)
		}
		rs.alive(t, "after A's sub with B's sid", map[*http.Client]bool{a: true, b: true})
		rs.on(2)
		if err := rs.fake.SendBackchannelLogout(ctx, rs.clientID, mb.Subject, mb.SID); err != nil {
			t.Fatalf("back-channel logout (B's sub and sid): %v", err)
		}
		rs.alive(t, "after B's sub and sid", map[*http.Client]bool{a: true, b: false})
	})

	t.Run("SAMLLogoutRequestNameIDMustMatch", func(t *testing.T) {
		a, b := newJarClient(t), newJarClient(t)
		ma := rs.samlLogin(t, a, 0, 1, vnconnecttest.CitizenTechID)
		mb := rs.samlLogin(t, b, 1, 2, vnconnecttest.CitizenFemaleTechID)
		if ma.SID == mb.SID || ma.Subject == mb.Subject {
			t.Fatalf("want two principals in two IdP sessions: %+v %+v", ma, mb)
		}
		entity := rs.base + "/saml/metadata"
		slo := func(i int, nameID, sessionIndex string) {
			t.Helper()
			rs.on(i)
			resp := do(t, newJarClient(t), http.MethodGet, rs.fake.SAMLLogoutRequest(entity, nameID, sessionIndex, true), nil, "text/html")
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, rs.fake.SAMLSSOURL()+"?SAMLResponse=") {
				t.Fatalf("LogoutRequest on instance %d: %d to %q, want our LogoutResponse", i+1, resp.StatusCode, loc)
			}
		}
		slo(2, ma.Subject, mb.SID)
		rs.alive(t, "after A's NameID with B's SessionIndex", map[*http.Client]bool{a: true, b: true})
		slo(0, mb.Subject, mb.SID)
		rs.alive(t, "after B's own LogoutRequest", map[*http.Client]bool{a: true, b: false})
	})

	t.Run("EveryKeyExpires", func(t *testing.T) {
		assertAllExpire(t, newClient(t), rs.stores[0].Prefix())
	})
}
