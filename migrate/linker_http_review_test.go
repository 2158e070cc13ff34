package migrate_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Security review of the link page (linker_http.go).

// TestReviewLinkerHTTPSchemeRelativeAction: the form posts the legacy
// password to its Action, taken from the request's path. A path the
// browser was sent to as https://app//evil.example/… (a link an attacker
// hands out; routers that do not clean paths pass it on) must not become
// action="//evil.example/…", which a browser reads as another host.
func TestReviewLinkerHTTPSchemeRelativeAction(t *testing.T) {
	lh := newLinkHTTP(t, nil)
	for _, target := range []string{"//evil.example/lien-ket", "///evil.example/lien-ket", "//evil.example"} {
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			var r *http.Request
			if m == http.MethodGet {
				r = httptest.NewRequest(m, target, nil)
			} else {
				r = httptest.NewRequest(m, target, strings.NewReader(creds("nguyenvana", "sai-mat-khau").Encode()))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			w := httptest.NewRecorder()
			lh.h.ServeHTTP(w, r)
			body := w.Body.String()
			i := strings.Index(body, `action="`)
			if i < 0 {
				t.Fatalf("%s %s: no form: %d %s", m, target, w.Code, body)
			}
			action := body[i+len(`action="`):]
			action = action[:strings.IndexByte(action, '"')]
			if offHost(action) {
				t.Errorf("%s %s: the form posts to another host: action %q", m, target, action)
			}
		}
	}
}

// TestReviewLinkerHTTPMethodOverride: only a real POST links; GET and HEAD
// with every override convention and the credentials change nothing.
func TestReviewLinkerHTTPMethodOverride(t *testing.T) {
	lh := newLinkHTTP(t, nil)
	q := creds("nguyenvana", "matkhau-cu")
	q.Set("_method", "POST")
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		r := httptest.NewRequest(m, "/lien-ket?"+q.Encode(), strings.NewReader(creds("nguyenvana", "matkhau-cu").Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for _, h := range []string{"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"} {
			r.Header.Set(h, "POST")
		}
		w := httptest.NewRecorder()
		lh.h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Errorf("%s: %d", m, w.Code)
		}
	}
	lh.untouched(t)
}

// fixedWait is a Limiter that refuses every attempt for wait.
type fixedWait struct{ wait time.Duration }

func (l fixedWait) Take(context.Context, string, time.Time) (time.Duration, error) {
	return l.wait, nil
}
func (fixedWait) Forgive(context.Context, string) error { return nil }

// TestReviewLinkerHTTPRetryAfter: Retry-After is the wait rounded up to a
// whole second, never 0, and the page's minutes are rounded up too.
func TestReviewLinkerHTTPRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		wait time.Duration
		secs string
		mins string
	}{
		{time.Millisecond, "1", "1 phút"},
		{time.Second, "1", "1 phút"},
		{1001 * time.Millisecond, "2", "1 phút"},
		{60 * time.Second, "60", "1 phút"},
		{61 * time.Second, "61", "2 phút"},
		{24 * time.Hour, "86400", "1440 phút"},
	} {
		lh := newLinkHTTP(t, fixedWait{tc.wait})
		w := lh.post(creds("nguyenvana", "matkhau-cu"), "")
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != tc.secs || !strings.Contains(w.Body.String(), tc.mins) {
			t.Errorf("%v: %d Retry-After %q, page %q", tc.wait, w.Code, w.Header().Get("Retry-After"), tc.mins)
		}
		lh.untouched(t)
	}
}

// offHost reports whether a browser resolves ref (an attribute's or
// Location's value) against an https page to another host: an absolute
// URL, or one starting with two slashes or backslashes in any mix (WHATWG
// URL parsing treats '\\' as '/' for http(s)).
func offHost(ref string) bool {
	ref = strings.TrimLeft(ref, "\t\n\r ")
	if u, err := url.Parse(ref); err == nil && u.Scheme != "" {
		return true
	}
	return len(ref) >= 2 && strings.ContainsRune(`/\`, rune(ref[0])) && strings.ContainsRune(`/\`, rune(ref[1]))
}

// TestReviewLinkerHTTPDone: Done values that would redirect elsewhere are
// refused; the accepted ones redirect on this host.
func TestReviewLinkerHTTPDone(t *testing.T) {
	lf := newLinkFixture(t, newSQLiteBackend(t), nil, nil)
	for _, bad := range []string{"//evil.example", `/\evil.example`, "https://evil.example/", "evil.example", "/\tevil", "/\x00", " //evil.example"} {
		_, err := migrate.NewLinkHandler(migrate.LinkHandlerConfig{Linker: lf.link, CSRF: testCSRF{token: linkToken}, Done: bad,
			Identity: func(*http.Request) (*vnconnect.Identity, bool) { return lf.me(), true }})
		if err == nil {
			t.Errorf("Done %q accepted", bad)
		}
	}
	for _, ok := range []string{"/.//evil.example", "/a/..//evil.example", "/%2F/evil.example", "/ho-so?next=//evil.example"} {
		lh := newLinkHTTP(t, nil, func(c *migrate.LinkHandlerConfig) { c.Done = ok })
		w := lh.post(creds("nguyenvana", "matkhau-cu"), "")
		if w.Code != http.StatusSeeOther {
			t.Fatalf("Done %q: %d %s", ok, w.Code, w.Body)
		}
		if loc := w.Header().Get("Location"); offHost(loc) {
			t.Errorf("Done %q redirects to %q", ok, loc)
		}
	}
}
