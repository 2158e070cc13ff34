package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/pakn"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/platform"
	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/pki"
)

// With -postgres -redis -replicas 3 each replica has its own platform, as
// a separate process would: its own database pool, and its own Redis
// clients for the single-use stores (certificate challenges, agency
// registrations waiting for "Đăng ký") and the password-attempt limiters
// (the Linker's, the legacy login's). These tests show that what one
// replica keeps there, the others see.

// startSharedReplicas runs `go run ./examples/portal -postgres DSN -redis
// ADDR -replicas 3`.
func startSharedReplicas(t *testing.T) started {
	t.Helper()
	s, _ := startPortal(t, "-postgres", testenv.PostgresDSN(t), "-redis", testenv.RedisAddr(t), "-replicas", "3")
	if len(s.Replicas) != 2*3 { // two more per app
		t.Fatalf("%d replica platforms, want 6", len(s.Replicas))
	}
	return s
}

func TestReplicasShareSingleUseStoresAndLimiters(t *testing.T) {
	s := startSharedReplicas(t)
	ctx := context.Background()
	all := append([]*platform.Platform{s.Platform}, s.Replicas...)
	for _, purpose := range []string{agencyPendingPurpose, "pki-challenge"} {
		for i, p := range all {
			if _, mem := p.NonceStore(purpose).(*pki.MemoryNonceStore); mem {
				t.Fatalf("platform %d keeps %s in its own memory", i, purpose)
			}
		}
		// Kept by one replica, taken once by another.
		id := "test-" + purpose + "-" + time.Now().Format("150405.000000000")
		if err := all[1].NonceStore(purpose).Put(ctx, id, []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
		if v, err := all[2].NonceStore(purpose).Take(ctx, id); err != nil || string(v) != "v" {
			t.Fatalf("%s kept on one replica, taken on another: %q, %v", purpose, v, err)
		}
		if v, err := all[3].NonceStore(purpose).Take(ctx, id); err != nil || v != nil {
			t.Fatalf("%s taken twice: %q, %v", purpose, v, err)
		}
	}
	for _, purpose := range []string{"link-users", "link-clients", "pakn-legacy-users", "pakn-legacy-clients"} {
		for i, p := range all {
			l, err := p.Limiter(purpose, migrate.DefaultUserPolicy)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := l.(*migrate.RedisLimiter); !ok {
				t.Fatalf("platform %d: limiter %s is %T, want a RedisLimiter", i, purpose, l)
			}
		}
	}
}

// servedDelta runs f and returns how many requests each replica of the
// app at appURL served meanwhile.
func servedDelta(s started, appURL string, f func()) []int64 {
	before := s.Served(appURL)
	f()
	after := s.Served(appURL)
	for i := range after {
		after[i] -= before[i]
	}
	return after
}

func wantEveryReplica(t *testing.T, what string, delta []int64) {
	t.Helper()
	for i, n := range delta {
		if n == 0 {
			t.Fatalf("%s: replica %d served none of the attempts (%v)", what, i+1, delta)
		}
	}
	t.Logf("%s: requests per replica %v", what, delta)
}

// With MemoryLimiters each replica would allow DefaultUserPolicy.Max
// attempts of its own: three times as many guesses. On Redis the attempt
// after Max is refused, whichever replica it reaches.
func TestReplicasCountPasswordAttemptsTogether(t *testing.T) {
	t.Parallel() // bcrypt under -race: seconds of CPU, no shared state
	s := startSharedReplicas(t)
	max := migrate.DefaultUserPolicy.Max
	if len(s.Pop.Legacy) < 2 {
		t.Fatal("fewer than two legacy accounts")
	}

	t.Run("legacy login", func(t *testing.T) {
		legacy := s.Pop.Legacy[0]
		c := newBrowser(t)
		attempt := func(password string) (int, string) {
			_, form := get(t, c, s.PAKNURL+pakn.PathLegacyLogin)
			resp, err := c.PostForm(s.PAKNURL+pakn.PathLegacyLogin, url.Values{"csrf": {formField(t, form, "csrf")},
				"ten_dang_nhap": {legacy.Username}, "mat_khau": {password}})
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, readBody(t, resp)
		}
		delta := servedDelta(s, s.PAKNURL, func() {
			for i := range max {
				if code, page := attempt("sai-mat-khau"); code != http.StatusUnauthorized {
					t.Fatalf("wrong password %d: status %d\n%s", i+1, code, page)
				}
			}
			// Locked out now, even with the right password.
			if code, page := attempt(legacy.Password); code != http.StatusTooManyRequests || !strings.Contains(page, "nhập sai quá nhiều lần") {
				t.Fatalf("attempt %d: status %d, want 429\n%s", max+1, code, page)
			}
		})
		wantEveryReplica(t, "legacy login", delta)
	})

	t.Run("self-service link", func(t *testing.T) {
		legacy := s.Pop.Legacy[1]
		c := newBrowser(t)
		resp, page := loginAs(t, s, c, s.PAKNURL+"/auth/login?return_to="+url.QueryEscape(pakn.PathLink), legacy.Heir.TechID, "login")
		if resp.StatusCode != http.StatusOK || resp.Request.URL.String() != s.PAKNURL+pakn.PathLink {
			t.Fatalf("link page: status %d at %s\n%s", resp.StatusCode, resp.Request.URL, page)
		}
		csrf := formField(t, page, "csrf")
		attempt := func(password string) (int, string) {
			resp, err := c.PostForm(s.PAKNURL+pakn.PathLink, url.Values{"csrf": {csrf}, "username": {legacy.Username}, "password": {password}})
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, readBody(t, resp)
		}
		delta := servedDelta(s, s.PAKNURL, func() {
			for i := range max {
				if code, page := attempt("sai-mat-khau"); code != http.StatusBadRequest {
					t.Fatalf("wrong password %d: status %d\n%s", i+1, code, page)
				}
			}
			code, page := attempt(legacy.Password)
			if code != http.StatusTooManyRequests || !strings.Contains(page, "Bạn đã thử quá nhiều lần") || !strings.Contains(page, paknTitle) {
				t.Fatalf("attempt %d: status %d, want 429 in the app's frame\n%s", max+1, code, page)
			}
		})
		wantEveryReplica(t, "link", delta)
	})
}
