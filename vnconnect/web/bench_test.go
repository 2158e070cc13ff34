package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// benchSetup returns a handler with one live session in memory and a
// request carrying its cookie, as a logged-in browser sends it.
func benchSetup(b *testing.B) (*Handler, *http.Request) {
	b.Helper()
	client, err := vnconnect.NewClient(vnconnect.Config{ClientID: "rp", RedirectURL: "https://pakn.example.gov.vn/auth/callback", Endpoint: vnconnect.Staging})
	if err != nil {
		b.Fatal(err)
	}
	h, err := New(Config{Client: client, BaseURL: "https://pakn.example.gov.vn"})
	if err != nil {
		b.Fatal(err)
	}
	id, err := vnconnect.IdentityFromClaims([]byte(`{"sub":"s1","TechID":"b8c2f30e-be29-48a8-a26f-be4c8647ff52","HoVaTen":"Nguyễn Văn An"}`))
	if err != nil {
		b.Fatal(err)
	}
	token, _ := h.token(tokenBytes)
	now := time.Now()
	s := &Session{ID: sessionID(token), Protocol: ProtocolOIDC, Issuer: "iss", Subject: "s1", SID: "sid", Identity: id,
		CSRF: "c", CreatedAt: now, LastSeen: now, IdleUntil: now.Add(time.Hour), AbsoluteUntil: now.Add(time.Hour)}
	if err := h.sessions.Save(context.Background(), s); err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "https://pakn.example.gov.vn/ho-so?id=1", nil)
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Cookie", "_ga=GA1.1.123; "+SessionCookieName+"="+token+"; lang=vi")
	return h, req
}

// nopWriter discards the response without the recorder's allocations, so
// the figures measure the middleware.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

var appHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusOK)
})

func BenchmarkBareHandler(b *testing.B) {
	_, req := benchSetup(b)
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		appHandler.ServeHTTP(w, req)
	}
}

func BenchmarkRequireLogin(b *testing.B) {
	h, req := benchSetup(b)
	var ok bool
	guarded := h.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, ok = IdentityFrom(r.Context())
		appHandler.ServeHTTP(w, r)
	}))
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		guarded.ServeHTTP(w, req)
	}
	if !ok {
		b.Fatal("request was not authenticated")
	}
}
