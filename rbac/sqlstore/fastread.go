package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
)

// The rules' reads in one round trip each: rbac reads a store that does
// I/O through plain ReadTx calls, and asks these optional interfaces first
// so that a check (CanTx inside a conversion, Authorize) costs a handful of
// queries rather than one per unit of each ancestor walk.

var (
	_ rbac.Ancestry      = (*tx)(nil)
	_ rbac.HoldingReader = (*tx)(nil)
)

// Covers implements rbac.Ancestry with one query over the materialised
// paths. Its answer is the parent walk's (rbac's covers): anc == u, or anc
// is an ancestor of u at most 63 steps up. The one case the paths cannot
// answer — anc not stored, yet the parent named by u's topmost stored
// ancestor — falls back to the walk.
func (t *tx) Covers(anc, u rbac.UnitID) bool {
	if anc == "" || u == "" {
		return false
	}
	if anc == u {
		return true
	}
	key := [2]rbac.UnitID{anc, u}
	if ok, hit := t.reads.covers[key]; hit {
		return ok
	}
	ok, err := t.covers(anc, u)
	if err == nil {
		if t.reads.covers == nil {
			t.reads.covers = make(map[[2]rbac.UnitID]bool)
		}
		t.reads.covers[key] = ok
	}
	return ok
}

func (t *tx) covers(anc, u rbac.UnitID) (bool, error) {
	if ancPath, ok := t.reads.paths[anc]; ok {
		if uPath, ok := t.reads.paths[u]; ok {
			return coversPath(ancPath, uPath), nil
		}
	}
	type row struct{ id, path string }
	scan := func(r scanner) (x row, err error) { err = r.Scan(&x.id, &x.path); return }
	rows, err := queryAll(t.c, scan, `SELECT id, path FROM units WHERE id IN (?, ?)`, string(anc), string(u))
	if err != nil {
		return false, t.c.fail("ancestry of "+string(u), err)
	}
	var ancPath, uPath string
	var ancOK, uOK bool
	for _, r := range rows {
		switch rbac.UnitID(r.id) {
		case anc:
			ancPath, ancOK = r.path, true
		case u:
			uPath, uOK = r.path, true
		}
	}
	switch {
	case !uOK:
		return false, nil // the walk stops at once: u is not stored
	case !ancOK:
		return t.walkCovers(anc, u)
	}
	return coversPath(ancPath, uPath), nil
}

// coversPath is covers' answer for two stored units.
func coversPath(ancPath, uPath string) bool {
	if !strings.HasPrefix(uPath, ancPath) {
		return false
	}
	return strings.Count(uPath, "/")-strings.Count(ancPath, "/") < 64 // rbac's maxDepth
}

// walkCovers is rbac's parent walk, for the case Covers cannot answer from
// the paths.
func (t *tx) walkCovers(anc, u rbac.UnitID) (bool, error) {
	for range 64 {
		if u == anc {
			return true, nil
		}
		unit, err := t.Unit(u)
		if errors.Is(err, rbac.ErrNotFound) || (err == nil && unit.Parent == "") {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		u = unit.Parent
	}
	return false, nil
}

// Holding implements rbac.HoldingReader: SuperAdminsOf(account)'s units and
// Membership(account, sub) in one query.
func (t *tx) Holding(account string, sub rbac.SubsystemID) ([]rbac.UnitID, rbac.Membership, error) {
	key := holdKey{account, sub}
	if h, ok := t.reads.holds[key]; ok {
		return h.units, h.m, h.err
	}
	units, m, err := t.holding(account, sub)
	if err == nil || errors.Is(err, rbac.ErrNotFound) {
		if t.reads.holds == nil {
			t.reads.holds = make(map[holdKey]held)
		}
		t.reads.holds[key] = held{units, m, err}
	}
	return units, m, err
}

func (t *tx) holding(account string, sub rbac.SubsystemID) ([]rbac.UnitID, rbac.Membership, error) {
	op := fmt.Sprintf("membership %s on %s", account, sub)
	rows, err := t.c.query(`SELECT m.account, m.subsystem, m.unit, m.grp, m.state, m.locked, COALESCE(m.roles, '[]'),
			m.review, m.added_by, m.created_at, m.updated_at, s.unit
		FROM (SELECT CAST(? AS TEXT) AS account) k
		LEFT JOIN memberships m ON m.account = k.account AND m.subsystem = ?
		LEFT JOIN super_admins s ON s.account = k.account
		ORDER BY s.unit`, account, string(sub))
	if err != nil {
		return nil, rbac.Membership{}, t.c.fail(op, err)
	}
	defer rows.Close()
	var (
		units []rbac.UnitID
		m     rbac.Membership
		found bool
	)
	for rows.Next() {
		var unit string
		r, err := scanMembership(&nullRow{r: rows, extra: &unit})
		if err != nil {
			return nil, rbac.Membership{}, t.c.fail(op, err)
		}
		if unit != "" {
			units = append(units, rbac.UnitID(unit))
		}
		if r.Account != "" && !found {
			m, found = r, true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, rbac.Membership{}, t.c.fail(op, err)
	}
	if sub != "" && !found {
		return units, rbac.Membership{}, t.c.fail(op, sql.ErrNoRows)
	}
	return units, m, nil
}

// nullRow scans a row of a LEFT JOIN: a NULL leaves its destination at
// its zero value. extra receives one more column after the caller's.
type nullRow struct {
	r     scanner
	extra any
}

func (n *nullRow) Scan(dest ...any) error {
	dest = append(dest, n.extra)
	ptrs := make([]any, len(dest))
	for i, d := range dest {
		ptrs[i] = reflect.New(reflect.TypeOf(d)).Interface() // **T: nil on NULL
	}
	if err := n.r.Scan(ptrs...); err != nil {
		return err
	}
	for i, d := range dest {
		if p := reflect.ValueOf(ptrs[i]).Elem(); !p.IsNil() {
			reflect.ValueOf(d).Elem().Set(p.Elem())
		}
	}
	return nil
}

// readCache holds the answers above, and Subsystem's, for one transaction.
// The snapshot does not move, so an answer stays true until the
// transaction itself writes: PutSubsystem drops its subsystem, PutUnit the
// ancestry, and the membership and super-admin writes the holdings of
// their account. (Rows written through SQLTx's Querier are the
// application's own tables, never rbac's.)
type readCache struct {
	subs   map[rbac.SubsystemID]rbac.Subsystem
	covers map[[2]rbac.UnitID]bool
	holds  map[holdKey]held
	// paths are units' stored paths, read ahead by PrefetchReads (a unit
	// not there is asked for); PutUnit drops them with covers.
	paths map[rbac.UnitID]string
}

type holdKey struct {
	account string
	sub     rbac.SubsystemID
}

type held struct {
	units []rbac.UnitID
	m     rbac.Membership
	err   error
}

func (c *readCache) putSub(id rbac.SubsystemID, s rbac.Subsystem) {
	if c.subs == nil {
		c.subs = make(map[rbac.SubsystemID]rbac.Subsystem)
	}
	c.subs[id] = s
}

func (c *readCache) dropHolding(account string) {
	for k := range c.holds {
		if k.account == account {
			delete(c.holds, k)
		}
	}
}
