package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// Mount the protocol routes beside the app and guard the app's pages.
func ExampleNew() {
	client, err := vnconnect.NewClient(vnconnect.Config{
		ClientID:     "pakn",
		ClientSecret: "secret from the Vnconnect console",
		RedirectURL:  "https://pakn.example.gov.vn/auth/callback",
		Endpoint:     vnconnect.Staging,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	h, err := web.New(web.Config{
		Client:  client,
		BaseURL: "https://pakn.example.gov.vn",
		OnLogin: func(ctx context.Context, id *vnconnect.Identity) error {
			return nil // provision or refuse the person here
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/", h)
	mux.Handle("/", h.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := web.IdentityFrom(r.Context())
		fmt.Fprintf(w, "Xin chào %s", id.FullName)
	})))

	// An anonymous browser asking for a page is sent to log in first…
	req := httptest.NewRequest(http.MethodGet, "/phan-anh?id=42", nil)
	req.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Location"))

	// …and a script gets 401 JSON.
	req = httptest.NewRequest(http.MethodGet, "/api/phan-anh", nil)
	req.Header.Set("Accept", "application/json")
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// 303 /auth/login?return_to=%2Fphan-anh%3Fid%3D42
	// 401 {"error":"login_required"}
}

func ExampleSanitizeReturnTo() {
	for _, s := range []string{"/ho-so?id=7", "//evil.example", "/%2F%2Fevil.example", `/\evil.example`} {
		_, err := web.SanitizeReturnTo(s)
		fmt.Println(s, err == nil)
	}
	// Output:
	// /ho-so?id=7 true
	// //evil.example false
	// /%2F%2Fevil.example false
	// /\evil.example false
}

func ExampleParseDeepLink() {
	req := httptest.NewRequest(http.MethodGet, "/dich-vu?vnconnect=1&MaTTHCDP=1.001234&MaCoQuanThucHien=000.00.00.H41&MaDVC=42", nil)
	dl, err := web.ParseDeepLink(req.URL.Query())
	if err != nil || dl == nil {
		fmt.Println("no deep link", err)
		return
	}
	fmt.Println(dl.MaTTHCDP, dl.MaCoQuanThucHien, dl.MaDVC)
	// Output: 1.001234 000.00.00.H41 42
}
