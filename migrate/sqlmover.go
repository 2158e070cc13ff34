package migrate

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
)

// Table declares one place where the application keeps an account
// reference: Owner is the column holding the legacy username or the TechID.
type Table struct {
	Name  string // table, optionally "schema.table"
	Owner string // column with the account reference
	// Key is the primary-key column; "" means "id". Moved rows are
	// recorded by it for Revert.
	Key string
	// Subsystem, when set, is the column naming the row's subsystem; a
	// conversion limited to some subsystems then moves only their rows.
	Subsystem string
}

// label names the table in counts: "name.owner".
func (t Table) label() string { return t.Name + "." + t.Owner }

// sqlTable is a Table with its statements prepared once, identifiers
// validated and quoted.
type sqlTable struct {
	Table
	qName, qOwner, qKey, qSub string
}

// SQLMover moves ownership in plain tables: UPDATE t SET owner = to WHERE
// owner = from [AND subsystem IN (…)]. Identifiers are validated when the
// mover is built; values are always placeholders.
type SQLMover struct {
	name    string
	d       Dialect
	tables  []sqlTable
	maxKeys int
}

var _ Mover = (*SQLMover)(nil)

// NewSQLMover returns a mover named name over tables on dialect d.
func NewSQLMover(name string, d Dialect, tables ...Table) (*SQLMover, error) {
	if name == "" {
		return nil, invalid("mover needs a name")
	}
	if !d.valid() {
		return nil, invalid("unknown dialect %v", d)
	}
	if len(tables) == 0 {
		return nil, invalid("mover %s: no tables", name)
	}
	m := &SQLMover{name: name, d: d, maxKeys: 500}
	seen := map[string]bool{}
	for _, t := range tables {
		if t.Key == "" {
			t.Key = "id"
		}
		st := sqlTable{Table: t}
		var err error
		if st.qName, err = quoteIdent(t.Name); err != nil {
			return nil, err
		}
		if st.qOwner, err = quoteIdent(t.Owner); err != nil {
			return nil, err
		}
		if st.qKey, err = quoteIdent(t.Key); err != nil {
			return nil, err
		}
		if t.Subsystem != "" {
			if st.qSub, err = quoteIdent(t.Subsystem); err != nil {
				return nil, err
			}
		}
		if seen[t.label()] {
			return nil, invalid("mover %s: table %s declared twice", name, t.label())
		}
		seen[t.label()] = true
		m.tables = append(m.tables, st)
	}
	return m, nil
}

// Name implements Mover.
func (m *SQLMover) Name() string { return m.name }

// where returns the WHERE clause and its arguments for owner within s.
func (t *sqlTable) where(owner string, subs []rbac.SubsystemID) (string, []any) {
	w := t.qOwner + " = ?"
	args := []any{owner}
	if t.qSub != "" && len(subs) > 0 {
		w += " AND " + t.qSub + " IN (" + placeholders(len(subs)) + ")"
		for _, s := range subs {
			args = append(args, string(s))
		}
	}
	return w, args
}

// Plan implements Mover.
func (m *SQLMover) Plan(ctx context.Context, q Querier, s Scope) (Counts, error) {
	out := Counts{}
	for i := range m.tables {
		t := &m.tables[i]
		w, args := t.where(s.From, s.Subsystems)
		var n int64
		if err := q.QueryRowContext(ctx, m.d.rebind("SELECT COUNT(*) FROM "+t.qName+" WHERE "+w), args...).Scan(&n); err != nil {
			return nil, fmt.Errorf("migrate: count %s: %w", t.label(), err)
		}
		out[t.label()] = n
	}
	return out, nil
}

// Move implements Mover: one UPDATE … RETURNING per table.
func (m *SQLMover) Move(ctx context.Context, q Querier, s Scope) (Moved, error) {
	out := Moved{}
	for i := range m.tables {
		t := &m.tables[i]
		query, args := t.moveStmt(m.d, s)
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, fmt.Errorf("migrate: move %s: %w", t.label(), err)
		}
		mk, err := readMoved(rows)
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = rows.Err()
		}
		if err != nil {
			return nil, fmt.Errorf("migrate: move %s: %w", t.label(), err)
		}
		if len(mk.Keys) > 0 {
			out[t.label()] = mk
		}
	}
	return out, nil
}

// moveStmt is Move's UPDATE … RETURNING for t.
func (t *sqlTable) moveStmt(d Dialect, s Scope) (string, []any) {
	w, args := t.where(s.From, s.Subsystems)
	return d.rebind("UPDATE " + t.qName + " SET " + t.qOwner + " = ? WHERE " + w + " RETURNING " + t.qKey), append([]any{s.To}, args...)
}

// readMoved reads the keys an UPDATE … RETURNING returned.
func readMoved(rows pipeRows) (MovedKeys, error) {
	var mk MovedKeys
	first := true
	for rows.Next() {
		var v any
		if err := rows.Scan(&v); err != nil {
			return mk, err
		}
		k, isInt := keyString(v)
		if first {
			mk.Int, first = isInt, false
		}
		mk.Keys = append(mk.Keys, k)
	}
	return mk, nil
}

func keyString(v any) (string, bool) {
	switch k := v.(type) {
	case int64:
		return strconv.FormatInt(k, 10), true
	case int32:
		return strconv.FormatInt(int64(k), 10), true
	case []byte:
		return string(k), false
	case string:
		return k, false
	}
	return fmt.Sprint(v), false
}

// Restore implements Mover: the recorded keys go back to s.From, in
// batches; if fewer rows than recorded are still s.To's, it fails (the
// caller's transaction then rolls the whole revert back).
func (m *SQLMover) Restore(ctx context.Context, q Querier, s Scope, moved Moved) error {
	for i := range m.tables {
		t := &m.tables[i]
		mk, ok := moved[t.label()]
		if !ok {
			continue
		}
		for start := 0; start < len(mk.Keys); start += m.maxKeys {
			batch := mk.Keys[start:min(start+m.maxKeys, len(mk.Keys))]
			keys, err := keyArgs(mk, batch, t.label())
			if err != nil {
				return err
			}
			args := append([]any{s.From, s.To}, keys...)
			res, err := q.ExecContext(ctx, m.d.rebind("UPDATE "+t.qName+" SET "+t.qOwner+" = ? WHERE "+t.qOwner+" = ? AND "+
				t.qKey+" IN ("+placeholders(len(batch))+")"), args...)
			if err != nil {
				return fmt.Errorf("migrate: restore %s: %w", t.label(), err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != int64(len(batch)) {
				return conflict("%s: %d of %d moved rows are no longer the target's", t.label(), int64(len(batch))-n, len(batch))
			}
		}
	}
	return nil
}

// keyArgs converts recorded keys to query arguments.
func keyArgs(mk MovedKeys, batch []string, label string) ([]any, error) {
	out := make([]any, 0, len(batch))
	for _, k := range batch {
		if !mk.Int {
			out = append(out, k)
			continue
		}
		n, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("migrate: journal key %q of %s: %w", k, label, err)
		}
		out = append(out, n)
	}
	return out, nil
}

// Check implements Mover.
func (m *SQLMover) Check(ctx context.Context, q Querier, s Scope, moved Moved) (Counts, error) {
	out := Counts{}
	for i := range m.tables {
		t := &m.tables[i]
		mk, ok := moved[t.label()]
		if !ok {
			out[t.label()] = 0
			continue
		}
		var total int64
		for start := 0; start < len(mk.Keys); start += m.maxKeys {
			batch := mk.Keys[start:min(start+m.maxKeys, len(mk.Keys))]
			keys, err := keyArgs(mk, batch, t.label())
			if err != nil {
				return nil, err
			}
			var n int64
			if err := q.QueryRowContext(ctx, m.d.rebind("SELECT COUNT(*) FROM "+t.qName+" WHERE "+t.qOwner+" = ? AND "+t.qKey+
				" IN ("+placeholders(len(batch))+")"), append([]any{s.To}, keys...)...).Scan(&n); err != nil {
				return nil, fmt.Errorf("migrate: check %s: %w", t.label(), err)
			}
			total += n
		}
		out[t.label()] = total
	}
	return out, nil
}

// batchPlanner is what the bulk path asks of a Mover that can: Plan for
// many owners (at most a few hundred) within the same subsystems, and
// Move, each queued on the batch's pipe. SQLMover implements it.
type batchPlanner interface {
	planMany(p *pipe, owners []string, subs []rbac.SubsystemID, out map[string]Counts)
	moveQueued(p *pipe, s Scope, out Moved)
}

var _ batchPlanner = (*SQLMover)(nil)

// planMany queues, for every owner, what Plan(Scope{From: owner,
// Subsystems: subs}) returns: once p is flushed, out[owner] holds it. One
// query over all the tables (per few thousand owners).
func (m *SQLMover) planMany(p *pipe, owners []string, subs []rbac.SubsystemID, out map[string]Counts) {
	for _, o := range owners {
		c := Counts{}
		for i := range m.tables {
			c[m.tables[i].label()] = 0
		}
		out[o] = c
	}
	per := maxParams/len(m.tables) - 100 // room for the subsystems
	_ = chunks(len(owners), per, func(lo, hi int) error { m.countMany(p, owners[lo:hi], subs, out); return nil })
}

// countMany queues the fill of out (prepared by planMany) for owners:
// Plan's COUNT per table as a subquery per owner, each the same index
// look-up as Plan's (a GROUP BY over an IN list can be planned as a
// parallel scan, whose start-up alone costs more than the counts on a
// large table).
func (m *SQLMover) countMany(p *pipe, owners []string, subs []rbac.SubsystemID, out map[string]Counts) {
	var sb strings.Builder
	args := make([]any, 0, len(owners)+len(m.tables)*len(subs))
	sb.WriteString("WITH k (o) AS (VALUES (CAST(? AS TEXT))")
	sb.WriteString(strings.Repeat(", (?)", len(owners)-1))
	sb.WriteString(") SELECT k.o")
	for _, o := range owners {
		args = append(args, o)
	}
	for i := range m.tables {
		t := &m.tables[i]
		sb.WriteString(", (SELECT COUNT(*) FROM " + t.qName + " WHERE " + t.qOwner + " = k.o")
		if t.qSub != "" && len(subs) > 0 {
			sb.WriteString(" AND " + t.qSub + " IN (" + placeholders(len(subs)) + ")")
			for _, s := range subs {
				args = append(args, string(s))
			}
		}
		sb.WriteString(")")
	}
	sb.WriteString(" FROM k")
	p.query("count "+m.name, m.d.rebind(sb.String()), args, func(rows pipeRows) error {
		ns := make([]int64, len(m.tables))
		dest := make([]any, 1+len(m.tables))
		var o string
		dest[0] = &o
		for i := range ns {
			dest[1+i] = &ns[i]
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			if c, ok := out[o]; ok {
				for i := range m.tables {
					c[m.tables[i].label()] = ns[i]
				}
			}
		}
		return nil
	})
}

// moveQueued queues Move(s): the same UPDATE … RETURNING per table; once
// p is flushed, out holds what Move returns.
func (m *SQLMover) moveQueued(p *pipe, s Scope, out Moved) {
	for i := range m.tables {
		t := &m.tables[i]
		query, args := t.moveStmt(m.d, s)
		p.query("move "+t.label(), query, args, func(rows pipeRows) error {
			mk, err := readMoved(rows)
			if err == nil && len(mk.Keys) > 0 {
				out[t.label()] = mk
			}
			return err
		})
	}
}
