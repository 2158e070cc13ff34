package vnconnecttest_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
)

// A test starts the fake, builds an authorization request as a relying
// party would, logs in headlessly as a seeded citizen, and exchanges the code.
func Example() {
	t := &testing.T{} // in a real test, the *testing.T you were given
	fake := vnconnecttest.NewServer(t)
	defer fake.Close()
	client := fake.Client()

	verifier := "dBjftJeZ4CVP-mJ92K1uD4Y3p1Fd7bJ0lLCJ2e6xEm8Aq" // random in real code
	sum := sha256.Sum256([]byte(verifier))
	authURL := fake.URL() + vnconnecttest.PathAuthorize + "?" + url.Values{
		"response_type":         {"code"},
		"client_id":             {client.ID},
		"redirect_uri":          {"http://127.0.0.1:8080/callback"},
		"scope":                 {"openid"},
		"acr_values":            {"LoA2"},
		"state":                 {"xyz"},
		"nonce":                 {"n-0S6_WzA2Mj"},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
	}.Encode()

	redirect, err := fake.Login(context.Background(), authURL, vnconnecttest.CitizenTechID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("state:", redirect.Query().Get("state"))

	resp, err := http.PostForm(fake.URL()+vnconnecttest.PathToken, url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {redirect.Query().Get("code")},
		"redirect_uri":  {"http://127.0.0.1:8080/callback"},
		"code_verifier": {verifier},
		"client_id":     {client.ID},
		"client_secret": {client.Secret},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("status:", resp.StatusCode, "JWS parts:", len(strings.Split(tok.IDToken, ".")))
	a, _ := fake.Account(vnconnecttest.CitizenTechID)
	fmt.Println(a.FullName, a.SoDinhDanh)
	// Output:
	// state: xyz
	// status: 200 JWS parts: 3
	// Nguyễn Văn An 001085004217
}

// A development server mounts the fake on its own listener, with the base
// URL known in advance.
func ExampleNew() {
	fake, err := vnconnecttest.New(vnconnecttest.Config{BaseURL: "http://127.0.0.1:9000"})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = fake.Handler() // e.g. http.ListenAndServe("127.0.0.1:9000", fake.Handler())
	fmt.Println(fake.Issuer())
	for _, a := range fake.Accounts()[:3] {
		fmt.Println(a.TechID, a.FullName)
	}
	// Output:
	// http://127.0.0.1:9000/oauth2/token
	// b8c2f30e-be29-48a8-a26f-be4c8647ff52 Nguyễn Văn An
	// a5ea3b90-11fa-4a83-8a40-d46c9eedaa94 Trần Thị Bích Ngọc
	// 9b0cad69-cfe9-4252-a46f-a9579bcfba68 Lê Hoàng Đức
}
