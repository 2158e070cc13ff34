package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

// A bulk batch on the shared path converts its rows in one rbac Update.
// convertBatch does what convertIn does for each row — lock rows, every
// precondition (CanTx among them) read in the transaction, the movers, the
// legacy credentials, the memberships, the audit entry, the journal row —
// but pays the per-row bookkeeping once per batch: one existence check of
// the journal IDs, one lock INSERT and one DELETE, the reads the checks
// need made ahead for every row (legacy accounts, rbac holdings and
// accounts, the targets' row counts), the audit entries chained in Go and
// appended together, the journal rows in one INSERT. The movers' UPDATEs
// and the legacy UPDATE stay one per row.
//
// Anything that needs a row's own outcome — a journal row already there,
// an account in two rows of the batch, a lock held elsewhere, a failed
// precondition — fails the batch; the caller rolls it back and runs its
// rows one by one through convertIn.

// maxParams bounds the placeholders of one statement, under SQLite's
// 32,766 and PostgreSQL's 65,535.
const maxParams = 30000

// chunks calls fn on [lo, hi) ranges of at most per items covering n.
func chunks(n, per int, fn func(lo, hi int) error) error {
	per = max(per, 1)
	for lo := 0; lo < n; lo += per {
		if err := fn(lo, min(lo+per, n)); err != nil {
			return err
		}
	}
	return nil
}

// prefetched is what a batch read ahead for all its rows, in its
// transaction; a nil *prefetched, or a missing entry, means "read it
// yourself".
type prefetched struct {
	legacy map[string][]LegacyAccount // by username
	before map[string]map[string]Counts
}

func (p *prefetched) legacyOf(user string) ([]LegacyAccount, bool) {
	if p == nil || p.legacy == nil {
		return nil, false
	}
	a, ok := p.legacy[user]
	return a, ok
}

// targetBefore is count(Scope{From: req.To, Subsystems: req.Subsystems}).
func (p *prefetched) targetBefore(req Request) (Counts, bool) {
	if p == nil || p.before == nil {
		return nil, false
	}
	n, ok := p.before[joinSubs(req.Subsystems)][req.To]
	return n, ok
}

// convertBatch converts reqs (checked by checkRequest, IDs set) in the
// caller's Update, or fails with errBatch or the first row's error.
func (c *Converter) convertBatch(ctx context.Context, q Querier, tx rbac.Tx, reqs []Request) ([]*Conversion, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	// Rows that share an account depend on each other's outcome; so would
	// a source named like another row's target (the movers match owners
	// by string).
	ids := make([]any, len(reqs))
	var keys []string
	seen := map[string]bool{}
	owners := map[string]bool{}
	for i, r := range reqs {
		ids[i] = r.ID
		for _, k := range lockKeys(r.Kind, r.From, r.To) {
			if seen[k] {
				return nil, errBatch
			}
			seen[k] = true
			keys = append(keys, k)
		}
		if owners[r.From] || owners[r.To] {
			return nil, errBatch
		}
		owners[r.From], owners[r.To] = true, true
	}
	if err := c.noneJournaled(ctx, q, ids); err != nil {
		return nil, err
	}
	if err := c.lockMany(ctx, q, reqs, keys); err != nil {
		return nil, err
	}
	pf, err := c.prefetch(ctx, q, tx, reqs)
	if err != nil {
		return nil, err
	}
	now := c.now()
	js := make([]*journalRow, len(reqs))
	recs := make([]rbac.AuditRecord, len(reqs))
	out := make([]*Conversion, len(reqs))
	for i, req := range reqs {
		plan, err := c.prepareWith(ctx, q, tx, req, false, false, pf)
		if err != nil {
			return nil, err
		}
		j := &journalRow{Conversion: Conversion{ID: req.ID, Kind: req.Kind, From: req.From, To: req.To, Subsystems: req.Subsystems,
			Actor: req.Actor, Reason: req.Reason, Plan: plan, CreatedAt: now}}
		if err := c.moveRows(ctx, q, j); err != nil {
			return nil, err
		}
		j.Plan.Rows = Counts{}
		for name, mv := range j.Moved {
			for label, keys := range mv {
				j.Plan.Rows[name+":"+label] = int64(len(keys.Keys))
			}
		}
		if err := c.moveMemberships(tx, j); err != nil {
			return nil, err
		}
		j.State, j.UpdatedAt, j.DoneAt = StateDone, now, now
		recs[i] = rbac.AuditRecord{Actor: j.Actor, Action: AuditConvert, Target: auditTarget(j.ID), Reason: j.Reason, Details: j.auditDetails()}
		js[i], out[i] = j, &j.Conversion
	}
	if err := c.svc.AuditBatchTx(tx, recs); err != nil {
		return nil, err
	}
	if err := c.insertJournals(ctx, q, js); err != nil {
		return nil, err
	}
	// The lock rows go as unlock removes them; by their primary key, since
	// lockMany inserted every one of them for this batch.
	locked := make([]any, len(keys))
	for i, k := range keys {
		locked[i] = k
	}
	err = chunks(len(locked), maxParams, func(lo, hi int) error {
		_, err := q.ExecContext(ctx, c.d.rebind(`DELETE FROM rpkit_conversion_locks WHERE account IN (`+placeholders(hi-lo)+`)`), locked[lo:hi]...)
		if err != nil {
			return fmt.Errorf("migrate: unlock: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// noneJournaled fails with errBatch if any of ids is in the journal (a
// run of the same request, or a journal-mode run that began it): those
// rows need convertIn's answer.
func (c *Converter) noneJournaled(ctx context.Context, q Querier, ids []any) error {
	return chunks(len(ids), maxParams, func(lo, hi int) error {
		var n int
		err := q.QueryRowContext(ctx, c.d.rebind(`SELECT COUNT(*) FROM rpkit_conversions WHERE id IN (`+placeholders(hi-lo)+`)`), ids[lo:hi]...).Scan(&n)
		switch {
		case err != nil:
			return fmt.Errorf("migrate: journal read: %w", err)
		case n > 0:
			return errBatch
		}
		return nil
	})
}

// lockMany takes every row's lock rows, as lock does one row's. A key
// already taken — committed, or by a transaction that commits while this
// one waits on it — is skipped by the INSERT, and the batch fails with
// errBatch (one by one, that row is refused as in-flight).
func (c *Converter) lockMany(ctx context.Context, q Querier, reqs []Request, keys []string) error {
	holder := make([]string, 0, len(keys))
	for _, r := range reqs {
		holder = append(holder, r.ID, r.ID) // lockKeys' two keys, in order
	}
	return chunks(len(keys), maxParams/2, func(lo, hi int) error {
		args := make([]any, 0, 2*(hi-lo))
		for i := lo; i < hi; i++ {
			args = append(args, keys[i], holder[i])
		}
		rows, err := q.QueryContext(ctx, c.d.rebind(`INSERT INTO rpkit_conversion_locks (account, conversion_id) VALUES (?, ?)`+
			strings.Repeat(", (?, ?)", hi-lo-1)+` ON CONFLICT (account) DO NOTHING RETURNING account`), args...)
		if err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		if n != hi-lo {
			return errBatch
		}
		return nil
	})
}

// prefetch reads ahead, for every row, what prepareWith asks: the legacy
// accounts (when Config.Legacy can read many at once), rbac's holdings of
// each target, source and actor on each subsystem and the targets'
// accounts (when rbac's store is rbac/sqlstore), and the targets' row
// counts (when every mover can count many owners at once).
func (c *Converter) prefetch(ctx context.Context, q Querier, tx rbac.Tx, reqs []Request) (*prefetched, error) {
	pf := &prefetched{}
	var users []string
	for _, r := range reqs {
		if r.Kind == FromLegacy {
			users = append(users, r.From)
		}
	}
	if lb, ok := c.legacy.(legacyBatch); ok && len(users) > 0 {
		pf.legacy = make(map[string][]LegacyAccount, len(users))
		err := chunks(len(users), maxParams, func(lo, hi int) error {
			got, err := lb.accountsMany(ctx, q, users[lo:hi])
			for u, a := range got {
				pf.legacy[u] = a
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	// rbac: the same reads CanTx and the plan make, for every subsystem a
	// row's source holds (for a Vnconnect source, its memberships are
	// read by the plan itself).
	var keys []rbac.MembershipKey
	var accounts []string
	for _, r := range reqs {
		var subs []rbac.SubsystemID
		if accts, ok := pf.legacyOf(r.From); ok && r.Kind == FromLegacy {
			for _, a := range accts {
				subs = append(subs, a.Subsystem)
			}
		} else {
			subs = r.Subsystems
		}
		for _, s := range subs {
			from := r.From
			if r.Kind == FromLegacy {
				from = legacyKey(r.From)
			}
			keys = append(keys, rbac.MembershipKey{Account: r.To, Subsystem: s}, rbac.MembershipKey{Account: from, Subsystem: s},
				rbac.MembershipKey{Account: r.Actor, Subsystem: s})
		}
		if c.dir != nil {
			accounts = append(accounts, r.To)
		}
	}
	if _, err := sqlstore.Prefetch(tx, keys, accounts); err != nil {
		return nil, err
	}
	// The targets' rows, per set of subsystems.
	groups := map[string][]Request{}
	var order []string
	for _, r := range reqs {
		k := joinSubs(r.Subsystems)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	for _, m := range c.movers {
		if _, ok := m.(batchPlanner); !ok {
			return pf, nil
		}
	}
	pf.before = make(map[string]map[string]Counts, len(groups))
	for _, k := range order {
		rs := groups[k]
		per := make(map[string]Counts, len(rs))
		targets := make([]string, len(rs))
		for i, r := range rs {
			targets[i] = r.To
			per[r.To] = Counts{}
		}
		for _, m := range c.movers {
			got, err := m.(batchPlanner).planMany(ctx, q, targets, rs[0].Subsystems)
			if err != nil {
				return nil, err
			}
			for to, n := range got {
				for label, v := range n {
					per[to][m.Name()+":"+label] = v
				}
			}
		}
		pf.before[k] = per
	}
	return pf, nil
}
