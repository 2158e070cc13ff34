package vnconnect_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
)

// The presets carry WSO2's paths; the issuer is the token endpoint.
func ExampleEndpointFor() {
	fmt.Println(vnconnect.Production.Issuer)
	fmt.Println(vnconnect.Staging.AuthURL)
	fmt.Println(vnconnect.EndpointFor("https://sso.example.gov.vn").JWKSURL)
	// Output:
	// https://xacthuc.dichvucong.gov.vn/oauth2/token
	// https://testxacthuc.dichvucong.gov.vn/oauth2/authorize
	// https://sso.example.gov.vn/oauth2/jwks
}

// A relying party builds one Client at start-up and one AuthRequest per
// login. The AuthRequest is stored server-side until the callback.
func ExampleClient_AuthCodeURL() {
	c, err := vnconnect.NewClient(vnconnect.Config{
		ClientID:     "cong-dich-vu-tinh",
		ClientSecret: "…",
		RedirectURL:  "https://dichvucong.example.gov.vn/vnconnect/callback",
		Endpoint:     vnconnect.Staging,
		LoA:          "LoA2",
		// Only for a reproducible example: leave Rand nil in real code
		// (crypto/rand).
		Rand: bytes.NewReader(bytes.Repeat([]byte{7}, 96)),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	req, err := c.AuthCodeURL(vnconnect.WithLoginHint("001085004217"))
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := url.Parse(req.URL)
	q := u.Query()
	fmt.Println(u.Host + u.Path)
	fmt.Println(q.Get("scope"), q.Get("acr_values"), q.Get("code_challenge_method"), q.Get("login_hint"))
	fmt.Println(q.Get("state") == req.State, q.Has("code_verifier"))
	// Output:
	// testxacthuc.dichvucong.gov.vn/oauth2/authorize
	// openid LoA2 S256 001085004217
	// true false
}

// The whole login against the fake Vnconnect: authorization request,
// headless login as a seeded citizen, callback, code exchange with ID token
// verification, then UserInfo mapped to a typed Identity.
func ExampleClient_Exchange() {
	ctx := context.Background()

	// A standalone fake on a loopback port (tests use vnconnecttest.NewServer).
	hs := httptest.NewUnstartedServer(nil)
	fake, err := vnconnecttest.New(vnconnecttest.Config{BaseURL: "http://" + hs.Listener.Addr().String()})
	if err != nil {
		fmt.Println(err)
		return
	}
	hs.Config.Handler = fake.Handler()
	hs.Start()
	defer hs.Close()

	c, err := vnconnect.NewClient(vnconnect.Config{
		ClientID:     vnconnecttest.DefaultClientID,
		ClientSecret: vnconnecttest.DefaultClientSecret,
		RedirectURL:  "http://127.0.0.1:8080/callback",
		Endpoint:     vnconnect.EndpointFor(fake.URL()),
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// 1. Login: redirect the browser to req.URL, keep req in the session.
	req, err := c.AuthCodeURL()
	if err != nil {
		fmt.Println(err)
		return
	}
	redirect, err := fake.Login(ctx, req.URL, vnconnecttest.CitizenTechID) // the user picks an account
	if err != nil {
		fmt.Println(err)
		return
	}

	// 2. Callback: check state, redeem the code, verify the ID token.
	code, err := req.CodeFromCallback(redirect.Query())
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, err := c.Exchange(ctx, code, req)
	if err != nil {
		fmt.Println(err)
		return
	}

	// 3. Who is it?
	id, err := c.UserInfo(ctx, tok)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok.IDToken.ACR, id.AccountType == vnconnect.AccountCitizen)
	fmt.Println(id.FullName, id.CCCD.ProvinceCode, id.Phone)
	// Output:
	// LoA2 true
	// Nguyễn Văn An 001 +84912345678
}

// Logout ends the local session first, then sends the browser to Vnconnect
// with the ID token as a hint.
func ExampleClient_LogoutURL() {
	c, err := vnconnect.NewClient(vnconnect.Config{
		ClientID:    "cong-dich-vu-tinh",
		RedirectURL: "https://dichvucong.example.gov.vn/vnconnect/callback",
		Endpoint:    vnconnect.Production,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	u, err := c.LogoutURL("eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "https://dichvucong.example.gov.vn/", "bye-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u)
	// Output:
	// https://xacthuc.dichvucong.gov.vn/oidc/logout?client_id=cong-dich-vu-tinh&id_token_hint=eyJhbGciOiJSUzI1NiJ9.e30.c2ln&post_logout_redirect_uri=https%3A%2F%2Fdichvucong.example.gov.vn%2F&state=bye-1
}
