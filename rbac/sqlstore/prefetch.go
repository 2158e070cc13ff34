package sqlstore

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
)

// prefetchChunk bounds the keys one prefetch query names (two
// placeholders each), well under both dialects' limits.
const prefetchChunk = 400

// Prefetch reads ahead, in a few queries, what a transaction is about to
// ask about many accounts one at a time: Holding(key.Account,
// key.Subsystem) for every key, and Account(id) for every id in accounts.
// The answers go to the transaction's read cache (see readCache), exactly
// as Holding and Account would have left them, so a batch of checks —
// rpkit/migrate's bulk conversions run CanTx for every row of a batch —
// costs one round trip per kind of read instead of one per row. An
// account not stored is simply not cached (Account asks again). ok is
// false, and nothing is read, when t is not a transaction of this
// package's Store.
func Prefetch(t rbac.ReadTx, keys []rbac.MembershipKey, accounts []string) (ok bool, err error) {
	st, isOurs := t.(*tx)
	if !isOurs {
		return false, nil
	}
	keys = uniqueKeys(keys)
	for len(keys) > 0 {
		n := min(len(keys), prefetchChunk)
		if err := st.prefetchHoldings(keys[:n]); err != nil {
			return true, err
		}
		keys = keys[n:]
	}
	accounts = uniqueStrings(accounts)
	for len(accounts) > 0 {
		n := min(len(accounts), prefetchChunk)
		if err := st.prefetchAccounts(accounts[:n]); err != nil {
			return true, err
		}
		accounts = accounts[n:]
	}
	return true, nil
}

func uniqueKeys(keys []rbac.MembershipKey) []rbac.MembershipKey {
	seen := make(map[rbac.MembershipKey]bool, len(keys))
	out := make([]rbac.MembershipKey, 0, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func uniqueStrings(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// prefixRow scans pre's columns before the caller's.
type prefixRow struct {
	r   scanner
	pre []any
}

func (p *prefixRow) Scan(dest ...any) error {
	return p.r.Scan(append(p.pre[:len(p.pre):len(p.pre)], dest...)...)
}

// prefetchHoldings is holding (fastread.go) for many keys: the same joins,
// keyed by a VALUES list, the same answer per key.
func (t *tx) prefetchHoldings(keys []rbac.MembershipKey) error {
	var sb strings.Builder
	args := make([]any, 0, 2*len(keys))
	for i, k := range keys {
		if i == 0 {
			sb.WriteString("(CAST(? AS TEXT), CAST(? AS TEXT))")
		} else {
			sb.WriteString(", (?, ?)")
		}
		args = append(args, k.Account, string(k.Subsystem))
	}
	rows, err := t.c.query(`WITH k(account, subsystem) AS (VALUES `+sb.String()+`)
		SELECT k.account, k.subsystem, m.account, m.subsystem, m.unit, m.grp, m.state, m.locked, COALESCE(m.roles, '[]'),
			m.review, m.added_by, m.created_at, m.updated_at, s.unit
		FROM k
		LEFT JOIN memberships m ON m.account = k.account AND m.subsystem = k.subsystem
		LEFT JOIN super_admins s ON s.account = k.account
		ORDER BY k.account, k.subsystem, s.unit`, args...)
	if err != nil {
		return t.c.fail("prefetch memberships", err)
	}
	defer rows.Close()
	type acc struct {
		units []rbac.UnitID
		m     rbac.Membership
		found bool
	}
	got := make(map[rbac.MembershipKey]*acc, len(keys))
	for rows.Next() {
		var ka, ks, unit string
		r, err := scanMembership(&nullRow{r: &prefixRow{r: rows, pre: []any{&ka, &ks}}, extra: &unit})
		if err != nil {
			return t.c.fail("prefetch memberships", err)
		}
		key := rbac.MembershipKey{Account: ka, Subsystem: rbac.SubsystemID(ks)}
		a := got[key]
		if a == nil {
			a = &acc{}
			got[key] = a
		}
		if unit != "" {
			a.units = append(a.units, rbac.UnitID(unit))
		}
		if r.Account != "" && !a.found {
			a.m, a.found = r, true
		}
	}
	if err := rows.Err(); err != nil {
		return t.c.fail("prefetch memberships", err)
	}
	if t.reads.holds == nil {
		t.reads.holds = make(map[holdKey]held, len(keys))
	}
	for _, k := range keys {
		a := got[k]
		if a == nil { // every key yields a row; a missing one was not answered
			continue
		}
		h := held{units: a.units, m: a.m}
		if k.Subsystem != "" && !a.found {
			h.m = rbac.Membership{}
			h.err = t.c.fail(fmt.Sprintf("membership %s on %s", k.Account, k.Subsystem), sql.ErrNoRows)
		}
		t.reads.holds[holdKey{k.Account, k.Subsystem}] = h
	}
	return nil
}

// prefetchAccounts caches the stored accounts among ids.
func (t *tx) prefetchAccounts(ids []string) error {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	as, err := queryAll(t.c, scanAccount, `SELECT `+accountCols+` FROM accounts WHERE tech_id IN (`+marks(len(ids))+`)`, args...)
	if err != nil {
		return t.c.fail("prefetch accounts", err)
	}
	for _, a := range as {
		t.cacheAccount(a)
	}
	return nil
}

// marks is n comma-separated placeholders.
func marks(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}
