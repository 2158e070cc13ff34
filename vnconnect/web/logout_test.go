package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// loggedIn returns a browser with a session and the session's CSRF token.
func (e *env) loggedIn() (*browser, *web.Session) {
	e.t.Helper()
	return e.loggedInAs(vnconnecttest.CitizenTechID)
}

// loggedInAs is loggedIn for the account techID.
func (e *env) loggedInAs(techID string) (*browser, *web.Session) {
	e.t.Helper()
	b := newBrowser(e.t)
	if resp := b.get(e.t, e.idpLogin(e.startLogin(b, ""), techID)); resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("callback: status %d, want 303", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, e.base+"/", nil)
	for _, c := range b.jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	s, err := e.h.Session(req)
	if err != nil || s == nil {
		e.t.Fatalf("Session = %v, %v", s, err)
	}
	return b, s
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	b, s := e.loggedIn()

	for name, form := range map[string]url.Values{"none": {}, "wrong": {"csrf": {"x" + s.CSRF[1:]}}} {
		resp := b.post(t, e.base+"/auth/logout", form)
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("logout with %s CSRF token: %d, want 403", name, resp.StatusCode)
		}
	}
	if resp := b.get(t, e.base+"/auth/logout"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET logout: %d, want 405", resp.StatusCode)
	}
	if st, _ := e.whoami(b); st != http.StatusOK {
		t.Fatal("refused logout ended the session")
	}

	resp := b.post(t, e.base+"/auth/logout", url.Values{"csrf": {s.CSRF}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d, want 303", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if !strings.HasPrefix(loc.String(), e.fake.URL()+vnconnecttest.PathLogout) ||
		loc.Query().Get("id_token_hint") != s.IDToken || loc.Query().Get("post_logout_redirect_uri") != e.base+"/" {
		t.Fatalf("logout redirects to %s", loc)
	}
	if st, _ := e.whoami(b); st != http.StatusUnauthorized {
		t.Fatalf("after logout: %d, want 401", st)
	}
	if e.sessions.Len() != 0 {
		t.Fatal("session still stored")
	}
}

func TestLogoutCSRFHeader(t *testing.T) {
	e := newEnv(t)
	b, s := e.loggedIn()
	if resp := b.post(t, e.base+"/form", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("form without token: %d", resp.StatusCode)
	}
	if resp := b.post(t, e.base+"/form", nil, "X-CSRF-Token", s.CSRF); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("form with header token: %d", resp.StatusCode)
	}
	if resp := b.post(t, e.base+"/form", url.Values{"csrf": {s.CSRF}}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("form with field token: %d", resp.StatusCode)
	}
}

func TestBackchannelLogout(t *testing.T) {
	e := newEnv(t)
	b1, s1 := e.loggedIn()
	b2, s2 := e.loggedIn()
	if s1.SID == "" || s1.SID == s2.SID {
		t.Fatalf("want distinct provider sessions, got sid %q and %q", s1.SID, s2.SID)
	}
	if err := e.fake.SendBackchannelLogout(context.Background(), e.fake.Client().ID, "", s1.SID); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.whoami(b1); st != http.StatusUnauthorized {
		t.Fatalf("session of the logged-out sid: %d, want 401", st)
	}
	if st, _ := e.whoami(b2); st != http.StatusOK {
		t.Fatalf("other session: %d, want 200", st)
	}
	// Without sid, every session of the subject ends.
	if err := e.fake.SendBackchannelLogout(context.Background(), e.fake.Client().ID, s2.Subject, ""); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.whoami(b2); st != http.StatusUnauthorized {
		t.Fatalf("session of the logged-out subject: %d, want 401", st)
	}
}

// A logout token naming both sub and sid ends only the sessions of that
// sid whose subject is sub: one person's sub with another's sid ends
// nothing. A store without web.SessionSubjectDeleter ends every session of
// sub instead, still none of the other person's.
func TestBackchannelLogoutSubAndSID(t *testing.T) {
	for _, tc := range []struct {
		name string
		bare bool
	}{{"SessionSubjectDeleter", false}, {"fallback", true}} {
		t.Run(tc.name, func(t *testing.T) {
			var tweak []func(*web.Config)
			if tc.bare {
				tweak = append(tweak, func(c *web.Config) { c.Sessions = bareStore{c.Sessions} })
			}
			e := newEnv(t, tweak...)
			ba1, a1 := e.loggedInAs(vnconnecttest.CitizenTechID)
			ba2, _ := e.loggedInAs(vnconnecttest.CitizenTechID) // A in another IdP session
			bb, b := e.loggedInAs(vnconnecttest.CitizenFemaleTechID)
			if a1.Subject == b.Subject {
				t.Fatal("want two subjects")
			}
			send := func(sub, sid string) {
				t.Helper()
				if err := e.fake.SendBackchannelLogout(context.Background(), e.fake.Client().ID, sub, sid); err != nil {
					t.Fatal(err)
				}
			}
			status := func() [3]int {
				var out [3]int
				for i, br := range []*browser{ba1, ba2, bb} {
					out[i], _ = e.whoami(br)
				}
				return out
			}
			const ok, gone = http.StatusOK, http.StatusUnauthorized

			send(a1.Subject, b.SID)
			want := [3]int{ok, ok, ok}
			if tc.bare {
				want = [3]int{gone, gone, ok}
			}
			if got := status(); got != want {
				t.Fatalf("after A's sub with B's sid: A1, A2, B = %v, want %v", got, want)
			}
			if tc.bare {
				return
			}
			send(a1.Subject, a1.SID)
			if got, want := status(), [3]int{gone, ok, ok}; got != want {
				t.Fatalf("after A's sub with A1's sid: A1, A2, B = %v, want %v", got, want)
			}
		})
	}
}

func TestBackchannelLogoutViaProvider(t *testing.T) {
	// The person logs out at Vnconnect (/oidc/logout): the fake notifies
	// the app over the back channel.
	e := newEnv(t)
	b, s := e.loggedIn()
	e.fake.EndSession(context.Background(), s.SID)
	if st, _ := e.whoami(b); st != http.StatusUnauthorized {
		t.Fatalf("after provider logout: %d, want 401", st)
	}
}

func TestBackchannelBadTokens(t *testing.T) {
	e := newEnv(t)
	_, s := e.loggedIn()
	clientID := e.fake.Client().ID
	mint := func(edit func(map[string]any), opts ...vnconnecttest.MintOption) string {
		c := e.fake.LogoutTokenClaims(clientID, s.Subject, s.SID)
		edit(c)
		return e.fake.MintIDToken(c, append([]vnconnecttest.MintOption{vnconnecttest.MintType("logout+jwt")}, opts...)...)
	}
	replayed := e.fake.LogoutToken(clientID, "", "unknown-sid")
	post := func(form url.Values) *http.Response {
		resp, err := http.PostForm(e.base+"/auth/backchannel-logout", form)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	if resp := post(url.Values{"logout_token": {replayed}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("first use of a valid token: %d", resp.StatusCode)
	}
	cases := map[string]url.Values{
		"nonce present": {"logout_token": {mint(func(c map[string]any) { c["nonce"] = "n" })}},
		"wrong event": {"logout_token": {mint(func(c map[string]any) {
			c["events"] = map[string]any{"http://schemas.openid.net/event/other": map[string]any{}}
		})}},
		"no events":     {"logout_token": {mint(func(c map[string]any) { delete(c, "events") })}},
		"wrong aud":     {"logout_token": {mint(func(c map[string]any) { c["aud"] = []string{"another-rp"} })}},
		"wrong iss":     {"logout_token": {mint(func(c map[string]any) { c["iss"] = "https://evil.example/oauth2/token" })}},
		"expired":       {"logout_token": {mint(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() })}},
		"alg none":      {"logout_token": {mint(func(map[string]any) {}, vnconnecttest.MintFaults(vnconnecttest.Faults{AlgNone: true}))}},
		"bad signature": {"logout_token": {mint(func(map[string]any) {}, vnconnecttest.MintFaults(vnconnecttest.Faults{BadSignature: true}))}},
		"replayed":      {"logout_token": {replayed}},
		"missing":       {},
		"garbage":       {"logout_token": {"not.a.jwt"}},
		"twice":         {"logout_token": {replayed, replayed}},
	}
	for name, form := range cases {
		t.Run(name, func(t *testing.T) {
			resp := post(form)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", resp.StatusCode)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Fatalf("Cache-Control %q, want no-store", cc)
			}
		})
	}
	if e.sessions.Len() != 1 {
		t.Fatal("a bad logout token ended the session")
	}
	resp, err := http.Get(e.base + "/auth/backchannel-logout")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d, want 405", resp.StatusCode)
	}
}

func TestFrontchannelLogout(t *testing.T) {
	e := newEnv(t)
	b, s := e.loggedIn()
	other := newBrowser(t) // the IdP's iframe: no app cookie
	bad := []url.Values{
		{"iss": {"https://evil.example/oauth2/token"}, "sid": {s.SID}},
		{"iss": {e.fake.Issuer()}},
		{"sid": {s.SID}},
		{"iss": {e.fake.Issuer()}, "sid": {strings.Repeat("s", 300)}},
	}
	for _, q := range bad {
		resp := other.get(t, e.base+"/auth/frontchannel-logout?"+q.Encode())
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%v: %d %q, want 400 no-store", q, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
	if st, _ := e.whoami(b); st != http.StatusOK {
		t.Fatal("a bad front-channel request ended the session")
	}
	resp := other.get(t, e.base+"/auth/frontchannel-logout?"+url.Values{"iss": {e.fake.Issuer()}, "sid": {s.SID}}.Encode())
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("front-channel logout: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors "+e.fake.URL()) {
		t.Errorf("CSP %q: the IdP must be allowed to frame the page", csp)
	}
	if st, _ := e.whoami(b); st != http.StatusUnauthorized {
		t.Fatalf("after front-channel logout: %d, want 401", st)
	}
}
