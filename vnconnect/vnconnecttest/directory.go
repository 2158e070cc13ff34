package vnconnecttest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Directory limits: the fake answers at most maxSearchLimit accounts and
// says so with "truncated", as a real look-up service pages its results.
const (
	defaultSearchLimit = 20
	maxSearchLimit     = 100
)

// handleSearch is GET /api/vnconnect/search, the "Tìm kiếm trên Vnconnect"
// look-up relying parties use before saving a user. Every given filter must
// match (AND). Authenticated with the client's id and secret (HTTP Basic).
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, "GET")
		return
	}
	if _, oerr := s.authenticateClient(r); oerr != nil {
		writeOAuthError(w, oerr)
		return
	}
	q := r.URL.Query()
	limit := defaultSearchLimit
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			writeOAuthError(w, errInvalidRequest("limit must be a positive integer"))
			return
		}
		limit = min(n, maxSearchLimit)
	}
	var typ AccountType
	if t := q.Get("type"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > 3 {
			writeOAuthError(w, errInvalidRequest("type must be 1, 2 or 3"))
			return
		}
		typ = AccountType(n)
	}
	var tests []func(Account) bool
	add := func(param string, match func(Account, string) bool) {
		if v := strings.TrimSpace(q.Get(param)); v != "" {
			tests = append(tests, func(a Account) bool { return match(a, v) })
		}
	}
	add("cccd", func(a Account, v string) bool { return a.SoDinhDanh == v })
	add("cmnd", func(a Account, v string) bool { return a.CMND == v })
	add("phone", func(a Account, v string) bool { p := localPhone(v); return p != "" && localPhone(a.Phone) == p })
	add("name", func(a Account, v string) bool {
		return nameContains(a.FullName, v) || nameContains(a.EnterpriseName, v)
	})
	add("email", func(a Account, v string) bool { return a.Email != "" && strings.EqualFold(a.Email, v) })
	add("agency_code", func(a Account, v string) bool { return a.AgencyCode == v })
	add("mst", func(a Account, v string) bool { return a.TaxCode == v })
	if len(tests) == 0 {
		// A look-up without a criterion would list the whole population.
		writeOAuthError(w, errInvalidRequest("give at least one of cccd, cmnd, phone, name, email, agency_code, mst"))
		return
	}
	found := []map[string]any{}
	truncated := false
	for _, a := range s.Accounts() {
		if typ != 0 && a.Type != typ || !all(tests, a) {
			continue
		}
		if len(found) == limit {
			truncated = true
			break
		}
		found = append(found, a.Claims())
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": found, "truncated": truncated})
}

func all(tests []func(Account) bool, a Account) bool {
	for _, t := range tests {
		if !t(a) {
			return false
		}
	}
	return true
}

// handleTraCuuTechID is the DVCQG service POST /api/TraCuuTechID: a tax
// code (MaSoThue) or personal ID (SoDinhDanh, SoCMND) in, TECHNICALID out.
func (s *Server) handleTraCuuTechID(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, "POST")
		return
	}
	if _, oerr := s.authenticateClient(r); oerr != nil {
		writeOAuthError(w, oerr)
		return
	}
	var body struct{ MaSoThue, SoDinhDanh, SoCMND string }
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body); err != nil {
		writeOAuthError(w, errInvalidRequest("body must be a JSON object"))
		return
	}
	var match func(Account) bool
	n := 0
	for _, c := range []struct {
		v string
		f func(Account, string) bool
	}{
		{body.MaSoThue, func(a Account, v string) bool { return a.TaxCode == v }},
		{body.SoDinhDanh, func(a Account, v string) bool { return a.SoDinhDanh == v }},
		{body.SoCMND, func(a Account, v string) bool { return a.CMND == v }},
	} {
		if v, f := strings.TrimSpace(c.v), c.f; v != "" {
			n++
			match = func(a Account) bool { return f(a, v) }
		}
	}
	if n != 1 {
		writeOAuthError(w, errInvalidRequest("give exactly one of MaSoThue, SoDinhDanh, SoCMND"))
		return
	}
	// A personal ID also identifies the business it represents; the
	// person's own (citizen) account is the answer when there is one.
	var hit *Account
	for _, a := range s.Accounts() {
		if match(a) && (hit == nil || hit.Type != Citizen && a.Type == Citizen) {
			hit = &a
		}
	}
	if hit == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"TECHNICALID": hit.TechID})
}

// localPhone reduces a Vietnamese number to its "0…" form for comparison;
// "" if it is not one.
func localPhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' || r == ' ' || r == '.' || r == '-':
		default:
			return ""
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "84") && len(d) == 11 {
		d = "0" + d[2:]
	}
	if len(d) != 10 || d[0] != '0' {
		return ""
	}
	return d
}

// foldName lowers case and strips Vietnamese diacritics, đ included (it is
// a separate letter, not d plus a mark, so NFD leaves it alone).
func foldName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ' || r == 'Đ':
			b.WriteRune('d')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// nameContains reports whether every word of query occurs in name, in
// order, ignoring case and diacritics: "nguyen an" finds "Nguyễn Văn An".
func nameContains(name, query string) bool {
	n := foldName(name)
	words := strings.Fields(foldName(query))
	if n == "" || len(words) == 0 {
		return false
	}
	pos := 0
	for _, w := range words {
		i := strings.Index(n[pos:], w)
		if i < 0 {
			return false
		}
		pos += i + len(w)
	}
	return true
}
