package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// stubSAML stands in for the vnconnect/saml adapter: StartLogin redirects
// to a fake IdP URL with the relay state; HandleACS trusts the form (the
// real provider verifies the XML).
type stubSAML struct {
	relay     string
	ended     int
	loggedOut bool
}

var _ web.SAMLProvider = (*stubSAML)(nil)

func (p *stubSAML) Metadata(context.Context) ([]byte, error) {
	return []byte(`<EntityDescriptor/>`), nil
}

func (p *stubSAML) StartLogin(w http.ResponseWriter, r *http.Request, relay string) error {
	p.relay = relay
	http.Redirect(w, r, "https://idp.example/samlsso?RelayState="+url.QueryEscape(relay), http.StatusFound)
	return nil
}

func (p *stubSAML) HandleACS(r *http.Request) (*web.SAMLLogin, error) {
	if r.PostFormValue("SAMLResponse") != "valid" {
		return nil, errors.New("saml: invalid response")
	}
	id, err := vnconnect.IdentityFromClaims([]byte(`{"sub":"s1","HoVaTen":"Trần Thị Bình"}`))
	if err != nil {
		return nil, err
	}
	return &web.SAMLLogin{Identity: id, Issuer: "https://idp.example/samlsso", NameID: "s1", SessionIndex: "idx-1", RelayState: r.PostFormValue("RelayState")}, nil
}

// HandleSLO plays a verified LogoutRequest whose NameID is the query's
// NameID ("s1" by default) and whose SessionIndex values are the query's,
// calling end as the real adapter does: once per SessionIndex, or once
// with "" when there is none.
func (p *stubSAML) HandleSLO(w http.ResponseWriter, r *http.Request, end web.SAMLSessionEnder) error {
	q := r.URL.Query()
	nameID := q.Get("NameID")
	if nameID == "" {
		nameID = "s1"
	}
	indexes := q["SessionIndex"]
	if len(indexes) == 0 {
		indexes = []string{""}
	}
	for _, si := range indexes {
		n, err := end(r.Context(), "https://idp.example/samlsso", nameID, si)
		p.ended += n
		if err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (p *stubSAML) StartLogout(w http.ResponseWriter, r *http.Request, s *web.Session) error {
	p.loggedOut = s.Protocol == web.ProtocolSAML && s.NameID == "s1"
	http.Redirect(w, r, "https://idp.example/samlsso?SAMLRequest=x", http.StatusSeeOther)
	return nil
}

func TestSAMLRoutes(t *testing.T) {
	p := &stubSAML{}
	sessions := web.NewMemorySessionStore(web.MemoryOptions{})
	h, err := web.New(web.Config{SAML: p, BaseURL: "https://app.example", Sessions: sessions})
	if err != nil {
		t.Fatal(err)
	}
	serve := func(req *http.Request) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := serve(httptest.NewRequest(http.MethodGet, "/saml/metadata", nil)); rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Type"), "samlmetadata") {
		t.Fatalf("metadata: %d %s", rec.Code, rec.Header())
	}
	// Without Client, the login route starts a SAML login.
	rec := serve(httptest.NewRequest(http.MethodGet, "/auth/login?return_to=%2Fho-so", nil))
	if rec.Code != http.StatusFound || p.relay == "" || strings.Contains(p.relay, "ho-so") {
		t.Fatalf("login: %d relay %q", rec.Code, p.relay)
	}
	acs := func(form url.Values) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/saml/acs", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return serve(req)
	}
	if rec := acs(url.Values{"SAMLResponse": {"forged"}, "RelayState": {p.relay}}); rec.Code != http.StatusForbidden {
		t.Fatalf("bad response: %d", rec.Code)
	}
	rec = acs(url.Values{"SAMLResponse": {"valid"}, "RelayState": {p.relay}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/ho-so" {
		t.Fatalf("ACS: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	cookie := findCookie(t, rec.Result().Cookies(), web.SessionCookieName)
	if rec := acs(url.Values{"SAMLResponse": {"valid"}, "RelayState": {p.relay}}); rec.Code != http.StatusBadRequest {
		t.Fatalf("relay state reused: %d, want 400", rec.Code)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(cookie)
	s, err := h.Session(req)
	if err != nil || s == nil || s.Identity.FullName != "Trần Thị Bình" || s.SID != "idx-1" || s.Subject != "s1" {
		t.Fatalf("session %+v, %v", s, err)
	}
	// SP-initiated logout goes through the provider.
	form := url.Values{"csrf": {s.CSRF}}
	req = httptest.NewRequest(http.MethodPost, "/auth/logout", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	if rec := serve(req); rec.Code != http.StatusSeeOther || !p.loggedOut {
		t.Fatalf("logout: %d, provider called %v", rec.Code, p.loggedOut)
	}

	// IdP-initiated SLO ends sessions by SessionIndex.
	acs(url.Values{"SAMLResponse": {"valid"}})
	if sessions.Len() != 1 {
		t.Fatalf("%d sessions", sessions.Len())
	}
	if rec := serve(httptest.NewRequest(http.MethodGet, "/saml/slo?SessionIndex=idx-1", nil)); rec.Code != 200 || p.ended != 1 || sessions.Len() != 0 {
		t.Fatalf("SLO: %d ended %d, %d left", rec.Code, p.ended, sessions.Len())
	}
	// OIDC routes are not mounted without a Client.
	if rec := serve(httptest.NewRequest(http.MethodPost, "/auth/backchannel-logout", nil)); rec.Code != http.StatusNotFound {
		t.Fatalf("backchannel without Client: %d", rec.Code)
	}
}

// bareStore is a SessionStore with none of the optional methods.
type bareStore struct{ web.SessionStore }

// An IdP LogoutRequest ends the sessions of its NameID, narrowed to its
// SessionIndex values: a SessionIndex of another principal ends nothing.
// With a store that cannot match both (no web.SessionSubjectDeleter), every
// session of the NameID ends instead, still never another principal's.
func TestSAMLLogoutRequestNameIDMustMatch(t *testing.T) {
	const idp = "https://idp.example/samlsso"
	for _, tc := range []struct {
		name string
		bare bool
	}{{"SessionSubjectDeleter", false}, {"fallback", true}} {
		t.Run(tc.name, func(t *testing.T) {
			mem := web.NewMemorySessionStore(web.MemoryOptions{})
			var st web.SessionStore = mem
			if tc.bare {
				st = bareStore{mem}
			}
			p := &stubSAML{}
			h, err := web.New(web.Config{SAML: p, BaseURL: "https://app.example", Sessions: st})
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			sessions := map[string]*web.Session{}
			for _, s := range []struct{ name, sub, sid string }{
				{"a1", "alice", "idx-a1"}, {"a2", "alice", "idx-a2"}, {"a3", "alice", "idx-a3"},
				{"b1", "bob", "idx-b1"}, {"b2", "bob", "idx-b2"},
			} {
				sess := &web.Session{
					ID: "id-" + s.name, Protocol: web.ProtocolSAML, Issuer: idp, Subject: s.sub, NameID: s.sub, SID: s.sid,
					CreatedAt: now, LastSeen: now, IdleUntil: now.Add(time.Hour), AbsoluteUntil: now.Add(time.Hour),
				}
				if err := st.Save(context.Background(), sess); err != nil {
					t.Fatal(err)
				}
				sessions[s.name] = sess
			}
			live := func() string {
				var out []string
				for _, name := range []string{"a1", "a2", "a3", "b1", "b2"} {
					if s, err := st.Load(context.Background(), sessions[name].ID); err != nil {
						t.Fatal(err)
					} else if s != nil {
						out = append(out, name)
					}
				}
				return strings.Join(out, " ")
			}
			slo := func(query string) {
				t.Helper()
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/saml/slo?"+query, nil))
				if rec.Code != http.StatusOK {
					t.Fatalf("SLO %s: %d", query, rec.Code)
				}
			}

			// Alice's NameID with Bob's SessionIndex values: nothing of Bob's.
			slo("NameID=alice&SessionIndex=idx-b1&SessionIndex=idx-b2")
			want := "a1 a2 a3 b1 b2"
			if tc.bare {
				want = "b1 b2" // every session of alice, none of bob's
			}
			if got := live(); got != want {
				t.Fatalf("after alice's NameID with bob's indexes: live %q, want %q", got, want)
			}
			if tc.bare {
				return
			}
			// Several indexes of the right principal (and one of the
			// other's): exactly those end.
			slo("NameID=alice&SessionIndex=idx-a1&SessionIndex=idx-b1&SessionIndex=idx-a3")
			if got := live(); got != "a2 b1 b2" || p.ended != 2 {
				t.Fatalf("after alice's a1, b1, a3: live %q, %d ended; want \"a2 b1 b2\", 2", got, p.ended)
			}
			// Bob's own request for one index.
			slo("NameID=bob&SessionIndex=idx-b2")
			if got := live(); got != "a2 b1" {
				t.Fatalf("after bob's b2: live %q, want \"a2 b1\"", got)
			}
			// Without SessionIndex, every session of the NameID.
			slo("NameID=bob")
			if got := live(); got != "a2" {
				t.Fatalf("after bob without index: live %q, want \"a2\"", got)
			}
		})
	}
}

func TestLoadSession(t *testing.T) {
	e := newEnv(t)
	var anon, named bool
	page := e.h.LoadSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := web.IdentityFrom(r.Context()); ok {
			named = true
		} else {
			anon = true
		}
	}))
	page.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	b, _ := e.loggedIn()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range b.jar.Cookies(mustURL(e.base)) {
		req.AddCookie(c)
	}
	page.ServeHTTP(httptest.NewRecorder(), req)
	if !anon || !named {
		t.Fatalf("anon %v named %v", anon, named)
	}
	if tok := e.h.CSRFToken(req); len(tok) != 43 {
		t.Fatalf("CSRFToken = %q", tok)
	}
	if tok := e.h.CSRFToken(httptest.NewRequest(http.MethodGet, "/", nil)); tok != "" {
		t.Fatalf("anonymous CSRFToken = %q", tok)
	}
}
