package main

import (
	"testing"

	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
)

// The browser tests click through the demo in headless Chromium as a
// person would: links, labels and buttons found by their visible text,
// JavaScript on (the IdP's auto-submitting SAML form and the logged-out
// page's redirect run by themselves), and each step waits for what the
// next page shows rather than for a fixed time. They need Chromium:
// a plain `go test` skips them, RPKIT_REQUIRE_INTEGRATION=1 requires them.

// The apps' titles as their headers show them (main.go registers them).
const (
	portalTitle = "Cổng thông tin điện tử"
	paknTitle   = "Phản ánh, kiến nghị (PAKN)"
	csdlTitle   = "Cơ sở dữ liệu thủ tục hành chính (CSDL)"
)

const (
	loginOIDC   = "Đăng nhập bằng Vnconnect"
	loginSAML   = "Đăng nhập bằng Vnconnect (SAML 2.0)"
	logout      = "Đăng xuất"
	accountList = "Chọn tài khoản thử nghiệm" // the dev login page's legend
)

// startForBrowser runs t in parallel with the other browser tests (at
// most a few at once: parallelBrowser), and starts the demo and a
// browser. Chromium is looked for
// first, so that a machine without it skips before any server starts; it
// is started last, so that it closes first: the servers' Shutdown would
// otherwise wait out the connections Chromium opens ahead of time (Go
// counts a new, unused connection as idle only after 5 s).
func startForBrowser(t *testing.T) (started, *browser) {
	t.Helper()
	parallelBrowser(t)
	testenv.Chromium(t)
	s, _ := startPortal(t)
	b := startBrowser(t)
	return s, b
}

// signInOnLoginPage waits for the dev Vnconnect's login page, picks acct
// by clicking its name and presses "Đăng nhập".
func signInOnLoginPage(b *browser, s started, acct vnconnecttest.Account, shot string) {
	b.t.Helper()
	b.waitFor(legend(accountList))
	b.mustBeUnder(s.VnconnectURL + "/")
	b.shot(shot)
	b.click(labelFor(acct.FullName))
	// The label is bound to its radio, so the click chose that account.
	b.do("check the chosen account", checkedRadio("techid", acct.TechID))
	b.click(button("Đăng nhập"))
}

// portalStillSignedIn opens the portal's home, which greets a signed-in
// person and never signs anyone in by itself.
func portalStillSignedIn(b *browser, s started, acct vnconnecttest.Account) {
	b.t.Helper()
	b.open(s.PortalURL + "/")
	b.waitFor(appHeader(portalTitle))
	b.see("Xin chào, "+acct.FullName, "Bạn đã đăng nhập")
}

// TestBrowserOIDCLoginSSOAndSingleLogout: log in on the portal, open PAKN
// and CSDL without logging in again, log out on CSDL, and all three are
// logged out.
func TestBrowserOIDCLoginSSOAndSingleLogout(t *testing.T) {
	s, b := startForBrowser(t)
	acct := s.Fake.Accounts()[0]
	if acct.Type != vnconnecttest.Citizen {
		t.Fatalf("first seeded account %s is not a citizen", acct.TechID)
	}

	b.open(s.PortalURL + "/")
	b.waitFor(link(loginOIDC))
	b.shot("portal-home")
	b.click(link(loginOIDC))
	signInOnLoginPage(b, s, acct, "vnconnect-login")

	b.waitFor(heading("Thông tin tài khoản"))
	b.mustBeAt(s.PortalURL + "/ho-so")
	b.see(acct.FullName, acct.TechID, "Đăng xuất")
	b.dontSee("Thông tin chưa hợp lệ")
	b.shot("portal-profile")

	// Single sign-on: the header's link to the PAKN app lands on its
	// profile. The redirects through Vnconnect add no history entry; a
	// login page shown on the way would.
	before := b.historyLen()
	b.click(link(paknTitle))
	b.waitFor(appHeader(paknTitle))
	b.waitFor(heading("Thông tin tài khoản"))
	b.mustBeAt(s.PAKNURL + "/ho-so")
	if n := b.historyLen(); n != before+1 {
		t.Fatalf("SSO into PAKN showed %d pages, want 1 (no login page)", n-before)
	}
	b.see(acct.FullName, acct.TechID)
	b.shot("pakn-profile-sso")

	// And from PAKN's header to the CSDL app: signed in there too, still
	// without a login page.
	before = b.historyLen()
	b.click(link(csdlTitle))
	b.waitFor(appHeader(csdlTitle))
	b.waitFor(heading("Thông tin tài khoản"))
	b.mustBeAt(s.CSDLURL + "/ho-so")
	if n := b.historyLen(); n != before+1 {
		t.Fatalf("SSO into CSDL showed %d pages, want 1 (no login page)", n-before)
	}
	b.see(acct.FullName, acct.TechID)
	b.shot("csdl-profile-sso")

	// Signing in to PAKN and CSDL must leave the other apps' sessions
	// alone. Their home pages greet without a login round trip (a profile
	// page would hide a lost session by signing in again silently), so
	// this is what makes the single logout below prove something.
	portalStillSignedIn(b, s, acct)
	b.open(s.PAKNURL + "/")
	b.waitFor(appHeader(paknTitle))
	b.see("Xin chào, "+acct.FullName, "Bạn đã đăng nhập")

	// Single logout from CSDL: Vnconnect ends its session, tells the
	// portal and PAKN over the back channel, and its logged-out page sends
	// the browser back to CSDL's home by script.
	b.open(s.CSDLURL + "/")
	b.waitFor(heading("Xin chào"))
	b.click(button(logout))
	b.waitFor(link(loginOIDC))
	b.mustBeAt(s.CSDLURL + "/")
	b.dontSee(acct.TechID, "Xin chào")
	b.shot("csdl-logged-out")

	for _, app := range []struct{ url, title, shot string }{
		{s.PAKNURL, paknTitle, "pakn-logged-out"}, {s.PortalURL, portalTitle, "portal-logged-out"},
	} {
		b.open(app.url + "/")
		b.waitFor(appHeader(app.title))
		b.waitFor(link(loginOIDC))
		b.dontSee(acct.TechID, "Xin chào")
		b.shot(app.shot)
	}

	// Vnconnect's own session ended too: a protected page asks again.
	b.open(s.PAKNURL + "/ho-so")
	b.waitFor(legend(accountList))
	b.mustBeUnder(s.VnconnectURL + "/")
}

func TestBrowserSAMLLoginAndSingleLogout(t *testing.T) {
	s, b := startForBrowser(t)
	acct := s.Fake.Accounts()[1]

	b.open(s.PortalURL + "/")
	b.click(link(loginSAML))
	signInOnLoginPage(b, s, acct, "vnconnect-login-saml")

	// The IdP answers with an HTTP-POST binding page whose script submits
	// the SAMLResponse to the portal's ACS; the portal then redirects to
	// the profile.
	b.waitFor(heading("Thông tin tài khoản"))
	b.mustBeAt(s.PortalURL + "/ho-so")
	b.see(acct.FullName, acct.TechID)
	b.shot("portal-profile-saml")

	b.open(s.PortalURL + "/")
	b.waitFor(heading("Xin chào"))
	b.see("Bạn đã đăng nhập (SAML 2.0).")
	b.shot("portal-home-saml")

	// The Vnconnect session started by SAML also signs the person in to the
	// OIDC-only PAKN app, so the single logout below has a second app to end.
	b.click(link(paknTitle))
	b.waitFor(appHeader(paknTitle))
	b.mustBeAt(s.PAKNURL + "/ho-so")
	b.see(acct.TechID)
	portalStillSignedIn(b, s, acct)
	b.see("(SAML 2.0)")

	// SP-initiated SAML single logout from the portal: LogoutRequest to
	// Vnconnect, back-channel logout of PAKN, LogoutResponse posted back
	// by script, then the portal's home.
	b.click(button(logout))
	b.waitFor(link(loginSAML))
	b.mustBeUnder(s.PortalURL + "/")
	b.dontSee(acct.TechID, "Xin chào")
	b.shot("portal-logged-out-saml")

	b.open(s.PAKNURL + "/")
	b.waitFor(link(loginOIDC))
	b.dontSee(acct.TechID, "Xin chào")
}

func TestBrowserCancelledLoginShowsError(t *testing.T) {
	s, b := startForBrowser(t)

	b.open(s.PortalURL + "/")
	b.click(link(loginOIDC))
	b.waitFor(legend(accountList))
	b.click(button("Hủy"))

	// Back at the portal's callback with error=access_denied: an error
	// announced with role="alert" that says the login was cancelled.
	b.waitFor(alert())
	b.mustBeUnder(s.PortalURL + "/")
	b.see("Bạn đã hủy đăng nhập")
	b.shot("portal-login-cancelled")

	// The error page leads back home, where the person can try again.
	b.click(link("Về trang chủ"))
	b.waitFor(link(loginOIDC))
	b.mustBeAt(s.PortalURL + "/")
}
