package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSanitizeReturnTo(t *testing.T) {
	good := []string{
		"/", "/ho-so", "/ho-so/123?tab=2&x=%2F", "/a/b/c#frag", "/search?q=a%20b",
		"/dich-vu?vnconnect=1&MaTTHCDP=1.001234", "/%E1%BB%87", "/a.b/c..d/...",
	}
	for _, s := range good {
		if got, err := SanitizeReturnTo(s); err != nil || got != s {
			t.Errorf("SanitizeReturnTo(%q) = %q, %v; want it unchanged", s, got, err)
		}
	}
	bad := []string{
		"", "//evil", "///evil", "https://evil", "http://evil/x", "javascript:alert(1)", "evil.example",
		`/\evil`, `\\evil`, `\/evil`, `/x\y`, "/%2F%2Fevil", "/%2f%2fevil", "/%5Cevil", "/%5cevil",
		"/%252F%252Fevil", "/%25252F%25252Fevil", "/x/%2F/y", "/../evil", "/a/../../evil", "/./x", "/%2e%2e/evil",
		"/x\r\nSet-Cookie: a=b", "/x\x00", "/x\ty", "/x y", "/x%0d%0aLocation:%20//evil", "/%00", "/\x7f",
		"/é", "mailto:a@b", "/" + strings.Repeat("a", MaxReturnToLen), " /x", "/x%zz", "?x=1", "#x",
	}
	for _, s := range bad {
		if got, err := SanitizeReturnTo(s); err == nil {
			t.Errorf("SanitizeReturnTo(%q) = %q, want ErrBadReturnTo", s, got)
		}
	}
}

func FuzzReturnTo(f *testing.F) {
	for _, s := range []string{"/", "/a?b=c#d", "//evil", `/\evil`, "/%2F%2Fevil", "/%5Cevil", "https://evil", "/..//evil", "/%252e%252e/x"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://app.example.gov.vn/base/")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := SanitizeReturnTo(s)
		if err != nil {
			return
		}
		if got != s {
			t.Fatalf("changed %q to %q", s, got)
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\x00\r\n\t ") {
			t.Fatalf("accepted %q", got)
		}
		u, err := url.Parse(got)
		if err != nil || u.IsAbs() || u.Host != "" {
			t.Fatalf("accepted %q: parses as %#v", got, u)
		}
		// Resolved against any page of the app, it stays on the app's
		// origin — also after one more round of decoding, as an app that
		// decodes and redirects again would do.
		if r := base.ResolveReference(u); r.Host != base.Host || r.Scheme != base.Scheme {
			t.Fatalf("%q resolves to %s", got, r)
		}
		if dec, err := url.PathUnescape(u.Path); err == nil {
			if strings.HasPrefix(dec, "//") || strings.Contains(dec, "\\") {
				t.Fatalf("%q decodes to %q", got, dec)
			}
			if u2, err := url.Parse(dec); err == nil && (u2.Host != "" || u2.Scheme != "") {
				t.Fatalf("%q decodes to another origin %q", got, dec)
			}
		}
	})
}

func TestDeepLinkAppend(t *testing.T) {
	dl := &DeepLink{MaTTHCDP: "1.001234", MaDVC: "42"}
	for in, want := range map[string]string{
		"/":                  "/?vnconnect=1&MaTTHCDP=1.001234&MaDVC=42",
		"/a?x=1":             "/a?x=1&vnconnect=1&MaTTHCDP=1.001234&MaDVC=42",
		"/a#f":               "/a?vnconnect=1&MaTTHCDP=1.001234&MaDVC=42#f",
		"/a?vnconnect=1&x=2": "/a?vnconnect=1&x=2",
	} {
		if got := dl.appendTo(in); got != want {
			t.Errorf("appendTo(%q) = %q, want %q", in, got, want)
		}
		if _, err := SanitizeReturnTo(dl.appendTo(in)); err != nil {
			t.Errorf("appendTo(%q) is not a valid return_to: %v", in, err)
		}
	}
	if got := (*DeepLink)(nil).appendTo("/x"); got != "/x" {
		t.Errorf("nil appendTo = %q", got)
	}
	if dl, err := ParseDeepLink(url.Values{"MaDVC": {"1"}}); dl != nil || err != nil {
		t.Errorf("without vnconnect=1: %v, %v", dl, err)
	}
}

func TestTokenCookie(t *testing.T) {
	tok := strings.Repeat("a", 42) + "B"
	for hdr, want := range map[string]string{
		"rpkit-session=" + tok:                                      tok,
		"a=1; rpkit-session=" + tok + "; b=2":                       tok,
		"a=1;rpkit-session=" + tok:                                  tok,
		"xrpkit-session=" + tok:                                     "",
		"rpkit-session-x=" + tok:                                    "",
		"rpkit-session=" + tok + "x":                                "",
		"rpkit-session=short":                                       "",
		"rpkit-session=" + strings.Repeat("!", 43):                  "",
		"rpkit-session=" + tok + "; rpkit-session=" + tok[1:] + "C": tok,
		"": "",
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Cookie", hdr)
		if got := tokenCookie(r, "rpkit-session"); got != want {
			t.Errorf("tokenCookie(%q) = %q, want %q", hdr, got, want)
		}
	}
}

// The path is decoded up to three times, as an app might; each decoded
// layer, the last one included, must be checked, and a value still
// encoded after the bound is refused rather than passed on unchecked.
func TestSanitizeReturnToDeepEncoding(t *testing.T) {
	for _, s := range []string{
		"/%25252E%25252E/admin",       // "/../admin" after three decodings
		"/%2525252F%2525252Fevil",     // "/%2F%2Fevil" after three, "//evil" after four
		"/%2525252E%2525252E/admin",   // still encoded after the bound
		"/%252525255C%252525255Cevil", // backslashes, deeper still
		"/a/%25252E%25252E%25252F%25252E%25252E/x",
	} {
		if got, err := SanitizeReturnTo(s); err == nil {
			t.Errorf("SanitizeReturnTo(%q) = %q, want ErrBadReturnTo", s, got)
		}
	}
	for _, s := range []string{"/%E1%BB%87", "/search?q=%252525", "/a%2520b"} {
		if got, err := SanitizeReturnTo(s); err != nil || got != s {
			t.Errorf("SanitizeReturnTo(%q) = %q, %v; want it unchanged", s, got, err)
		}
	}
}
