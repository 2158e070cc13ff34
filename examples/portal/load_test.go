package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/platform"
	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/rbac"
)

// The load test's bounds: it stops by itself at whichever comes first.
const (
	loadUsers     = 20
	loadBudget    = 5000            // HTTP requests, all users together
	loadDuration  = 8 * time.Second // wall time
	viewsPerLogin = 10              // page views before the user logs in afresh
	loginRequests = 5               // requests in one headless login flow
)

// loadAdminPage is the authenticated page that queries rbac: the quantri
// console's user list, scoped to the viewer's unit.
const loadAdminPage = "/quan-tri/nguoi-dung"

// loadTechID gives every virtual user an account of its own, so that a
// page showing anyone else's identity is caught.
func loadTechID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

func loadName(i int) string { return fmt.Sprintf("Người dùng tải %02d", i) }

var reLoadTechID = regexp.MustCompile(`00000000-0000-4000-8000-\d{12}`)

// TestLoadReplicas drives `-postgres DSN -redis ADDR -replicas 3` on
// loopback with loadUsers concurrent users. Each logs in through the dev
// login form (over HTTP, no browser), then views pages viewsPerLogin
// times, alternating its profile (/ho-so) and the console's user list
// (an rbac query on PostgreSQL: every user is a unit admin of the seeded
// department), then starts again as a new browser. Every request crosses
// the round-robin proxy, so every step lands on another replica than the
// one before, and each replica has its own database pool.
func TestLoadReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped under -short")
	}
	dsn := testenv.PostgresDSN(t)
	s, _ := startPortal(t, "-postgres", dsn, "-redis", testenv.RedisAddr(t), "-replicas", "3")
	base := s.Fake.Accounts()[0]
	now := time.Now().UTC().Truncate(time.Microsecond)
	err := s.Platform.Store.Update(context.Background(), func(tx rbac.Tx) error {
		for i := range loadUsers {
			a := base
			a.TechID, a.Subject = loadTechID(i), ""
			a.FullName = loadName(i)
			s.Fake.AddAccount(a)
			if err := tx.PutAccount(rbac.Account{TechID: a.TechID, Type: 1, FullName: a.FullName, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
			if err := tx.PutMembership(rbac.Membership{Account: a.TechID, Subsystem: rbac.SubsystemQuantri, Unit: s.Pop.Department,
				State: rbac.Active, Roles: []rbac.RoleGrant{{Role: rbac.RoleUnitAdmin, Level: 2, GrantedBy: platform.SeedActor, GrantedAt: now}},
				CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	var (
		budget   atomic.Int64 // requests left to start
		sent     atomic.Int64 // requests actually sent
		mu       sync.Mutex
		logins   []time.Duration
		views    []time.Duration
		admins   []time.Duration
		errs     []error
		lost     int
		deadline = time.Now().Add(loadDuration)
	)
	budget.Store(loadBudget)
	// reserve takes n requests from the budget; false means stop.
	reserve := func(n int64) bool { return time.Now().Before(deadline) && budget.Add(-n) >= 0 }
	transport := &countingTransport{next: &http.Transport{MaxIdleConnsPerHost: loadUsers * 2}, n: &sent}
	defer transport.next.CloseIdleConnections()

	start := time.Now()
	var wg sync.WaitGroup
	for i := range loadUsers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			me := loadTechID(i)
			for reserve(loginRequests) {
				c, err := newLoadBrowser(transport)
				if err == nil {
					t0 := time.Now()
					err = headlessLogin(c, s, me)
					mu.Lock()
					logins = append(logins, time.Since(t0))
					mu.Unlock()
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("user %d login: %w", i, err))
					mu.Unlock()
					return
				}
				for k := 0; k < viewsPerLogin && reserve(1); k++ {
					t0 := time.Now()
					var err error
					if k%2 == 0 {
						err = viewProfile(c, s, me)
					} else {
						err = viewAdminPage(c, s, loadName(i))
					}
					d := time.Since(t0)
					mu.Lock()
					if k%2 == 0 {
						views = append(views, d)
					} else {
						admins = append(admins, d)
					}
					if errors.Is(err, errLostSession) {
						lost++
					} else if err != nil {
						errs = append(errs, fmt.Errorf("user %d view: %w", i, err))
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	for _, err := range errs[:min(len(errs), 5)] {
		t.Error(err)
	}
	if len(errs) > 0 || lost > 0 {
		t.Fatalf("%d errors, %d lost sessions", len(errs), lost)
	}
	if len(logins) == 0 || len(views) == 0 || len(admins) == 0 {
		t.Fatalf("nothing measured: %d logins, %d profile views, %d admin views", len(logins), len(views), len(admins))
	}
	secs := elapsed.Seconds()
	t.Logf("PostgreSQL + Redis, 3 replicas per app: %d users, %d HTTP requests in %v (%.0f req/s overall), 0 errors, 0 lost sessions",
		loadUsers, sent.Load(), elapsed.Round(time.Millisecond), float64(sent.Load())/secs)
	t.Logf("login flow (%d requests each): %d flows, %.1f flows/s (%.0f req/s), p50 %v, p99 %v",
		loginRequests, len(logins), float64(len(logins))/secs, float64(len(logins)*loginRequests)/secs, pct(logins, 50), pct(logins, 99))
	t.Logf("page views of /ho-so: %d, %.0f req/s, p50 %v, p99 %v",
		len(views), float64(len(views))/secs, pct(views, 50), pct(views, 99))
	t.Logf("page views of %s (rbac ListUsers on PostgreSQL): %d, %.0f req/s, p50 %v, p99 %v",
		loadAdminPage, len(admins), float64(len(admins))/secs, pct(admins, 50), pct(admins, 99))
	assertSpread(t, s, s.PortalURL)
}

// viewAdminPage is one authenticated view of the console's user list: 200,
// its heading, the viewer's own name in the header.
func viewAdminPage(c *http.Client, s started, name string) error {
	req, _ := http.NewRequest(http.MethodGet, s.PortalURL+loadAdminPage, nil)
	resp, err := c.Transport.RoundTrip(withCookies(c, req))
	if err != nil {
		return err
	}
	page, err := readAll(resp)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusSeeOther || resp.StatusCode == http.StatusUnauthorized {
		return errLostSession
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d", loadAdminPage, resp.StatusCode)
	}
	if !strings.Contains(page, "<h1>Quản lý người dùng</h1>") {
		return fmt.Errorf("%s: no user list heading", loadAdminPage)
	}
	if !strings.Contains(page, " · "+name+"</p>") {
		return fmt.Errorf("%s: the header does not name %s", loadAdminPage, name)
	}
	return nil
}

var errLostSession = errors.New("lost session: /ho-so did not show the signed-in page")

// viewProfile is one authenticated page view: /ho-so must answer 200 with
// this user's identity and no one else's, without a redirect to login.
func viewProfile(c *http.Client, s started, techID string) error {
	req, _ := http.NewRequest(http.MethodGet, s.PortalURL+"/ho-so", nil)
	resp, err := c.Transport.RoundTrip(withCookies(c, req))
	if err != nil {
		return err
	}
	page, err := readAll(resp)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusSeeOther || resp.StatusCode == http.StatusUnauthorized {
		return errLostSession
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	ids := reLoadTechID.FindAllString(page, -1)
	if len(ids) == 0 {
		return errLostSession
	}
	for _, id := range ids {
		if id != techID {
			return fmt.Errorf("page shows %s, want %s", id, techID)
		}
	}
	return nil
}

// headlessLogin is loginAs for goroutines: the portal's login URL, the dev
// login page, the account's choice, the callback, the profile.
func headlessLogin(c *http.Client, s started, techID string) error {
	resp, err := c.Get(s.PortalURL + "/auth/login?return_to=%2Fho-so")
	if err != nil {
		return err
	}
	page, err := readAll(resp)
	if err != nil {
		return err
	}
	m, key := reAction.FindStringSubmatch(page), ""
	for _, h := range reHidden.FindAllStringSubmatch(page, -1) {
		if h[1] == "sessionDataKey" {
			key = h[2]
		}
	}
	if resp.StatusCode != http.StatusOK || m == nil || key == "" {
		return fmt.Errorf("login page: status %d at %s", resp.StatusCode, resp.Request.URL)
	}
	target, err := resp.Request.URL.Parse(m[1])
	if err != nil {
		return err
	}
	resp, err = c.PostForm(target.String(), url.Values{"sessionDataKey": {key}, "techid": {techID}, "action": {"login"}})
	if err != nil {
		return err
	}
	page, err = readAll(resp)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || resp.Request.URL.String() != s.PortalURL+"/ho-so" || !strings.Contains(page, techID) {
		return fmt.Errorf("after login: status %d at %s", resp.StatusCode, resp.Request.URL)
	}
	return nil
}

func newLoadBrowser(rt http.RoundTripper) (*http.Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: rt}, nil
}

// withCookies adds the jar's cookies to a request sent straight to the
// transport (no redirect following: a redirect is a lost session).
func withCookies(c *http.Client, req *http.Request) *http.Request {
	for _, ck := range c.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	return req
}

func readAll(resp *http.Response) (string, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// countingTransport counts requests and sends what a browser's navigation
// sends (RequireLogin answers 401 JSON to anything else).
type countingTransport struct {
	next *http.Transport
	n    *atomic.Int64
}

func (ct *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ct.n.Add(1)
	r = r.Clone(r.Context())
	r.Header.Set("Accept", "text/html,application/xhtml+xml")
	return ct.next.RoundTrip(r)
}

// pct is the p-th percentile (nearest rank) of ds.
func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(i-1, 0)].Round(10 * time.Microsecond)
}
