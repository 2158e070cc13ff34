package saml_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/rpkit-vn/rpkit/vnconnect/saml"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
)

// A relying party logs a citizen in over SAML against the fake Vnconnect
// and gets the same Identity an OIDC login gives.
func Example() {
	// The fake Vnconnect on a loopback listener (in a test,
	// vnconnecttest.NewServer(t) does this).
	ts := httptest.NewUnstartedServer(nil)
	idp, err := vnconnecttest.New(vnconnecttest.Config{BaseURL: "http://" + ts.Listener.Addr().String()})
	if err != nil {
		fmt.Println(err)
		return
	}
	ts.Config.Handler = idp.Handler()
	ts.Start()
	defer ts.Close()
	key, cert := spKeyPair(nil)
	sp, err := saml.New(saml.Config{
		EntityID:       "http://127.0.0.1/pakn",
		ACSURL:         "http://127.0.0.1/pakn/saml/acs",
		Key:            key,
		Certificate:    cert,
		IdPMetadataURL: idp.SAMLMetadataURL(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	md, err := sp.Metadata()
	if err != nil {
		fmt.Println(err)
		return
	}
	idp.RegisterSAMLServiceProvider(vnconnecttest.SAMLSP{MetadataXML: md})

	ctx := context.Background()
	w := httptest.NewRecorder()
	if err := sp.AuthnRequest(ctx, w, httptest.NewRequest(http.MethodGet, "http://127.0.0.1/pakn/login", nil), "/ho-so"); err != nil {
		fmt.Println(err)
		return
	}
	acs, form, err := idp.SAMLLogin(ctx, w.Header().Get("Location"), vnconnecttest.CitizenTechID)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := httptest.NewRequest(http.MethodPost, acs, strings.NewReader(url.Values(form).Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range w.Result().Cookies() {
		r.AddCookie(c)
	}
	a, err := sp.ParseResponse(ctx, r)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Identity.FullName, a.Identity.AccountType, a.RelayState)
	// Output: Nguyễn Văn An Công dân /ho-so
}
