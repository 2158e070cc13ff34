package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
)

// startReplicas runs the demo as `go run ./examples/portal -redis ADDR
// -replicas 3` on the test Redis.
func startReplicas(t *testing.T) (started, string) {
	t.Helper()
	s, out := startPortal(t, "-redis", testenv.RedisAddr(t), "-replicas", "3")
	return s, out.String()
}

// assertSpread checks that the proxy of each app at appURLs sent requests
// to every replica: with round robin and a flow of several requests, a
// shared store is the only way the flow could have worked.
func assertSpread(t *testing.T, s started, appURLs ...string) {
	t.Helper()
	for _, u := range appURLs {
		counts := s.Served(u)
		if len(counts) != 3 {
			t.Fatalf("%s: %d replicas, want 3", u, len(counts))
		}
		for i, n := range counts {
			if n == 0 {
				t.Errorf("%s: replica %d served nothing (%v)", u, i+1, counts)
			}
		}
		t.Logf("%s: requests per replica %v", u, counts)
	}
}

func TestReplicasLoginSSOAndSingleLogout(t *testing.T) {
	s, banner := startReplicas(t)
	if !strings.Contains(banner, "3 replicas per app behind a round-robin proxy") || !strings.Contains(banner, "Redis at") {
		t.Errorf("banner does not say the mode:\n%s", banner)
	}
	if strings.Count(banner, "replica ") != 9 {
		t.Errorf("banner does not list 3 replicas per app:\n%s", banner)
	}
	t.Run("OIDC", func(t *testing.T) {
		checkLoginSSOAndLogout(t, s, bytes.NewBufferString(banner))
	})
	t.Run("SAML", func(t *testing.T) {
		checkSAMLLoginSSOAndLogout(t, s)
	})
	assertSpread(t, s, s.PortalURL, s.PAKNURL)
}

// TestReplicasOnPostgres runs the demo as `go run ./examples/portal
// -postgres DSN -redis ADDR -replicas 3`: every replica opens its own pool
// on the run's schema, and an admin's rights read on one replica are
// those another replica's platform seeded.
func TestReplicasOnPostgres(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	s, out := startPortal(t, "-postgres", dsn, "-redis", testenv.RedisAddr(t), "-replicas", "3")
	banner := out.String()
	if !strings.Contains(banner, "PostgreSQL, schema rpkit_demo_") {
		t.Errorf("banner does not say where the data is:\n%s", banner)
	}
	checkLoginSSOAndLogout(t, s, bytes.NewBufferString(banner))
	assertSpread(t, s, s.PortalURL, s.PAKNURL)
	if got := s.Platform.Dialect; got != migrate.Postgres {
		t.Fatalf("platform dialect %v, want PostgreSQL", got)
	}
	page, err := s.Platform.RBAC.ListUsers(context.Background(), s.Pop.ProvinceAdmin.TechID, rbac.UserFilter{})
	if err != nil || len(page.Users) == 0 {
		t.Fatalf("province admin's users on PostgreSQL: %d, %v", len(page.Users), err)
	}
	// The console's user list, read by each replica through its own pool.
	c := newBrowser(t)
	resp, list := loginAs(t, s, c, s.PortalURL+"/auth/login?return_to=%2Fquan-tri%2Fnguoi-dung", s.Pop.ProvinceAdmin.TechID, "login")
	for i := 0; ; i++ {
		if resp.StatusCode != http.StatusOK || !strings.Contains(list, s.Pop.DeptAdmin.Name) {
			t.Fatalf("user list (view %d): status %d at %s, department admin %s not listed:\n%s", i, resp.StatusCode, resp.Request.URL, s.Pop.DeptAdmin.Name, list)
		}
		if i == 3 {
			break
		}
		resp, list = get(t, c, s.PortalURL+"/quan-tri/nguoi-dung")
	}
}

func TestReplicasRefusedWithoutRedis(t *testing.T) {
	err := run(context.Background(), []string{"-replicas", "3"}, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "-redis") {
		t.Fatalf("run -replicas 3 without -redis: %v, want a refusal naming -redis", err)
	}
}

func TestRedisUnreachableRefused(t *testing.T) {
	// Port 1 on loopback: nothing listens there.
	err := run(context.Background(), []string{"-redis", "127.0.0.1:1", "-replicas", "2"}, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "cannot reach Redis") {
		t.Fatalf("run with an unreachable Redis: %v, want a clear refusal", err)
	}
}
