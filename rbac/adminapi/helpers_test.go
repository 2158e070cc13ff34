package adminapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/adminapi"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// env is an app that mounts the API at /admin/api/ behind a real
// vnconnect/web Handler. Sessions are put straight into the Handler's
// session store (the state a completed Vnconnect login leaves), so each
// test logs anyone in without a round trip to a fake provider.
type env struct {
	t        *testing.T
	w        *rbactest.World
	srv      *httptest.Server
	sessions *web.MemorySessionStore
	super    string // super admin of p-na (an agency account)
	lower    string // level-2 PAKN admin of na-soyt (person 10)
	creds    *fakeCreds
}

func newEnv(t *testing.T) *env {
	t.Helper()
	w := rbactest.NewWorld(t, rbac.NewMemoryStore())
	e := &env{t: t, w: w, creds: &fakeCreds{}}
	e.super = w.Super("p-na")
	e.lower = w.Admin(e.super, 10, rbac.SubsystemPAKN, "na-soyt", 2)
	ep := vnconnect.EndpointFor("https://testxacthuc.example.test")
	client, err := vnconnect.NewClient(vnconnect.Config{ClientID: "pakn", ClientSecret: "s", RedirectURL: "http://127.0.0.1/auth/callback", Endpoint: ep})
	if err != nil {
		t.Fatal(err)
	}
	e.sessions = web.NewMemorySessionStore(web.MemoryOptions{})
	h, err := web.New(web.Config{Client: client, BaseURL: "http://127.0.0.1", Sessions: e.sessions})
	if err != nil {
		t.Fatal(err)
	}
	api, err := adminapi.New(adminapi.Config{Service: w.Svc, Web: h, Directory: w.Dir, Credentials: e.creds, MaxBodyBytes: 4 << 10})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/", h)
	mux.Handle("/admin/api/", http.StripPrefix("/admin/api", api))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

// user is a logged-in browser: its session cookie and CSRF token.
type user struct {
	techID, cookie, csrf string
}

func (e *env) login(techID string) user {
	e.t.Helper()
	now := time.Now()
	// Cookie tokens are 256-bit base64url values; web refuses others.
	sum := sha256.Sum256([]byte(techID))
	token := base64.RawURLEncoding.EncodeToString(sum[:])
	s := &web.Session{ID: web.SessionIDFromCookie(token), Protocol: web.ProtocolOIDC, Issuer: "https://testxacthuc.example.test/oauth2/token",
		Subject: techID, Identity: &vnconnect.Identity{TechID: techID, FullName: "Người dùng " + techID},
		CSRF: "csrf-" + techID, CreatedAt: now, LastSeen: now, IdleUntil: now.Add(time.Hour), AbsoluteUntil: now.Add(8 * time.Hour)}
	if err := e.sessions.Save(context.Background(), s); err != nil {
		e.t.Fatal(err)
	}
	return user{techID: techID, cookie: token, csrf: s.CSRF}
}

// resp is a decoded answer.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

func (r resp) problem(t *testing.T) adminapi.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != adminapi.ProblemContentType {
		t.Fatalf("status %d, content type %q, body %s", r.status, ct, r.body)
	}
	var p adminapi.Problem
	r.json(t, &p)
	if p.Status != r.status || p.Type == "" || p.Code == "" || p.Title == "" {
		t.Fatalf("incomplete problem %+v for status %d", p, r.status)
	}
	return p
}

// do sends a request as u (zero user: anonymous). body is JSON-encoded
// unless it is a string or []byte; the CSRF header is sent unless
// noCSRF.
func (e *env) do(u user, method, path string, body any, opts ...func(*http.Request)) resp {
	e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	case []byte:
		rd, ct = bytes.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, e.srv.URL+"/admin/api"+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if u.cookie != "" {
		req.AddCookie(&http.Cookie{Name: web.DevSessionCookieName, Value: u.cookie})
		req.Header.Set(web.CSRFHeader, u.csrf)
	}
	for _, o := range opts {
		o(req)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: data}
}

func noCSRF(r *http.Request)  { r.Header.Del(web.CSRFHeader) }
func badCSRF(r *http.Request) { r.Header.Set(web.CSRFHeader, "forged") }
func contentType(ct string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Content-Type", ct) }
}

// upload is a multipart body for POST /change-form.
func upload(t *testing.T, file []byte, fields map[string]string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "bieu-mau.csv")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(file)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), b.Bytes()
}

// fakeCreds stands for the pki challenge login: the test says which
// agency code the calling session's certificate carries.
type fakeCreds struct{ code string }

func (f *fakeCreds) AgencyCredential(*http.Request) (rbac.AgencyCredential, error) {
	if f.code == "" {
		return rbac.AgencyCredential{}, adminapi.ErrNoCredential
	}
	return rbactest.Credential(f.code), nil
}
