package redisstore_test

import (
	"log"
	"net/http"

	"github.com/redis/go-redis/v9"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
	"github.com/rpkit-vn/rpkit/vnconnect/web/redisstore"
)

// Every replica of the app runs the same code against the same Redis and
// prefix; a login, a logout or a replay check on one is seen by all. (No
// "Output:" comment: the example needs a Redis and a registered client, so
// it is compiled but not run.)
func Example() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()

	store, err := redisstore.New(rdb, redisstore.Options{Prefix: "pakn"})
	if err != nil {
		log.Fatal(err)
	}
	client, err := vnconnect.NewClient(vnconnect.Config{
		ClientID:     "pakn",
		ClientSecret: "…",
		RedirectURL:  "https://pakn.example.gov.vn/auth/callback",
		Endpoint:     vnconnect.EndpointFor("https://vnconnect.gov.vn"),
	})
	if err != nil {
		log.Fatal(err)
	}
	auth, err := web.New(web.Config{
		Client:   client,
		BaseURL:  "https://pakn.example.gov.vn",
		Sessions: store.Sessions(),
		Pending:  store.Pending(),
		Replay:   store.Replay(),
	})
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.Handle("/auth/", auth)
	mux.Handle("/", auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := web.IdentityFrom(r.Context())
		_, _ = w.Write([]byte("Xin chào " + id.FullName))
	})))
	log.Fatal(http.ListenAndServe(":8080", mux))
}
