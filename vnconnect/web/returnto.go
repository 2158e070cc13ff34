package web

import (
	"fmt"
	"net/url"
	"strings"
)

// MaxReturnToLen bounds a return_to value; longer ones are refused.
const MaxReturnToLen = 2048

// SanitizeReturnTo checks that s is a same-origin relative path (with an
// optional query and fragment) and returns it unchanged, or fails with
// ErrBadReturnTo.
//
// It refuses, rather than repairs, anything a browser or a later redirect
// could resolve to another origin: a scheme or host ("https://evil",
// "//evil"), backslashes ("/\evil", "\\evil": browsers read them as
// slashes), percent-encoded slashes or backslashes in the path
// ("/%2F%2Fevil", "/%5Cevil": harmless in a browser but not after an app
// decodes and redirects again), dot segments, control characters and
// non-ASCII bytes (a browser sends paths percent-encoded), and values over
// MaxReturnToLen.
func SanitizeReturnTo(s string) (string, error) {
	bad := func(why string) (string, error) { return "", fmt.Errorf("%w: %s", ErrBadReturnTo, why) }
	if s == "" {
		return bad("empty")
	}
	if len(s) > MaxReturnToLen {
		return bad("too long")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e {
			return bad("control, space or non-ASCII character")
		}
	}
	if s[0] != '/' {
		return bad("not an absolute path")
	}
	if len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
		return bad("network-path reference")
	}
	if strings.IndexByte(s, '\\') >= 0 {
		return bad("backslash")
	}
	path := s
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	// Decode the path as often as an app might (bounded), checking each
	// layer, the last decoded one included: a path that is safe raw may
	// turn into "//evil" once decoded. A path that still decodes to
	// something else after the bound is refused rather than let through
	// with its innermost layer unchecked.
	const maxDecodes = 3
	for i := 0; ; i++ {
		lower := strings.ToLower(path)
		if strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") {
			return bad("encoded slash or backslash in the path")
		}
		if hasDotSegment(path) {
			return bad("dot segment")
		}
		dec, err := url.PathUnescape(path)
		if err != nil {
			return bad("invalid percent-encoding")
		}
		for j := 0; j < len(dec); j++ {
			if c := dec[j]; c < 0x20 || c == 0x7f {
				return bad("encoded control character")
			}
		}
		if dec == path {
			break
		}
		if i == maxDecodes {
			return bad("percent-encoded too many times")
		}
		path = dec
	}
	// Last word to the standard parser: whatever it sees must have neither
	// scheme nor host.
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return bad("not a relative reference")
	}
	return s, nil
}

func hasDotSegment(p string) bool {
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// DeepLink is the set of parameters the National Public Service Portal
// (DVCQG) adds when it sends a citizen to a relying party to use one
// service: vnconnect=1&MaTTHCDP=…&MaCoQuanThucHien=…&MaDVC=…. The login
// route carries them through Vnconnect and appends them to return_to, so
// the page the person lands on reads them with ParseDeepLink.
type DeepLink struct {
	// MaTTHCDP is the administrative procedure code (mã thủ tục hành chính).
	MaTTHCDP string
	// MaCoQuanThucHien is the code of the agency handling the procedure.
	MaCoQuanThucHien string
	// MaDVC is the public-service code.
	MaDVC string
}

// MaxDeepLinkValueLen bounds each deep-link value.
const MaxDeepLinkValueLen = 64

// deepLinkParams are the parameter names in the order they are written.
var deepLinkParams = [...]string{"MaTTHCDP", "MaCoQuanThucHien", "MaDVC"}

// ParseDeepLink reads the DVCQG deep-link parameters from q. It returns
// (nil, nil) when q has no vnconnect=1, and ErrBadDeepLink when a value is
// repeated, too long or has characters other than letters, digits, '.',
// '-' and '_' (the codes are dotted identifiers such as "000.00.00.H41").
// At least one of the three codes must be present.
func ParseDeepLink(q url.Values) (*DeepLink, error) {
	if v, ok := q["vnconnect"]; !ok || len(v) != 1 || v[0] != "1" {
		return nil, nil
	}
	var vals [3]string
	for i, name := range deepLinkParams {
		vs := q[name]
		if len(vs) > 1 {
			return nil, fmt.Errorf("%w: %s repeated", ErrBadDeepLink, name)
		}
		if len(vs) == 0 || vs[0] == "" {
			continue
		}
		if !validCode(vs[0]) {
			return nil, fmt.Errorf("%w: %s malformed", ErrBadDeepLink, name)
		}
		vals[i] = vs[0]
	}
	if vals == [3]string{} {
		return nil, fmt.Errorf("%w: no code", ErrBadDeepLink)
	}
	return &DeepLink{MaTTHCDP: vals[0], MaCoQuanThucHien: vals[1], MaDVC: vals[2]}, nil
}

func validCode(s string) bool {
	if len(s) > MaxDeepLinkValueLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Query returns the parameters as an encoded query string (without "?").
func (d *DeepLink) Query() string {
	q := "vnconnect=1"
	for i, v := range [3]string{d.MaTTHCDP, d.MaCoQuanThucHien, d.MaDVC} {
		if v != "" {
			q += "&" + deepLinkParams[i] + "=" + url.QueryEscape(v)
		}
	}
	return q
}

// appendTo adds the deep link to a sanitised return_to path unless it
// already carries vnconnect=1.
func (d *DeepLink) appendTo(returnTo string) string {
	if d == nil {
		return returnTo
	}
	frag := ""
	if i := strings.IndexByte(returnTo, '#'); i >= 0 {
		returnTo, frag = returnTo[:i], returnTo[i:]
	}
	if i := strings.IndexByte(returnTo, '?'); i >= 0 {
		if q, err := url.ParseQuery(returnTo[i+1:]); err == nil && q.Get("vnconnect") != "" {
			return returnTo + frag
		}
		return returnTo + "&" + d.Query() + frag
	}
	return returnTo + "?" + d.Query() + frag
}
