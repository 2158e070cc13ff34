package sqlstore

import (
	"database/sql"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// ListMemberships implements rbac.ReadTx. Each scope becomes a range on the
// denormalised unit_path (index memberships_scope, or memberships_path for
// a scope on every subsystem); the rest are plain filters, and paging is a
// keyset on the primary key. The planner either walks the key order and
// filters (large scopes: about a page of entries) or reads the scope's
// range and sorts (small scopes) — both from index entries only.
func (t *tx) ListMemberships(q rbac.MembershipQuery) ([]rbac.Membership, error) {
	var (
		where []string
		args  []any
	)
	var scopes []string
	for _, sc := range q.Scopes {
		_, path, ok, err := t.unitPath(sc.Unit)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // no such unit: an empty subtree, as in the memory store
		}
		lo, hi := subtreeRange(path)
		if sc.Subsystem == "" {
			scopes = append(scopes, `(m.unit_path >= ? AND m.unit_path < ?)`)
			args = append(args, lo, hi)
		} else {
			scopes = append(scopes, `(m.subsystem = ? AND m.unit_path >= ? AND m.unit_path < ?)`)
			args = append(args, string(sc.Subsystem), lo, hi)
		}
	}
	if len(scopes) == 0 {
		return nil, nil
	}
	where = append(where, "("+strings.Join(scopes, " OR ")+")")

	from := `memberships m`
	if q.Name != "" {
		pattern, ok := namePattern(q.Name)
		if !ok {
			return nil, nil // a query of no words matches no name (vnid.NameContains)
		}
		from += ` JOIN accounts a ON a.tech_id = m.account`
		where = append(where, `a.name_folded LIKE ? ESCAPE '\'`)
		args = append(args, pattern)
		if t.c.d == Postgres {
			// Each query word starts some word of the name: ranges of the
			// word index, which narrow the candidates to a few accounts
			// before the LIKE above decides (see member_name_words).
			for _, w := range strings.Fields(vnid.FoldName(q.Name)) {
				where = append(where, `m.account IN (SELECT nw.account FROM member_name_words nw WHERE nw.word LIKE ? ESCAPE '\')`)
				args = append(args, likeEscape(w)+"%")
			}
		}
	}
	if q.State != "" {
		where = append(where, `m.state = ?`)
		args = append(args, string(q.State))
	}
	if q.Locked != nil {
		where = append(where, `m.locked = ?`)
		args = append(args, *q.Locked)
	}
	if q.Group != "" {
		where = append(where, `m.grp = ?`)
		args = append(args, string(q.Group))
	}
	if q.Review {
		where = append(where, `m.review <> ''`)
	}
	if q.Role != "" {
		where = append(where, `EXISTS (SELECT 1 FROM membership_roles r
			WHERE r.account = m.account AND r.subsystem = m.subsystem AND r.role = ?)`)
		args = append(args, string(q.Role))
	}
	if q.After.Account != "" {
		where = append(where, `(m.account, m.subsystem) > (?, ?)`)
		args = append(args, q.After.Account, string(q.After.Subsystem))
	}
	// Two steps: the keys of the page first, from covering indexes
	// (memberships_scope/_path/_order), then the page's rows by primary
	// key. Reading whole rows for every candidate of a large scope is what
	// made the one-step query slow.
	keys := `SELECT m.account, m.subsystem FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY m.account, m.subsystem`
	if q.Limit > 0 {
		keys += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	// The page's accounts come along (LEFT JOIN: an account may be
	// missing) and are kept for the rest of the transaction: a caller that
	// lists users then looks up each one's account (rbac's ListUsers)
	// makes one round trip, not fifty-one.
	query := `SELECT ` + memberCols + `, ` + accountColsA + ` FROM memberships m JOIN (` + keys + `) k
		ON m.account = k.account AND m.subsystem = k.subsystem
		LEFT JOIN accounts a ON a.tech_id = m.account ORDER BY m.account, m.subsystem`
	if t.c.d == Postgres {
		// Plan the listing for its actual scope and filters: the generic
		// plan a cached prepared statement settles on after a few runs
		// cannot tell a commune's range from the country's, nor a rare
		// role from a common one, and picks badly for both.
		if _, err := t.c.exec(`SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
			return nil, t.c.fail("list memberships", err)
		}
	}
	rows, err := queryAll(t.c, scanMemberAndAccount, query, args...)
	if err != nil {
		return nil, t.c.fail("list memberships", err)
	}
	ms := make([]rbac.Membership, len(rows))
	for i, r := range rows {
		ms[i] = r.m
		if r.found {
			t.cacheAccount(r.a)
		}
	}
	return ms, nil
}

type memberAndAccount struct {
	m     rbac.Membership
	a     rbac.Account
	found bool
}

const accountColsA = `a.tech_id, a.type, a.full_name, a.cccd, a.cmnd, a.phone, a.email, a.agency_code, a.tax_code,
	a.created_at, a.updated_at`

func scanMemberAndAccount(r scanner) (memberAndAccount, error) {
	var (
		out                                               memberAndAccount
		roles                                             string
		mCreated, mUpdated, aCreated, aUpdated            sql.NullInt64
		tech, name, cccd, cmnd, phone, email, agency, tax sql.NullString
		typ                                               sql.NullInt64
	)
	m := &out.m
	if err := r.Scan(&m.Account, (*string)(&m.Subsystem), (*string)(&m.Unit), (*string)(&m.Group), (*string)(&m.State),
		&m.Locked, &roles, &m.Review, &m.AddedBy, &mCreated, &mUpdated,
		&tech, &typ, &name, &cccd, &cmnd, &phone, &email, &agency, &tax, &aCreated, &aUpdated); err != nil {
		return out, err
	}
	m.CreatedAt, m.UpdatedAt = tsVal(mCreated), tsVal(mUpdated)
	if err := jsonVal(roles, &m.Roles); err != nil {
		return out, err
	}
	if out.found = tech.Valid; out.found {
		out.a = rbac.Account{TechID: tech.String, Type: int(typ.Int64), FullName: name.String, CCCD: cccd.String,
			CMND: cmnd.String, Phone: phone.String, Email: email.String, AgencyCode: agency.String, TaxCode: tax.String,
			CreatedAt: tsVal(aCreated), UpdatedAt: tsVal(aUpdated)}
	}
	return out, nil
}

// namePattern turns a name query into a LIKE pattern over name_folded
// (" " + folded name): "% w1% w2%" — each query word the start of a name
// word, in order, each on a later word than the one before. That is exactly
// vnid.NameContains, so the database filters and pages without a second
// pass in Go.
func namePattern(query string) (string, bool) {
	words := strings.Fields(vnid.FoldName(query))
	if len(words) == 0 {
		return "", false
	}
	var b strings.Builder
	b.WriteByte('%')
	for _, w := range words {
		b.WriteByte(' ')
		b.WriteString(likeEscape(w))
		b.WriteByte('%')
	}
	return b.String(), true
}

// likeEscape quotes LIKE's wildcards and its escape character, '\'.
func likeEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
