package vnconnect_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// A UserInfo response as WSO2 sends it: every value a string. The data is
// made up.
const exampleUserInfo = `{
  "sub": "040191583027",
  "TechID": "bc30ae58-571a-47e5-93a8-3a3c52da5f94",
  "LoaiTaiKhoan": "1",
  "loAs": "LoA2",
  "SoDinhDanh": "040191583027",
  "HoVaTen": "Trần Thị Thu Hà",
  "NgayThangNamSinh": "19910823",
  "GioiTinh": "2",
  "SoDienThoai": "0912 345 678",
  "MaSoThue": "0108729367",
  "QueQuan": "Xã Diễn Thành, huyện Diễn Châu, Nghệ An"
}`

func ExampleIdentityFromClaims() {
	id, err := vnconnect.IdentityFromClaims([]byte(exampleUserInfo))
	if err != nil {
		log.Fatal(err) // only for a body that is not a claims object with a sub
	}
	fmt.Println(id.FullName, "-", id.AccountType, "-", id.HighestLoA())
	fmt.Println("born", id.BirthDate, "in", id.CCCD.ProvinceName(), "-", id.Gender.Vietnamese())
	fmt.Println("phone", id.Phone)
	fmt.Println("hometown", id.Extra["QueQuan"])
	// A malformed identifier does not fail the login; it is reported.
	for _, p := range id.Problems {
		fmt.Println("problem:", p)
	}
	// Output:
	// Trần Thị Thu Hà - Công dân - LoA2
	// born 1991-08-23 in Nghệ An - Nữ
	// phone +84912345678
	// hometown Xã Diễn Thành, huyện Diễn Châu, Nghệ An
	// problem: vnconnect: claim MaSoThue: invalid claim: vnid: invalid MST: check digit does not match
}

func ExampleHTTPDirectory() {
	// A stand-in for the platform's look-up service.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/vnconnect/search":
			fmt.Println("sent phone", r.URL.Query().Get("phone"))
			_, _ = io.WriteString(w, `{"accounts":[{"TechID":"bc30ae58-571a-47e5-93a8-3a3c52da5f94",
				"LoaiTaiKhoan":"1","HoVaTen":"Trần Thị Thu Hà"}],"truncated":false}`)
		case "/api/TraCuuTechID":
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":"not_found"}`)
		}
	}))
	defer srv.Close()

	dir, err := vnconnect.NewHTTPDirectory(vnconnect.DirectoryConfig{
		BaseURL:  srv.URL, // plain http is accepted only on loopback
		ClientID: "rp-thu-nghiem", ClientSecret: "secret",
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	found, err := dir.Search(ctx, vnconnect.Query{Phone: "0912.345.678", Type: vnconnect.AccountCitizen})
	if err != nil {
		log.Fatal(err)
	}
	for _, id := range found {
		fmt.Println(id.TechID, id.FullName)
	}

	_, err = dir.LookupTechID(ctx, vnconnect.TechIDQuery{TaxCode: "0108729366"})
	fmt.Println("not found:", errors.Is(err, vnconnect.ErrNotFound))

	_, err = dir.Search(ctx, vnconnect.Query{CCCD: "099191583027"})
	fmt.Println("invalid, nothing sent:", errors.Is(err, vnconnect.ErrInvalidQuery))
	// Output:
	// sent phone +84912345678
	// bc30ae58-571a-47e5-93a8-3a3c52da5f94 Trần Thị Thu Hà
	// not found: true
	// invalid, nothing sent: true
}

func ExampleStaticDirectory() {
	a, _ := vnconnect.IdentityFromClaims([]byte(exampleUserInfo))
	dir := vnconnect.NewStaticDirectory(a)
	found, _ := dir.Search(context.Background(), vnconnect.Query{Name: "tran thu ha"})
	fmt.Println(len(found), found[0].FullName)
	// Output: 1 Trần Thị Thu Hà
}
