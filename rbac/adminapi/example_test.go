package adminapi_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/adminapi"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// Mount the API under /admin/api/ next to the login routes of a
// vnconnect/web Handler. Requests without a session are turned away by
// RequireLogin before they reach the API.
func Example() {
	client, err := vnconnect.NewClient(vnconnect.Config{ClientID: "pakn-app", RedirectURL: "https://pakn.example.gov.vn/auth/callback",
		Endpoint: vnconnect.Staging})
	if err != nil {
		log.Fatal(err)
	}
	h, err := web.New(web.Config{Client: client, BaseURL: "https://pakn.example.gov.vn"})
	if err != nil {
		log.Fatal(err)
	}
	svc, err := rbac.New(rbac.Config{Directory: vnconnect.NewStaticDirectory()})
	if err != nil {
		log.Fatal(err)
	}
	api, err := adminapi.New(adminapi.Config{Service: svc, Web: h, Directory: vnconnect.NewStaticDirectory()})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/", h)
	mux.Handle("/admin/api/", http.StripPrefix("/admin/api", api))

	req := httptest.NewRequest("GET", "https://pakn.example.gov.vn/admin/api/me", nil)
	req.Header.Set("Accept", "application/json")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	// Output: 401
}
