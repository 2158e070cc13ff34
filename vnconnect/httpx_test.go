package vnconnect

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost":                 true,
		"LOCALHOST":                 true,
		"localhost.":                true,
		"app.localhost":             true,
		"127.0.0.1":                 true,
		"127.1.2.3":                 true,
		"::1":                       true,
		"[::1]":                     true,
		"10.0.0.1":                  false,
		"192.168.1.1":               false,
		"localhost.example.vn":      false,
		"xacthuc.dichvucong.gov.vn": false,
		"0.0.0.0":                   false,
		"":                          false,
		"127.0.0.1.nip.io":          false,
	} {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("isLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestCheckEndpointURL(t *testing.T) {
	tests := []struct {
		url      string
		insecure bool
		wantErr  error // nil: accepted; errSomeHTTPX: some error
	}{
		{"https://xacthuc.dichvucong.gov.vn/oauth2/token", false, nil},
		{"http://127.0.0.1:8080/oauth2/token", false, nil},
		{"http://[::1]:8080/x", false, nil},
		{"http://localhost/x", false, nil},
		{"http://xacthuc.dichvucong.gov.vn/oauth2/token", false, ErrInsecureURL},
		{"http://10.1.2.3/oauth2/token", false, ErrInsecureURL},
		{"http://10.1.2.3/oauth2/token", true, nil},
		{"ftp://example.vn/x", false, ErrInsecureURL},
		{"ftp://example.vn/x", true, ErrInsecureURL},
		{"/oauth2/token", false, errSomeHTTPX},
		{"https://user:pw@example.vn/x", false, errSomeHTTPX},
		{"https://", false, errSomeHTTPX},
		{"://bad", false, errSomeHTTPX},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := checkEndpointURL("test", tt.url, tt.insecure)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr == errSomeHTTPX && err == nil:
				t.Fatal("accepted")
			case tt.wantErr != nil && tt.wantErr != errSomeHTTPX && !errors.Is(err, tt.wantErr):
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

var errSomeHTTPX = errors.New("any error")

func TestReadLimited(t *testing.T) {
	b, err := readLimited(bytes.NewReader(make([]byte, 10)), 10, "x")
	if err != nil || len(b) != 10 {
		t.Fatalf("exactly at the limit: %d bytes, %v", len(b), err)
	}
	if _, err := readLimited(bytes.NewReader(make([]byte, 11)), 10, "x"); !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("one byte over: %v", err)
	}
	big := strings.NewReader(strings.Repeat("a", int(DefaultMaxResponseBytes)+1))
	if _, err := readLimited(big, 0, "x"); !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("zero limit must mean the default: %v", err)
	}
}

func TestSameHostRedirects(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("credential-carrying request reached another host")
	}))
	defer other.Close()
	var sameHits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
		case "/here":
			http.Redirect(w, r, "/final", http.StatusTemporaryRedirect)
		case "/final":
			sameHits++
		}
	}))
	defer srv.Close()
	hc := sameHostRedirects(srv.Client())

	resp, err := hc.Post(srv.URL+"/away", "text/plain", strings.NewReader("secret"))
	if err == nil {
		resp.Body.Close()
		t.Fatal("redirect to another host followed")
	}
	if !errors.Is(err, errRedirectRefused) {
		t.Fatalf("err = %v", err)
	}
	resp, err = hc.Post(srv.URL+"/here", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatalf("same-host redirect: %v", err)
	}
	resp.Body.Close()
	if sameHits != 1 {
		t.Fatalf("same-host redirect not followed")
	}
	if srv.Client().CheckRedirect != nil {
		t.Fatal("the caller's client was modified")
	}
}

func TestNewDefaultHTTPClient(t *testing.T) {
	hc := NewDefaultHTTPClient()
	if hc == http.DefaultClient || hc.Timeout <= 0 {
		t.Fatalf("default client must have a timeout and not be http.DefaultClient")
	}
	tr, ok := hc.Transport.(*http.Transport)
	if !ok || tr == http.DefaultTransport {
		t.Fatalf("default client must own its transport")
	}
}

func TestParseBearerChallenge(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
	}{
		{`Bearer error="invalid_token", error_description="The access token expired"`,
			map[string]string{"error": "invalid_token", "error_description": "The access token expired"}},
		{`bearer realm=vnconnect,error=insufficient_scope`,
			map[string]string{"realm": "vnconnect", "error": "insufficient_scope"}},
		{`Bearer error="a \"quoted\" word"`, map[string]string{"error": `a "quoted" word`}},
		{`Basic realm="x"`, map[string]string{}},
		{`Bearer`, map[string]string{}},
		{`Bearer error="unterminated`, map[string]string{"error": "unterminated"}},
	}
	for _, tt := range tests {
		got := parseBearerChallenge(tt.in)
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %v, want %v", tt.in, got, tt.want)
			continue
		}
		for k, v := range tt.want {
			if got[k] != v {
				t.Errorf("%q: %s = %q, want %q", tt.in, k, got[k], v)
			}
		}
	}
}

func FuzzParseBearerChallenge(f *testing.F) {
	f.Add(`Bearer error="invalid_token", error_description="expired"`)
	f.Add(`Bearer a=b,c="d\"e"`)
	f.Add(`Bearer ="x"`)
	f.Fuzz(func(t *testing.T, s string) {
		// Must not panic or loop, and never invent data: every key is
		// lower-cased and non-empty, and keys and values together are no
		// longer than the header they came from.
		total := 0
		for k, v := range parseBearerChallenge(s) {
			if k == "" || k != strings.ToLower(k) {
				t.Fatalf("key %q from %q", k, s)
			}
			total += len(k) + len(v)
		}
		if total > len(s) {
			t.Fatalf("%d bytes of keys and values from a %d-byte header", total, len(s))
		}
	})
}
