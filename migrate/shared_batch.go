package migrate

import (
	"context"
	"errors"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

// A bulk batch on the shared path converts its rows in one rbac Update.
// convertBatch does what convertIn does for each row — lock rows, every
// precondition (CanTx among them) read in the transaction, the movers, the
// legacy credentials, the memberships, the audit entry, the journal row —
// but pays the per-row bookkeeping once per batch, and sends what does not
// depend on an earlier answer together (a pipe: one pgx.Batch, one round
// trip, on PostgreSQL): the journal check, the lock rows and the reads
// ahead of migrate (legacy accounts, the targets' row counts); rbac's
// reads ahead (sqlstore.PrefetchReads: holdings, accounts, subsystems,
// unit paths, the audit tail); then, once every row's preconditions hold,
// every row's movers' UPDATE … RETURNING and legacy UPDATE; the audit
// entries chained in Go and appended together; last the journal rows, the
// unlock and the row states.
//
// Anything that needs a row's own outcome — a journal row already there,
// an account in two rows, a row's actor converted by another row, a lock
// held elsewhere, a failed precondition — fails the batch; the caller
// rolls it back and runs its rows one by one through convertIn.

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
// caller's Update, or fails with errBatch or the first row's error. Its
// last statements (the journal rows, the unlock) are sent together with
// what finish queues on the same pipe.
func (c *Converter) convertBatch(ctx context.Context, q Querier, tx rbac.Tx, reqs []Request, finish func(p *pipe, out []*Conversion) error) ([]*Conversion, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	// Rows that share an account depend on each other's outcome; so would
	// a source named like another row's target (the movers match owners
	// by string), and a row whose actor another row converts (its rights
	// would change between the checks, which all come before the moves).
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
	for _, r := range reqs {
		if owners[r.Actor] {
			return nil, errBatch
		}
	}
	p := newPipe(ctx, q, tx)
	c.noneJournaled(p, ids)
	c.lockMany(p, reqs, keys)
	pf, err := c.prefetch(p, tx, reqs)
	if err != nil {
		return nil, err
	}
	// Every row's preconditions, in the transaction, before any row
	// moves: no row's checks read what another row changes (the guard
	// above).
	now := c.now()
	js := make([]*journalRow, len(reqs))
	for i, req := range reqs {
		plan, err := c.prepareWith(ctx, q, tx, req, false, false, pf)
		if err != nil {
			return nil, err
		}
		js[i] = &journalRow{Conversion: Conversion{ID: req.ID, Kind: req.Kind, From: req.From, To: req.To, Subsystems: req.Subsystems,
			Actor: req.Actor, Reason: req.Reason, Plan: plan, CreatedAt: now}}
	}
	// The movers' UPDATE … RETURNING and the legacy UPDATE of every row,
	// together when every one of them can be queued.
	if c.queueMoves(p, js) {
		if err := p.flush(); err != nil {
			return nil, err
		}
	} else {
		for _, j := range js {
			if err := c.moveRows(ctx, q, j); err != nil {
				return nil, err
			}
		}
	}
	recs := make([]rbac.AuditRecord, len(reqs))
	out := make([]*Conversion, len(reqs))
	for i, j := range js {
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
		out[i] = &j.Conversion
	}
	if err := c.svc.AuditBatchTx(tx, recs); err != nil {
		return nil, err
	}
	if err := c.insertJournals(p, js); err != nil {
		return nil, err
	}
	// The lock rows go as unlock removes them; by their primary key, since
	// lockMany inserted every one of them for this batch.
	locked := make([]any, len(keys))
	for i, k := range keys {
		locked[i] = k
	}
	_ = chunks(len(locked), maxParams, func(lo, hi int) error {
		p.exec("unlock", c.d.rebind(`DELETE FROM rpkit_conversion_locks WHERE account IN (`+placeholders(hi-lo)+`)`), locked[lo:hi], nil)
		return nil
	})
	if finish != nil {
		if err := finish(p, out); err != nil {
			return nil, err
		}
	}
	if err := p.flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// queueMoves queues moveRows of every row on p, and reports whether it
// could: every mover and the legacy store must be able to queue (else
// nothing is queued).
func (c *Converter) queueMoves(p *pipe, js []*journalRow) bool {
	for _, m := range c.movers {
		if _, ok := m.(batchPlanner); !ok {
			return false
		}
	}
	lb, legacyOK := c.legacy.(legacyBatch)
	for _, j := range js {
		if j.Kind == FromLegacy && len(j.Plan.Legacy) > 0 && !legacyOK {
			return false
		}
	}
	for _, j := range js {
		j.Moved = map[string]Moved{}
		for _, m := range c.movers {
			mv := Moved{}
			j.Moved[m.Name()] = mv
			m.(batchPlanner).moveQueued(p, j.scope(), mv)
		}
		if j.Kind == FromLegacy && len(j.Plan.Legacy) > 0 {
			lb.disableQueued(p, j.From, j.Plan.Legacy, j.To)
		}
	}
	return true
}

// noneJournaled queues the check that none of ids is in the journal (a
// run of the same request, or a journal-mode run that began it): if one
// is, the flush fails with errBatch, since those rows need convertIn's
// answer.
func (c *Converter) noneJournaled(p *pipe, ids []any) {
	_ = chunks(len(ids), maxParams, func(lo, hi int) error {
		p.query("journal read", c.d.rebind(`SELECT COUNT(*) FROM rpkit_conversions WHERE id IN (`+placeholders(hi-lo)+`)`), ids[lo:hi],
			func(rows pipeRows) error {
				var n int
				if !rows.Next() {
					return errors.New("no count")
				}
				if err := rows.Scan(&n); err != nil {
					return err
				}
				if n > 0 {
					return errBatch
				}
				return nil
			})
		return nil
	})
}

// lockMany queues the taking of every row's lock rows, as lock does one
// row's. A key already taken — committed, or by a transaction that
// commits while this one waits on it — is skipped by the INSERT, and the
// flush fails with errBatch (one by one, that row is refused as
// in-flight).
func (c *Converter) lockMany(p *pipe, reqs []Request, keys []string) {
	holder := make([]string, 0, len(keys))
	for _, r := range reqs {
		holder = append(holder, r.ID, r.ID) // lockKeys' two keys, in order
	}
	_ = chunks(len(keys), maxParams/2, func(lo, hi int) error {
		args := make([]any, 0, 2*(hi-lo))
		for i := lo; i < hi; i++ {
			args = append(args, keys[i], holder[i])
		}
		p.query("lock", c.d.rebind(`INSERT INTO rpkit_conversion_locks (account, conversion_id) VALUES (?, ?)`+
			strings.Repeat(", (?, ?)", hi-lo-1)+` ON CONFLICT (account) DO NOTHING RETURNING account`), args,
			func(rows pipeRows) error {
				n := 0
				for rows.Next() {
					n++
				}
				if n != hi-lo {
					return errBatch
				}
				return nil
			})
		return nil
	})
}

// prefetch reads ahead, for every row, what prepareWith asks: the legacy
// accounts (when Config.Legacy can read many at once) and the targets'
// row counts (when every mover can count many owners at once), sent with
// what p holds already; then rbac's holdings of each target, source and
// actor on each subsystem and the targets' accounts (when rbac's store is
// rbac/sqlstore).
func (c *Converter) prefetch(p *pipe, tx rbac.Tx, reqs []Request) (*prefetched, error) {
	pf := &prefetched{}
	var users []string
	for _, r := range reqs {
		if r.Kind == FromLegacy {
			users = append(users, r.From)
		}
	}
	if lb, ok := c.legacy.(legacyBatch); ok && len(users) > 0 {
		pf.legacy = make(map[string][]LegacyAccount, len(users))
		_ = chunks(len(users), maxParams, func(lo, hi int) error {
			lb.accountsMany(p, users[lo:hi], pf.legacy)
			return nil
		})
	}
	// The targets' rows, per set of subsystems.
	planners := true
	for _, m := range c.movers {
		if _, ok := m.(batchPlanner); !ok {
			planners = false
		}
	}
	type counted struct {
		key     string
		targets []string
		got     []map[string]Counts // per mover
	}
	var counts []*counted
	if planners {
		groups := map[string]*counted{}
		subsOf := map[string][]rbac.SubsystemID{}
		for _, r := range reqs {
			k := joinSubs(r.Subsystems)
			g, ok := groups[k]
			if !ok {
				g = &counted{key: k}
				groups[k], subsOf[k] = g, r.Subsystems
				counts = append(counts, g)
			}
			g.targets = append(g.targets, r.To)
		}
		for _, g := range counts {
			for _, m := range c.movers {
				got := map[string]Counts{}
				g.got = append(g.got, got)
				m.(batchPlanner).planMany(p, g.targets, subsOf[g.key], got)
			}
		}
	}
	if err := p.flush(); err != nil {
		return nil, err
	}
	if planners {
		pf.before = make(map[string]map[string]Counts, len(counts))
		for _, g := range counts {
			per := make(map[string]Counts, len(g.targets))
			for _, to := range g.targets {
				per[to] = Counts{}
			}
			for i, m := range c.movers {
				for to, n := range g.got[i] {
					for label, v := range n {
						per[to][m.Name()+":"+label] = v
					}
				}
			}
			pf.before[g.key] = per
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
	// With them, the audit tail AuditBatchTx reads: one round trip on
	// PostgreSQL.
	if _, err := sqlstore.PrefetchReads(tx, sqlstore.Reads{Holdings: keys, Accounts: accounts, AuditTail: true}); err != nil {
		return nil, err
	}
	return pf, nil
}
