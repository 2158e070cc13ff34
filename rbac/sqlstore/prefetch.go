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
	return prefetch(t, Reads{Holdings: keys, Accounts: accounts}, false)
}

// Reads names what PrefetchReads reads ahead.
type Reads struct {
	// Holdings and Accounts are Prefetch's.
	Holdings []rbac.MembershipKey
	Accounts []string
	// AuditTail reads the audit log's last entry, which LastAudit then
	// answers (and the appends that follow it chain to) until the
	// transaction appends.
	AuditTail bool
}

// PrefetchReads is Prefetch, and more of what a batch of checks asks:
// with the holdings, the subsystems their keys name (Subsystem) and the
// stored paths of the units they hold (what Covers reads); and, if asked,
// the audit log's tail. Every answer is what the transaction would have
// read itself. In an Update on PostgreSQL through pgx, all the queries go
// as one pgx.Batch: one round trip.
func PrefetchReads(t rbac.ReadTx, r Reads) (ok bool, err error) {
	return prefetch(t, r, true)
}

func prefetch(t rbac.ReadTx, r Reads, more bool) (ok bool, err error) {
	st, isOurs := t.(*tx)
	if !isOurs {
		return false, nil
	}
	var ss []stmt
	keys := uniqueKeys(r.Holdings)
	for len(keys) > 0 {
		n := min(len(keys), prefetchChunk)
		ss = append(ss, st.prefetchHoldings(keys[:n]))
		if more {
			ss = append(ss, st.prefetchUnits(keys[:n]))
		}
		keys = keys[n:]
	}
	if more {
		var subs []string
		seen := map[rbac.SubsystemID]bool{}
		for _, k := range r.Holdings {
			if _, cached := st.reads.subs[k.Subsystem]; k.Subsystem != "" && !seen[k.Subsystem] && !cached {
				seen[k.Subsystem] = true
				subs = append(subs, string(k.Subsystem))
			}
		}
		for len(subs) > 0 {
			n := min(len(subs), prefetchChunk)
			ss = append(ss, st.prefetchSubsystems(subs[:n]))
			subs = subs[n:]
		}
	}
	accounts := uniqueStrings(r.Accounts)
	for len(accounts) > 0 {
		n := min(len(accounts), prefetchChunk)
		ss = append(ss, st.prefetchAccounts(accounts[:n]))
		accounts = accounts[n:]
	}
	if r.AuditTail {
		ss = append(ss, st.prefetchAuditTail())
	}
	return true, st.c.batch(ss)
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
func (t *tx) prefetchHoldings(keys []rbac.MembershipKey) stmt {
	values, args := keyValues(keys)
	return stmt{op: "prefetch memberships", query: `WITH k(account, subsystem) AS (VALUES ` + values + `)
		SELECT k.account, k.subsystem, m.account, m.subsystem, m.unit, m.grp, m.state, m.locked, COALESCE(m.roles, '[]'),
			m.review, m.added_by, m.created_at, m.updated_at, s.unit
		FROM k
		LEFT JOIN memberships m ON m.account = k.account AND m.subsystem = k.subsystem
		LEFT JOIN super_admins s ON s.account = k.account
		ORDER BY k.account, k.subsystem, s.unit`, args: args, read: func(rows rowScanner) error {
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
				return err
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
			return err
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
	}}
}

// keyValues is a VALUES list of keys and its arguments.
func keyValues(keys []rbac.MembershipKey) (string, []any) {
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
	return sb.String(), args
}

// prefetchUnits reads the stored paths of the units keys' accounts hold
// (their memberships' units and their super-admin units), for Covers.
func (t *tx) prefetchUnits(keys []rbac.MembershipKey) stmt {
	values, args := keyValues(keys)
	return stmt{op: "prefetch units", query: `WITH k(account, subsystem) AS (VALUES ` + values + `)
		SELECT u.id, u.path FROM units u WHERE u.id IN (
			SELECT m.unit FROM k JOIN memberships m ON m.account = k.account AND m.subsystem = k.subsystem
			UNION SELECT s.unit FROM k JOIN super_admins s ON s.account = k.account)`, args: args, read: func(rows rowScanner) error {
		for rows.Next() {
			var id, path string
			if err := rows.Scan(&id, &path); err != nil {
				return err
			}
			if t.reads.paths == nil {
				t.reads.paths = make(map[rbac.UnitID]string)
			}
			t.reads.paths[rbac.UnitID(id)] = path
		}
		return rows.Err()
	}}
}

// prefetchSubsystems caches the stored subsystems among ids.
func (t *tx) prefetchSubsystems(ids []string) stmt {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return stmt{op: "prefetch subsystems", query: `SELECT id, name, roles_json, groups_json FROM subsystems WHERE id IN (` + marks(len(ids)) + `)`,
		args: args, read: func(rows rowScanner) error {
			for rows.Next() {
				s, err := scanSubsystem(rows)
				if err != nil {
					return err
				}
				t.reads.putSub(s.ID, s)
			}
			return rows.Err()
		}}
}

// prefetchAccounts caches the stored accounts among ids.
func (t *tx) prefetchAccounts(ids []string) stmt {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return stmt{op: "prefetch accounts", query: `SELECT ` + accountCols + ` FROM accounts WHERE tech_id IN (` + marks(len(ids)) + `)`,
		args: args, read: func(rows rowScanner) error {
			for rows.Next() {
				a, err := scanAccount(rows)
				if err != nil {
					return err
				}
				t.cacheAccount(a)
			}
			return rows.Err()
		}}
}

// prefetchAuditTail reads what LastAudit would.
func (t *tx) prefetchAuditTail() stmt {
	return stmt{op: "last audit entry", query: `SELECT ` + auditCols + ` FROM audit_log ORDER BY seq DESC LIMIT 1`,
		read: func(rows rowScanner) error {
			if !rows.Next() {
				if err := rows.Err(); err != nil {
					return err
				}
				t.tail = &auditTail{empty: true}
				return nil
			}
			e, err := scanAudit(rows)
			if err != nil {
				return err
			}
			t.tail = &auditTail{seq: int64(e.Seq), hash: e.Hash, last: &e}
			return nil
		}}
}

// marks is n comma-separated placeholders.
func marks(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}
