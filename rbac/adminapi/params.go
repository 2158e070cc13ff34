package adminapi

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
)

// params reads a query string strictly: a parameter the route does not
// know, or one given twice, is refused rather than silently ignored (a
// misspelt filter would otherwise widen a listing).
type params struct {
	v   url.Values
	bad []FieldError
}

func readParams(r *http.Request, known ...string) *params {
	v, err := url.ParseQuery(r.URL.RawQuery)
	p := &params{v: v}
	if err != nil {
		p.bad = append(p.bad, FieldError{Field: "query", Detail: "malformed query string"})
	}
	for k, vs := range p.v {
		ok := false
		for _, n := range known {
			if k == n {
				ok = true
				break
			}
		}
		switch {
		case !ok:
			p.bad = append(p.bad, FieldError{Field: clip(k, 64), Detail: "unknown parameter"})
		case len(vs) > 1:
			p.bad = append(p.bad, FieldError{Field: k, Detail: "given more than once"})
		case len(vs[0]) > 512:
			p.bad = append(p.bad, FieldError{Field: k, Detail: "too long"})
		}
	}
	return p
}

func (p *params) str(k string) string { return strings.TrimSpace(p.v.Get(k)) }

func (p *params) int(k string) int {
	s := p.str(k)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		p.bad = append(p.bad, FieldError{Field: k, Detail: "must be a non-negative integer"})
	}
	return n
}

func (p *params) uint64(k string) uint64 {
	s := p.str(k)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		p.bad = append(p.bad, FieldError{Field: k, Detail: "must be a non-negative integer"})
	}
	return n
}

// bool reads "1"/"true"/"0"/"false"; nil when absent.
func (p *params) bool(k string) *bool {
	switch strings.ToLower(p.str(k)) {
	case "":
		return nil
	case "1", "true":
		t := true
		return &t
	case "0", "false":
		f := false
		return &f
	}
	p.bad = append(p.bad, FieldError{Field: k, Detail: "must be true or false"})
	return nil
}

func (p *params) cursor(k string) rbac.MembershipKey {
	s := p.str(k)
	if s == "" {
		return rbac.MembershipKey{}
	}
	key, ok := decodeCursor(s)
	if !ok {
		p.bad = append(p.bad, FieldError{Field: k, Detail: "not a cursor this API returned"})
	}
	return key
}

// ok answers 400 with every bad parameter and returns false, if any.
func (p *params) ok(w http.ResponseWriter, r *http.Request) bool {
	if len(p.bad) == 0 {
		return true
	}
	pr := newProblem(CodeBadParameter, "")
	pr.Errors = p.bad
	writeProblem(w, r, pr)
	return false
}

// Paging cursors are opaque to clients: the membership key, base64url.
func encodeCursor(k rbac.MembershipKey) string {
	if k.Account == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(k.Account + "\n" + string(k.Subsystem)))
}

func decodeCursor(s string) (rbac.MembershipKey, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return rbac.MembershipKey{}, false
	}
	acc, sub, ok := strings.Cut(string(b), "\n")
	if !ok || acc == "" || sub == "" || strings.Contains(sub, "\n") {
		return rbac.MembershipKey{}, false
	}
	return rbac.MembershipKey{Account: acc, Subsystem: rbac.SubsystemID(sub)}, true
}
