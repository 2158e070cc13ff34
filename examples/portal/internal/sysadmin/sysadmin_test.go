package sysadmin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/sysadmin"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
)

type actorKey struct{}

// page mounts the PAKN page on a World; a request's actor is its
// X-Test-User header (none: not logged in).
func page(t *testing.T) (*rbactest.World, http.Handler) {
	t.Helper()
	w := rbactest.NewWorld(t, rbac.NewMemoryStore())
	var nav []ui.Link
	p, err := sysadmin.New(sysadmin.Config{
		Subsystem: rbac.SubsystemPAKN, SubsystemName: "Phản ánh, kiến nghị", RBAC: w.Svc,
		Items: []sysadmin.Item{{Title: "Quản trị người dùng", URL: "/quan-tri/nguoi-dung", About: "thêm người dùng."},
			{Title: "Chuyển đổi tài khoản", URL: "/quan-tri/chuyen-doi-tai-khoan"}},
		Frame: func(r *http.Request) ui.Page { return ui.Page{App: "PAKN", Nav: nav} },
		RequireLogin: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				next.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), actorKey{}, r.Header.Get("X-Test-User"))))
			})
		},
		Actor: func(r *http.Request) (string, bool) {
			a, _ := r.Context().Value(actorKey{}).(string)
			return a, a != ""
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	nav = []ui.Link{{Title: "Gửi phản ánh", URL: "/phan-anh/gui"}, p.Link()}
	mux := http.NewServeMux()
	p.Mount(mux)
	return w, mux
}

func get(h http.Handler, path, actor string) (int, string) {
	r := httptest.NewRequest("GET", path, nil)
	if actor != "" {
		r.Header.Set("X-Test-User", actor)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec.Code, rec.Body.String()
}

func TestOnlyAdminsOfTheSubsystemSeeThePage(t *testing.T) {
	w, h := page(t)
	super := w.Super("p-na")                                         // every subsystem of its province
	paknAdmin := w.Admin(super, 1, rbac.SubsystemPAKN, "na-soyt", 2) // admin on PAKN
	csdlAdmin := w.Admin(super, 2, rbac.SubsystemCSDL, "na-soyt", 2) // admin elsewhere only
	staff := w.Member(super, 3, rbac.SubsystemPAKN, "na-soyt")       // on PAKN, no admin role
	lockedAdmin := w.Admin(super, 4, rbac.SubsystemPAKN, "na-tt", 2) // locked below
	if _, err := w.Svc.Lock(w.Ctx, super, lockedAdmin, rbac.SubsystemPAKN, "nghỉ"); err != nil {
		t.Fatal(err)
	}
	listed := []string{`<a href="/quan-tri/nguoi-dung">Quản trị người dùng</a> – thêm người dùng.`,
		`<a href="/quan-tri/chuyen-doi-tai-khoan">Chuyển đổi tài khoản</a>`, `aria-current="page">Quản trị hệ thống</a>`}
	for _, who := range []string{rbactest.Operator, super, paknAdmin} {
		code, body := get(h, "/quan-tri/", who)
		if code != http.StatusOK {
			t.Fatalf("%s: %d\n%s", who, code, body)
		}
		for _, s := range listed {
			if !strings.Contains(body, s) {
				t.Fatalf("%s: page lacks %q\n%s", who, s, body)
			}
		}
	}
	for _, who := range []string{csdlAdmin, staff, lockedAdmin, rbactest.PersonID(30)} {
		code, body := get(h, "/quan-tri/", who)
		if code != http.StatusForbidden || !strings.Contains(body, `role="alert">Bạn không có quyền quản trị trên hệ thống Phản ánh, kiến nghị.`) ||
			strings.Contains(body, "/quan-tri/nguoi-dung") {
			t.Fatalf("%s: %d\n%s", who, code, body)
		}
	}
	if code, _ := get(h, "/quan-tri/", ""); code != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", code)
	}
	// Only the page itself: the screens under it are theirs.
	if code, _ := get(h, "/quan-tri/khac", paknAdmin); code != http.StatusNotFound {
		t.Fatalf("/quan-tri/khac: %d", code)
	}
}

func TestSubScreensMarkTheMenuCurrent(t *testing.T) {
	p := ui.Page{Nav: []ui.Link{{Title: "Gửi phản ánh", URL: "/phan-anh/gui"}, {Title: sysadmin.DefaultTitle, URL: sysadmin.DefaultPath}}}
	for _, path := range []string{"/quan-tri/nguoi-dung/them-moi", "/quan-tri/chuyen-doi-tai-khoan"} {
		nav := p.WithCurrent(path).Nav
		if nav[0].Current || !nav[1].Current {
			t.Fatalf("%s: %+v", path, nav)
		}
	}
}
