package vnconnecttest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// backchannelRP records the logout tokens POSTed to it.
type backchannelRP struct {
	mu     sync.Mutex
	tokens []string
	status int
}

func (b *backchannelRP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	b.mu.Lock()
	b.tokens = append(b.tokens, r.PostForm.Get("logout_token"))
	st := b.status
	b.mu.Unlock()
	if st == 0 {
		st = http.StatusOK
	}
	w.WriteHeader(st)
}

func (b *backchannelRP) got() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.tokens...)
}

func TestLogout(t *testing.T) {
	rp := &backchannelRP{}
	rpSrv := httptest.NewServer(rp)
	defer rpSrv.Close()
	s, _ := newTestServer(t, WithClient(ClientReg{
		ID: "portal", Secret: "portal-secret",
		RedirectURIs:           []string{"http://127.0.0.1:9/cb"},
		PostLogoutRedirectURIs: []string{"http://127.0.0.1:9/bye"},
		BackchannelLogoutURI:   rpSrv.URL + "/backchannel",
	}))
	p := newAuthParams()
	p.v.Set("client_id", "portal")
	p.v.Set("redirect_uri", "http://127.0.0.1:9/cb")
	u, err := s.Login(context.Background(), p.url(s), CitizenTechID)
	if err != nil {
		t.Fatal(err)
	}
	st, tok, _ := post(t, s, PathToken, url.Values{"grant_type": {"authorization_code"}, "code": {u.Query().Get("code")},
		"redirect_uri": {"http://127.0.0.1:9/cb"}, "code_verifier": {p.verifier}}, styleBasic, "portal", "portal-secret")
	if st != http.StatusOK {
		t.Fatalf("token %d %v", st, tok)
	}
	idt := tok["id_token"].(string)
	_, claims, _ := decodeJWT(t, idt)

	logout := func(v url.Values) *http.Response {
		resp, err := noRedirect.Get(s.URL() + PathLogout + "?" + v.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	t.Run("unregistered post_logout_redirect_uri", func(t *testing.T) {
		r := logout(url.Values{"id_token_hint": {idt}, "post_logout_redirect_uri": {"http://127.0.0.1:9/elsewhere"}})
		if r.StatusCode != http.StatusBadRequest || r.Header.Get("Location") != "" {
			t.Errorf("%d %s", r.StatusCode, r.Header.Get("Location"))
		}
	})
	t.Run("forged hint", func(t *testing.T) {
		forged := idt[:strings.LastIndexByte(idt, '.')] + ".AAAA"
		if r := logout(url.Values{"id_token_hint": {forged}}); r.StatusCode != http.StatusBadRequest {
			t.Errorf("%d", r.StatusCode)
		}
	})
	t.Run("client_id mismatch", func(t *testing.T) {
		if r := logout(url.Values{"id_token_hint": {idt}, "client_id": {DefaultClientID}}); r.StatusCode != http.StatusBadRequest {
			t.Errorf("%d", r.StatusCode)
		}
	})
	if len(rp.got()) != 0 {
		t.Fatal("refused logouts notified the client")
	}

	r := logout(url.Values{"id_token_hint": {idt}, "post_logout_redirect_uri": {"http://127.0.0.1:9/bye"}, "state": {"s-1"}})
	if r.StatusCode != http.StatusFound || r.Header.Get("Location") != "http://127.0.0.1:9/bye?state=s-1" {
		t.Fatalf("logout %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	got := rp.got()
	if len(got) != 1 {
		t.Fatalf("%d back-channel calls", len(got))
	}
	hdr, lc, _ := decodeJWT(t, got[0])
	if err := verifyWithJWKS(t, s, got[0]); err != nil || hdr["typ"] != "logout+jwt" {
		t.Errorf("logout token: %v %v", err, hdr)
	}
	if lc["sid"] != claims["sid"] || lc["sub"] != CitizenTechID || lc["iss"] != s.Issuer() || lc["jti"] == nil || lc["nonce"] != nil {
		t.Errorf("logout claims %v", lc)
	}
	if ev, _ := lc["events"].(map[string]any); ev == nil || ev[BackchannelLogoutEvent] == nil {
		t.Errorf("events %v", lc["events"])
	}
	if st := userInfoStatus(t, s, tok["access_token"].(string)); st != http.StatusUnauthorized {
		t.Errorf("access token after logout: %d", st)
	}
	st, m, _ := post(t, s, PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}, stylePost, "portal", "portal-secret")
	if st != http.StatusBadRequest || m["error"] != "invalid_grant" {
		t.Errorf("refresh after logout: %d %v", st, m)
	}
	// A second logout with the same hint is harmless and notifies nobody.
	if r := logout(url.Values{"id_token_hint": {idt}}); r.StatusCode != http.StatusFound || !strings.HasSuffix(r.Header.Get("Location"), pathLoggedOutPage) {
		t.Errorf("second logout %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if len(rp.got()) != 1 {
		t.Error("second logout notified again")
	}
	resp, err := http.Get(s.URL() + pathLoggedOutPage)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "Bạn đã đăng xuất") {
		t.Error("logged-out page")
	}
}

func TestLogoutDefaultClientLoopback(t *testing.T) {
	s, _ := newTestServer(t)
	idt := tokens(t, s, CitizenTechID)["id_token"].(string)
	resp, err := noRedirect.PostForm(s.URL()+PathLogout, url.Values{"id_token_hint": {idt}, "post_logout_redirect_uri": {"http://localhost:3000/"}, "state": {"z"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Location") != "http://localhost:3000/?state=z" {
		t.Errorf("%d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Without a hint nothing says which client, so no redirect is allowed.
	resp, err = noRedirect.Get(s.URL() + PathLogout + "?post_logout_redirect_uri=http://localhost:3000/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("no hint: %d", resp.StatusCode)
	}
}

func TestSendBackchannelLogout(t *testing.T) {
	rp := &backchannelRP{}
	rpSrv := httptest.NewServer(rp)
	defer rpSrv.Close()
	s, _ := newTestServer(t, WithClient(ClientReg{ID: "bc", Secret: "x", BackchannelLogoutURI: rpSrv.URL}))
	if err := s.SendBackchannelLogout(context.Background(), "bc", "", "sid-1"); err != nil {
		t.Fatal(err)
	}
	_, c, _ := decodeJWT(t, rp.got()[0])
	if c["sid"] != "sid-1" || c["sub"] != nil || audience(c)[0] != "bc" {
		t.Errorf("%v", c)
	}
	rp.mu.Lock()
	rp.status = http.StatusBadRequest
	rp.mu.Unlock()
	if err := s.SendBackchannelLogout(context.Background(), "bc", "sub-1", ""); err == nil {
		t.Error("400 from the client not reported")
	}
	if err := s.SendBackchannelLogout(context.Background(), DefaultClientID, "sub-1", ""); err == nil {
		t.Error("client without URI not reported")
	}
	a, b := s.LogoutToken("bc", "sub-1", ""), s.LogoutToken("bc", "sub-1", "")
	_, ca, _ := decodeJWT(t, a)
	_, cb, _ := decodeJWT(t, b)
	if ca["jti"] == cb["jti"] {
		t.Error("jti repeats")
	}
	defer func() {
		if recover() == nil {
			t.Error("no sub and no sid did not panic")
		}
	}()
	s.LogoutToken("bc", "", "")
}
