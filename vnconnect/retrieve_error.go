package vnconnect

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode"
)

// RetrieveError is returned when a Vnconnect endpoint (token, userinfo,
// revocation, introspection, discovery, JWKS) answers with an error: a non-2xx status, or an
// OAuth 2.0 error response (RFC 6749 §5.2, RFC 6750 §3). It is also used for
// an error reported on the authorization callback (RFC 6749 §4.1.2.1), where
// StatusCode is 0.
//
// Callers branch on ErrorCode ("invalid_grant" means the code or refresh
// token is no longer usable; "invalid_token" on userinfo means the access
// token expired) and use errors.As to get at it:
//
//	var re *vnconnect.RetrieveError
//	if errors.As(err, &re) && re.ErrorCode == "invalid_grant" { … }
type RetrieveError struct {
	// Endpoint names the call that failed ("token", "userinfo", …).
	Endpoint string
	// StatusCode is the HTTP status (0 for a callback error).
	StatusCode int
	// ErrorCode, ErrorDescription and ErrorURI are the OAuth "error",
	// "error_description" and "error_uri" fields, taken from the JSON body
	// or, for userinfo, from the WWW-Authenticate header. Empty when the
	// server sent none (e.g. a plain 502 from a proxy).
	ErrorCode        string
	ErrorDescription string
	ErrorURI         string
	// Body is the start of the response body (at most 4 KiB), for
	// diagnostics. It may contain anything the server chose to send: log it
	// with care and never show it to end users.
	Body []byte
}

// Error returns a message built only from the status and the sanitised,
// length-capped OAuth fields, never from the raw body, so that it is safe to
// log.
func (e *RetrieveError) Error() string {
	var b strings.Builder
	b.WriteString("vnconnect: ")
	if e.Endpoint != "" {
		b.WriteString(e.Endpoint)
		b.WriteString(" endpoint: ")
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	} else {
		b.WriteString("error response")
	}
	if e.ErrorCode != "" {
		b.WriteString(": ")
		b.WriteString(sanitizeForMessage(e.ErrorCode, 64))
	}
	if e.ErrorDescription != "" {
		b.WriteString(": ")
		b.WriteString(sanitizeForMessage(e.ErrorDescription, 200))
	}
	return b.String()
}

// sanitizeForMessage keeps a server-provided string from forging log lines or
// flooding them: control characters become spaces and the length is capped.
func sanitizeForMessage(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return s
}

// newRetrieveError builds a RetrieveError from a failed response. The OAuth
// fields come from a JSON body when there is one, else from a Bearer
// WWW-Authenticate challenge (how RFC 6750 resource servers such as the
// userinfo endpoint report errors).
func newRetrieveError(endpoint string, r *httpResponse) *RetrieveError {
	e := &RetrieveError{Endpoint: endpoint, StatusCode: r.status}
	body := r.body
	if len(body) > maxErrorBodyBytes {
		body = body[:maxErrorBodyBytes]
	}
	e.Body = append([]byte(nil), body...)

	var oe struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
		ErrorURI         string `json:"error_uri"`
	}
	if json.Unmarshal(r.body, &oe) == nil && oe.Error != "" {
		e.ErrorCode, e.ErrorDescription, e.ErrorURI = oe.Error, oe.ErrorDescription, oe.ErrorURI
		return e
	}
	if ch := r.header.Get("WWW-Authenticate"); ch != "" {
		params := parseBearerChallenge(ch)
		e.ErrorCode, e.ErrorDescription, e.ErrorURI = params["error"], params["error_description"], params["error_uri"]
	}
	return e
}

// oauthErrorIn reports an OAuth error object carried in a 2xx body. Some
// servers answer errors with 200; treating such a body as success would turn
// "error" into a missing access token further down, with a worse message.
func oauthErrorIn(endpoint string, r *httpResponse) *RetrieveError {
	var oe struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(r.body, &oe) != nil || oe.Error == "" {
		return nil
	}
	return newRetrieveError(endpoint, r)
}

// parseBearerChallenge extracts auth-params from a `Bearer k="v", k2=v2`
// challenge (RFC 7235 §2.1). It is lenient: it only needs error,
// error_description and error_uri, and ignores anything it does not parse.
func parseBearerChallenge(h string) map[string]string {
	out := map[string]string{}
	h = strings.TrimSpace(h)
	if len(h) < 6 || !strings.EqualFold(h[:6], "bearer") {
		return out
	}
	s := h[6:]
	for {
		s = strings.TrimLeft(s, " \t,")
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return out
		}
		key := strings.TrimSpace(s[:eq])
		if !isToken(key) {
			// auth-param names are RFC 7230 tokens: anything else is not
			// a challenge we can read, so stop rather than guess.
			return out
		}
		key = strings.ToLower(key)
		s = strings.TrimLeft(s[eq+1:], " \t")
		var val string
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(s); i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
					b.WriteByte(s[i])
					continue
				}
				if s[i] == '"' {
					break
				}
				b.WriteByte(s[i])
			}
			val = b.String()
			if i < len(s) {
				i++
			}
			s = s[i:]
		} else {
			end := strings.IndexAny(s, ", \t")
			if end < 0 {
				end = len(s)
			}
			val, s = s[:end], s[end:]
		}
		out[key] = val
	}
}

// isToken reports whether s is a non-empty RFC 7230 token (tchar*).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// isSuccess reports a 2xx status.
func isSuccess(status int) bool {
	return status >= http.StatusOK && status < http.StatusMultipleChoices
}
