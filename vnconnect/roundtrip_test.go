package vnconnect_test

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
)

// testClock is a settable clock shared by the fake and the client, so a test
// can step past the key set's refresh interval without sleeping.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Now().Truncate(time.Second)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

const fakeRedirect = "http://127.0.0.1/callback"

// fakeClient builds a Client for srv's default registration.
func fakeClient(t *testing.T, srv *vnconnecttest.Server, mod func(*vnconnect.Config)) *vnconnect.Client {
	t.Helper()
	cfg := vnconnect.Config{
		ClientID:     vnconnecttest.DefaultClientID,
		ClientSecret: vnconnecttest.DefaultClientSecret,
		RedirectURL:  fakeRedirect,
		Endpoint:     vnconnect.EndpointFor(srv.URL()),
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := vnconnect.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// login drives one headless login for techID and returns the AuthRequest
// and the code, as a callback handler would see them.
func login(t *testing.T, srv *vnconnecttest.Server, c *vnconnect.Client, techID string, opts ...vnconnect.AuthOption) (*vnconnect.AuthRequest, string) {
	t.Helper()
	req, err := c.AuthCodeURL(opts...)
	if err != nil {
		t.Fatal(err)
	}
	redirect, err := srv.Login(t.Context(), req.URL, techID)
	if err != nil {
		t.Fatal(err)
	}
	code, err := req.CodeFromCallback(redirect.Query())
	if err != nil {
		t.Fatalf("callback: %v", err)
	}
	return req, code
}

func TestRoundTrip(t *testing.T) {
	for _, style := range []struct {
		name string
		mod  func(*vnconnect.Config)
	}{
		{"post+GET", nil},
		{"basic+POST", func(c *vnconnect.Config) {
			c.AuthStyle = vnconnect.AuthStyleBasic
			c.UserInfoMethod = vnconnect.UserInfoPOST
		}},
	} {
		t.Run(style.name, func(t *testing.T) { roundTrip(t, style.mod) })
	}
}

func roundTrip(t *testing.T, mod func(*vnconnect.Config)) {
	ctx := t.Context()
	srv := vnconnecttest.NewServer(t)

	ep, err := vnconnect.Discover(ctx, nil, srv.URL())
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if ep.Issuer != srv.Issuer() || ep.JWKSURL == "" || ep.EndSessionURL == "" {
		t.Fatalf("discovered %+v", ep)
	}
	c := fakeClient(t, srv, func(cfg *vnconnect.Config) {
		cfg.Endpoint = ep
		cfg.LoA = "LoA2"
		if mod != nil {
			mod(cfg)
		}
	})

	// Login → Exchange.
	req, code := login(t, srv, c, vnconnecttest.CitizenTechID)
	tok, err := c.Exchange(ctx, code, req)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if tok.IDToken.Issuer != srv.Issuer() || tok.IDToken.Nonce != req.Nonce || tok.IDToken.ACR != "LoA2" ||
		tok.RefreshToken == "" || tok.Expiry.IsZero() || tok.IDToken.SID == "" {
		t.Fatalf("tokens = %+v, id token = %+v", tok, tok.IDToken)
	}
	var re *vnconnect.RetrieveError

	// UserInfo: typed Vietnamese identity, same subject.
	id, err := c.UserInfo(ctx, tok)
	if err != nil {
		t.Fatalf("UserInfo: %v", err)
	}
	if id.Subject != tok.IDToken.Subject || id.TechID != vnconnecttest.CitizenTechID || id.FullName != "Nguyễn Văn An" ||
		id.AccountType != vnconnect.AccountCitizen || id.CCCD == nil || id.Phone != "+84912345678" {
		t.Fatalf("identity = %+v", id)
	}
	if len(id.Problems) != 0 {
		t.Fatalf("seeded account has claim problems: %v", id.Problems)
	}

	// Refresh: new access token, same person; userinfo works with it.
	tok2, err := c.Refresh(ctx, tok)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if tok2.AccessToken == tok.AccessToken || tok2.IDToken.Subject != tok.IDToken.Subject {
		t.Fatalf("refreshed = %+v", tok2)
	}
	if _, err := c.UserInfo(ctx, tok2); err != nil {
		t.Fatalf("UserInfo after refresh: %v", err)
	}

	// Introspect → active; Revoke → inactive and userinfo refused.
	in, err := c.Introspect(ctx, tok2.AccessToken)
	if err != nil {
		t.Fatalf("Introspect: %v", err)
	}
	if !in.Active || in.ClientID != vnconnecttest.DefaultClientID || in.Sub != tok.IDToken.Subject || in.Exp.IsZero() {
		t.Fatalf("introspection = %+v", in)
	}
	if err := c.Revoke(ctx, tok2.AccessToken, vnconnect.HintAccessToken); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if in, err := c.Introspect(ctx, tok2.AccessToken); err != nil || in.Active {
		t.Fatalf("introspection after revoke = %+v, %v", in, err)
	}
	if _, err := c.UserInfo(ctx, tok2); !errors.As(err, &re) || re.StatusCode != http.StatusUnauthorized {
		t.Fatalf("UserInfo with a revoked token: %v", err)
	}
	if err := c.Revoke(ctx, tok2.RefreshToken, vnconnect.HintRefreshToken); err != nil {
		t.Fatalf("Revoke refresh token: %v", err)
	}
	if _, err := c.Refresh(ctx, tok2); !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("Refresh with a revoked refresh token: %v", err)
	}

	// Logout: the end-session endpoint accepts the hint and sends the
	// browser back with the state.
	logoutURL, err := c.LogoutURL(tok2.RawIDToken, "http://127.0.0.1/bye", "st-42")
	if err != nil {
		t.Fatal(err)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	hreq, _ := http.NewRequestWithContext(ctx, http.MethodGet, logoutURL, nil)
	resp, err := noFollow.Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "http://127.0.0.1/bye?state=st-42" {
		t.Fatalf("logout answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestKeyRotationWithoutRestart: a login after the provider rotates its
// signing key verifies with the same Client — the RemoteKeySet refetches
// when it meets the new kid.
func TestKeyRotationWithoutRestart(t *testing.T) {
	clk := newTestClock()
	srv := vnconnecttest.NewServer(t, vnconnecttest.WithClock(clk.Now), vnconnecttest.WithDropRetiredKeys())
	c := fakeClient(t, srv, func(cfg *vnconnect.Config) { cfg.Clock = clk.Now })
	ctx := t.Context()

	req, code := login(t, srv, c, vnconnecttest.CitizenTechID)
	tok1, err := c.Exchange(ctx, code, req)
	if err != nil {
		t.Fatalf("first login: %v", err)
	}
	oldKid := srv.KeyID()
	srv.RotateKeys()
	if srv.KeyID() == oldKid {
		t.Fatal("RotateKeys kept the kid")
	}
	// Past the refetch rate limit (DefaultMinRefreshInterval), well within
	// the JWKS cache lifetime: only the unknown kid triggers the refetch.
	clk.Advance(vnconnect.DefaultMinRefreshInterval + time.Second)

	req, code = login(t, srv, c, vnconnecttest.CitizenFemaleTechID)
	tok2, err := c.Exchange(ctx, code, req)
	if err != nil {
		t.Fatalf("login after rotation: %v", err)
	}
	if tok2.IDToken.Subject == tok1.IDToken.Subject {
		t.Fatal("second login is the first person")
	}
	// The retired key is gone from the JWKS, so a token it signed no
	// longer verifies once the set has been refetched.
	if _, err := c.Verifier().Verify(ctx, tok1.RawIDToken, vnconnect.VerifyParams{}); !errors.Is(err, vnconnect.ErrUnknownKey) {
		t.Fatalf("token of the retired key: %v", err)
	}
}

// TestPKCEAndState: the fake refuses a code redeemed with another verifier,
// and the callback refuses another login's state.
func TestPKCEAndState(t *testing.T) {
	srv := vnconnecttest.NewServer(t)
	c := fakeClient(t, srv, nil)
	ctx := t.Context()

	req, code := login(t, srv, c, vnconnecttest.CitizenTechID)
	other, err := c.AuthCodeURL()
	if err != nil {
		t.Fatal(err)
	}
	forged := *req
	forged.CodeVerifier = other.CodeVerifier
	var re *vnconnect.RetrieveError
	if _, err := c.Exchange(ctx, code, &forged); !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("wrong PKCE verifier: %v", err)
	}

	// A code is single-use, and its replay revokes what the first use got
	// (RFC 6749 §4.1.2).
	req, code = login(t, srv, c, vnconnecttest.CitizenTechID)
	tok, err := c.Exchange(ctx, code, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exchange(ctx, code, req); !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("second use of the code: %v", err)
	}
	if _, err := c.UserInfo(ctx, tok); !errors.As(err, &re) || re.StatusCode != http.StatusUnauthorized {
		t.Fatalf("tokens of a replayed code still work: %v", err)
	}

	redirect, err := srv.Login(ctx, req.URL, vnconnecttest.CitizenTechID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.CodeFromCallback(redirect.Query()); !errors.Is(err, vnconnect.ErrStateMismatch) {
		t.Fatalf("callback of another login: %v", err)
	}

	// The user pressing "Hủy" comes back as an OAuth error.
	redirect, err = srv.Cancel(ctx, other.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.CodeFromCallback(redirect.Query()); !errors.As(err, &re) || re.ErrorCode != "access_denied" {
		t.Fatalf("cancelled login: %v", err)
	}
}
