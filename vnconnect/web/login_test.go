package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

func TestLoginFlow(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t)
	if loc := e.login(b, "?return_to="+url.QueryEscape("/ho-so?id=7")); loc != "/ho-so?id=7" {
		t.Fatalf("landed on %q, want /ho-so?id=7", loc)
	}
	status, me := e.whoami(b)
	if status != http.StatusOK || me["name"] != "Nguyễn Văn An" || me["techID"] != vnconnecttest.CitizenTechID {
		t.Fatalf("after login: %d %v", status, me)
	}
	if v := b.cookie(e.base, e.sessionCookie()); len(v) != 43 {
		t.Fatalf("session cookie %q: want a 43-char token", v)
	}
	if e.sessions.Len() != 1 {
		t.Fatalf("store holds %d sessions, want 1", e.sessions.Len())
	}
}

func TestLoginDeepLink(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t)
	q := "?return_to=%2Fdich-vu&vnconnect=1&MaTTHCDP=1.001234&MaCoQuanThucHien=000.00.00.H41&MaDVC=DVC-42"
	loc := e.login(b, q)
	want := "/dich-vu?vnconnect=1&MaTTHCDP=1.001234&MaCoQuanThucHien=000.00.00.H41&MaDVC=DVC-42"
	if loc != want {
		t.Fatalf("landed on %q, want %q", loc, want)
	}
	u, _ := url.Parse(loc)
	dl, err := web.ParseDeepLink(u.Query())
	if err != nil || dl == nil || dl.MaCoQuanThucHien != "000.00.00.H41" {
		t.Fatalf("ParseDeepLink = %+v, %v", dl, err)
	}

	for name, q := range map[string]string{
		"script":   "?vnconnect=1&MaDVC=%3Cscript%3E",
		"too long": "?vnconnect=1&MaDVC=" + strings.Repeat("1", 65),
		"repeated": "?vnconnect=1&MaDVC=1&MaDVC=2",
		"no code":  "?vnconnect=1",
	} {
		t.Run(name, func(t *testing.T) {
			resp := newBrowser(t).get(t, e.base+"/auth/login"+q)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", resp.StatusCode)
			}
			if s := body(t, resp); strings.Contains(s, "<script>") || !strings.Contains(s, `role="alert"`) {
				t.Fatalf("page echoes input or lacks the alert:\n%s", s)
			}
		})
	}
}

func TestCallbackStateReused(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t)
	cb := e.idpLogin(e.startLogin(b, ""), vnconnecttest.CitizenTechID)
	if resp := b.get(t, cb); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first callback: %d", resp.StatusCode)
	}
	resp := b.get(t, cb)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("replayed callback: %d, want 400", resp.StatusCode)
	}
	if s := body(t, resp); !strings.Contains(s, "đã được sử dụng") {
		t.Fatalf("page does not explain:\n%s", s)
	}
}

func TestCallbackOtherBrowser(t *testing.T) {
	e := newEnv(t)
	victim, attacker := newBrowser(t), newBrowser(t)
	// The attacker starts a login and makes the victim's browser finish it
	// (login CSRF): the victim lacks the attacker's binding cookie.
	cb := e.idpLogin(e.startLogin(attacker, ""), vnconnecttest.CitizenTechID)
	resp := victim.get(t, cb)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("callback from another browser: %d, want 400", resp.StatusCode)
	}
	if victim.cookie(e.base, e.sessionCookie()) != "" {
		t.Fatal("a session was created")
	}
	// The state is spent: the attacker cannot finish it either.
	if resp := attacker.get(t, cb); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("state reusable after a failed attempt: %d", resp.StatusCode)
	}
	// Another browser that has a binding cookie of its own fails too.
	other := newBrowser(t)
	e.startLogin(other, "")
	cb = e.idpLogin(e.startLogin(attacker, ""), vnconnecttest.CitizenTechID)
	if resp := other.get(t, cb); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("callback with another binding: %d, want 400", resp.StatusCode)
	}
}

func TestCallbackUnknownState(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t)
	for _, q := range []string{"", "?code=x", "?code=x&state=never-issued", "?state=" + strings.Repeat("a", 600)} {
		if resp := b.get(t, e.base+"/auth/callback"+q); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("callback%s: %d, want 400", q, resp.StatusCode)
		}
	}
}

func TestCallbackIdPError(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(t)
	authURL := e.startLogin(b, "")
	cb, err := e.fake.Cancel(context.Background(), authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp := b.get(t, cb.String())
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("status %d, want 403", resp.StatusCode)
	}
	s := body(t, resp)
	if !strings.Contains(s, `role="alert"`) || !strings.Contains(s, "hủy đăng nhập") || !strings.Contains(s, "access_denied") {
		t.Fatalf("page:\n%s", s)
	}

	// A hostile error description is never echoed unescaped.
	authURL = e.startLogin(b, "")
	u, _ := url.Parse(authURL)
	q := url.Values{"state": {u.Query().Get("state")}, "error": {`<img src=x onerror=alert(1)>`}, "error_description": {"<b>x</b>"}}
	resp = b.get(t, e.base+"/auth/callback?"+q.Encode())
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", resp.StatusCode)
	}
	if s := body(t, resp); strings.Contains(s, "<img") || strings.Contains(s, "<b>x") || !strings.Contains(s, "&lt;img") {
		t.Fatalf("unescaped input in page:\n%s", s)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Error("error page is cacheable")
	}
}

func TestAuthErrorType(t *testing.T) {
	var got error
	e := &web.AuthError{Code: "access_denied", Description: "cancelled", Err: vnconnect.ErrStateMismatch}
	got = e
	var ae *web.AuthError
	if !errors.As(got, &ae) || ae.Code != "access_denied" || !errors.Is(got, vnconnect.ErrStateMismatch) {
		t.Fatalf("AuthError does not unwrap: %v", got)
	}
}

func TestOnLoginRefusal(t *testing.T) {
	var seen string
	e := newEnv(t, func(c *web.Config) {
		c.OnLogin = func(_ context.Context, id *vnconnect.Identity) error {
			seen = id.TechID
			return &web.RefusalError{Message: "Tài khoản <chưa> được kích hoạt."}
		}
	})
	b := newBrowser(t)
	resp := b.get(t, e.idpLogin(e.startLogin(b, ""), vnconnecttest.CitizenTechID))
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("status %d, want 403", resp.StatusCode)
	}
	if s := body(t, resp); !strings.Contains(s, "Tài khoản &lt;chưa&gt; được kích hoạt.") {
		t.Fatalf("refusal message missing or unescaped:\n%s", s)
	}
	if seen != vnconnecttest.CitizenTechID {
		t.Fatalf("OnLogin saw %q", seen)
	}
	if e.sessions.Len() != 0 || b.cookie(e.base, e.sessionCookie()) != "" {
		t.Fatal("a refused login created a session")
	}

	e2 := newEnv(t, func(c *web.Config) {
		c.OnLogin = func(context.Context, *vnconnect.Identity) error { return errors.New("db: secret detail") }
	})
	resp = b.get(t, e2.idpLogin(e2.startLogin(b, ""), vnconnecttest.CitizenTechID))
	if s := body(t, resp); resp.StatusCode != http.StatusForbidden || strings.Contains(s, "secret detail") {
		t.Fatalf("generic refusal: %d\n%s", resp.StatusCode, s)
	}
}

func TestLoginTokenFailure(t *testing.T) {
	e := newEnv(t)
	e.fake.SetFaults(vnconnecttest.Faults{WrongNonce: true})
	b := newBrowser(t)
	resp := b.get(t, e.idpLogin(e.startLogin(b, ""), vnconnecttest.CitizenTechID))
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("wrong nonce: %d, want 502", resp.StatusCode)
	}
	if e.sessions.Len() != 0 {
		t.Fatal("session created")
	}
}
