package vnconnect_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The UserInfo request carries the access token: a redirect to another
// scheme or host must not receive it.
func TestUserInfoRedirectToOtherHostRefused(t *testing.T) {
	p := newStubProvider(t)
	var leaked bool
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = r.Header.Get("Authorization") != ""
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"sub":"x"}`))
	}))
	defer evil.Close()
	p.userinfo = func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+"/steal", http.StatusFound)
	}
	c := p.client(t, nil)
	tokens := p.verifiedTokens(t, c)
	if _, err := c.UserInfo(context.Background(), tokens); err == nil {
		t.Fatal("UserInfo followed a redirect to another host")
	}
	if leaked {
		t.Fatal("the access token was sent to another host")
	}
}
