package vnconnect

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// Directory looks accounts up on Vnconnect, the "Tìm kiếm trên Vnconnect"
// step of adding a user to a subsystem: find the person or organisation,
// then store its TechID. HTTPDirectory talks to the platform;
// StaticDirectory serves a fixed list (tests, development).
type Directory interface {
	// Search returns the accounts matching every criterion of q, at most
	// q.Limit (after defaults). An empty result is not an error.
	Search(ctx context.Context, q Query) ([]*Identity, error)
	// LookupTechID returns the TechID of the account holding the
	// identifier, or an error wrapping ErrNotFound.
	LookupTechID(ctx context.Context, q TechIDQuery) (string, error)
}

var (
	// ErrNotFound: the directory has no account for the identifier.
	ErrNotFound = errors.New("vnconnect: account not found")

	// ErrInvalidQuery: a directory query is empty or holds an identifier
	// that fails its check; nothing was sent. The *QueryError says which.
	ErrInvalidQuery = errors.New("vnconnect: invalid directory query")
)

// Search result limits. The platform pages nothing, so a broad name search
// is capped rather than allowed to return the whole province.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 100
	maxQueryNameRunes  = 100
)

// Query is a directory search. Every non-empty criterion must match (AND).
// At least one of CCCD, CMND, Phone, Name, Email, AgencyCode, TaxCode is
// required; AccountType alone only filters.
type Query struct {
	CCCD       string      // 12-digit personal ID
	CMND       string      // 9-digit legacy ID
	Phone      string      // any form vnid.ParsePhone takes; sent as E.164
	Name       string      // person or organisation name; diacritics optional
	Email      string      // bare address
	AgencyCode string      // organisations: mã định danh cơ quan
	TaxCode    string      // businesses: MST, 10 digits or 10-3
	Type       AccountType // 0 = any
	Limit      int         // 0 → DefaultSearchLimit; capped at MaxSearchLimit
}

// TechIDQuery asks TraCuuTechID for the account of exactly one identifier.
type TechIDQuery struct {
	TaxCode string // MaSoThue
	CCCD    string // SoDinhDanh
	CMND    string // SoCMND
}

// QueryError says which field of a directory query is wrong. It unwraps to
// ErrInvalidQuery and to the vnid error, if any.
type QueryError struct {
	Field string // Query field name, "" for the query as a whole
	Err   error
}

func (e *QueryError) Error() string {
	if e.Field == "" {
		return ErrInvalidQuery.Error() + ": " + e.Err.Error()
	}
	return ErrInvalidQuery.Error() + ": " + e.Field + ": " + e.Err.Error()
}

func (e *QueryError) Unwrap() []error { return []error{ErrInvalidQuery, e.Err} }

// Normalize validates q with vnid and returns it in the form sent on the
// wire: identifiers canonical, phone in E.164, name trimmed with single
// spaces, Limit within bounds. Both directories call it first, so a bad
// identifier never leaves the process.
func (q Query) Normalize() (Query, error) {
	var err error
	n := Query{Type: q.Type}
	field := func(name string, e error) error { return &QueryError{Field: name, Err: e} }
	if s := strings.TrimSpace(q.CCCD); s != "" {
		c, e := vnid.ParseCCCD(s)
		if e != nil {
			return Query{}, field("CCCD", e)
		}
		n.CCCD = c.Number
	}
	if s := strings.TrimSpace(q.CMND); s != "" {
		c, e := vnid.ParseCMND(s)
		if e != nil {
			return Query{}, field("CMND", e)
		}
		n.CMND = string(c)
	}
	if s := strings.TrimSpace(q.Phone); s != "" {
		p, e := vnid.ParsePhone(s)
		if e != nil {
			return Query{}, field("Phone", e)
		}
		n.Phone = string(p)
	}
	if s := strings.Join(strings.Fields(q.Name), " "); s != "" {
		switch folded := vnid.FoldName(s); {
		case utf8.RuneCountInString(folded) < 2:
			return Query{}, field("Name", errors.New("shorter than 2 letters"))
		case utf8.RuneCountInString(s) > maxQueryNameRunes:
			return Query{}, field("Name", errors.New("too long"))
		}
		n.Name = s
	}
	if s := strings.TrimSpace(q.Email); s != "" {
		if n.Email, err = checkEmail(s); err != nil {
			return Query{}, field("Email", errors.New("not an e-mail address"))
		}
	}
	if s := strings.TrimSpace(q.AgencyCode); s != "" {
		a, e := vnid.ParseAgencyCode(s)
		if e != nil {
			return Query{}, field("AgencyCode", e)
		}
		n.AgencyCode = a.String()
	}
	if s := strings.TrimSpace(q.TaxCode); s != "" {
		m, e := vnid.ParseMST(s)
		if e != nil {
			return Query{}, field("TaxCode", e)
		}
		n.TaxCode = m.String()
	}
	if q.Type != AccountUnknown && !q.Type.Valid() {
		return Query{}, field("Type", errors.New("unknown account type"))
	}
	if n.CCCD == "" && n.CMND == "" && n.Phone == "" && n.Name == "" && n.Email == "" && n.AgencyCode == "" && n.TaxCode == "" {
		return Query{}, field("", errors.New("no search criterion"))
	}
	switch {
	case q.Limit < 0:
		return Query{}, field("Limit", errors.New("negative"))
	case q.Limit == 0:
		n.Limit = DefaultSearchLimit
	default:
		n.Limit = min(q.Limit, MaxSearchLimit)
	}
	return n, nil
}

// normalize validates the query and returns the one identifier it names,
// with its TraCuuTechID request key.
func (q TechIDQuery) normalize() (key, value string, err error) {
	tax, cccd, cmnd := strings.TrimSpace(q.TaxCode), strings.TrimSpace(q.CCCD), strings.TrimSpace(q.CMND)
	set := 0
	for _, s := range []string{tax, cccd, cmnd} {
		if s != "" {
			set++
		}
	}
	if set != 1 {
		return "", "", &QueryError{Err: errors.New("exactly one of TaxCode, CCCD, CMND is required")}
	}
	switch {
	case tax != "":
		m, e := vnid.ParseMST(tax)
		if e != nil {
			return "", "", &QueryError{Field: "TaxCode", Err: e}
		}
		return ClaimTaxCode, m.String(), nil
	case cccd != "":
		c, e := vnid.ParseCCCD(cccd)
		if e != nil {
			return "", "", &QueryError{Field: "CCCD", Err: e}
		}
		return ClaimCCCD, c.Number, nil
	default:
		c, e := vnid.ParseCMND(cmnd)
		if e != nil {
			return "", "", &QueryError{Field: "CMND", Err: e}
		}
		return ClaimCMND, string(c), nil
	}
}
