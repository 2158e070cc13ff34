package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/rpkit-vn/rpkit/rbac"
)

// LegacyAccount is a username/password account on one subsystem, with the
// unit and user group it sits in there: the conversion's preconditions
// compare them with the target's rbac membership.
type LegacyAccount struct {
	Username     string
	Subsystem    rbac.SubsystemID
	Unit         rbac.UnitID
	Group        rbac.GroupID
	PasswordHash string
	// Disabled: the username/password can no longer log in.
	Disabled bool
	// ConvertedTo is the TechID the account was converted to, "" if none.
	ConvertedTo string
}

// LegacyAccounts is where the application keeps its username/password
// accounts. Every call runs inside the converter's transaction on q.
// SQLLegacy is the ready implementation.
type LegacyAccounts interface {
	// Accounts lists username's accounts, one per subsystem, ordered by
	// subsystem; none is not an error.
	Accounts(ctx context.Context, q Querier, username string) ([]LegacyAccount, error)
	// Disable disables username on subs and records the TechID it became.
	Disable(ctx context.Context, q Querier, username string, subs []rbac.SubsystemID, techID string) error
	// Enable undoes Disable exactly (Revert).
	Enable(ctx context.Context, q Querier, username string, subs []rbac.SubsystemID) error
}

// LegacyTable names the table and columns of SQLLegacy. Empty fields take
// the defaults of CreateLegacyTable's schema.
type LegacyTable struct {
	Name         string // "rpkit_legacy_accounts"
	Username     string // "username"
	Subsystem    string // "subsystem"
	Unit         string // "unit_id"
	Group        string // "group_id"
	PasswordHash string // "password_hash"
	Disabled     string // "disabled" (boolean)
	ConvertedTo  string // "converted_to" (nullable text)
}

// SQLLegacy is LegacyAccounts on a SQL table.
type SQLLegacy struct {
	d                                              Dialect
	table, user, sub, unit, group, hash, dis, conv string
}

var _ LegacyAccounts = (*SQLLegacy)(nil)

// NewSQLLegacy returns legacy accounts kept in t on dialect d.
func NewSQLLegacy(d Dialect, t LegacyTable) (*SQLLegacy, error) {
	if !d.valid() {
		return nil, invalid("unknown dialect %v", d)
	}
	def := func(v, dflt string) string {
		if v == "" {
			return dflt
		}
		return v
	}
	l := &SQLLegacy{d: d}
	for _, f := range []struct {
		dst     *string
		v, dflt string
	}{
		{&l.table, t.Name, "rpkit_legacy_accounts"}, {&l.user, t.Username, "username"}, {&l.sub, t.Subsystem, "subsystem"},
		{&l.unit, t.Unit, "unit_id"}, {&l.group, t.Group, "group_id"}, {&l.hash, t.PasswordHash, "password_hash"},
		{&l.dis, t.Disabled, "disabled"}, {&l.conv, t.ConvertedTo, "converted_to"},
	} {
		q, err := quoteIdent(def(f.v, f.dflt))
		if err != nil {
			return nil, err
		}
		*f.dst = q
	}
	return l, nil
}

// Accounts implements LegacyAccounts.
func (l *SQLLegacy) Accounts(ctx context.Context, q Querier, username string) ([]LegacyAccount, error) {
	rows, err := q.QueryContext(ctx, l.d.rebind("SELECT "+l.sub+", "+l.unit+", "+l.group+", "+l.hash+", "+l.dis+", "+l.conv+
		" FROM "+l.table+" WHERE "+l.user+" = ? ORDER BY "+l.sub), username)
	if err != nil {
		return nil, fmt.Errorf("migrate: legacy accounts: %w", err)
	}
	defer rows.Close()
	var out []LegacyAccount
	for rows.Next() {
		a := LegacyAccount{Username: username}
		var sub, unit, group string
		var hash, conv sql.NullString
		if err := rows.Scan(&sub, &unit, &group, &hash, &a.Disabled, &conv); err != nil {
			return nil, fmt.Errorf("migrate: legacy accounts: %w", err)
		}
		a.Subsystem, a.Unit, a.Group, a.PasswordHash, a.ConvertedTo = rbac.SubsystemID(sub), rbac.UnitID(unit), rbac.GroupID(group), hash.String, conv.String
		out = append(out, a)
	}
	return out, rows.Err()
}

func (l *SQLLegacy) set(ctx context.Context, q Querier, username string, subs []rbac.SubsystemID, disabled bool, conv any) error {
	if len(subs) == 0 {
		return nil
	}
	query, args := l.setStmt(username, subs, disabled, conv)
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("migrate: legacy update: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	return l.checkSet(username, subs, n)
}

// setStmt is set's UPDATE.
func (l *SQLLegacy) setStmt(username string, subs []rbac.SubsystemID, disabled bool, conv any) (string, []any) {
	args := []any{disabled, conv, username, !disabled}
	for _, s := range subs {
		args = append(args, string(s))
	}
	return l.d.rebind("UPDATE " + l.table + " SET " + l.dis + " = ?, " + l.conv + " = ? WHERE " + l.user + " = ? AND " +
		l.dis + " = ? AND " + l.sub + " IN (" + placeholders(len(subs)) + ")"), args
}

// checkSet fails unless set's UPDATE changed every subsystem's row.
func (l *SQLLegacy) checkSet(username string, subs []rbac.SubsystemID, n int64) error {
	if n != int64(len(subs)) {
		return conflict("legacy account %s: %d of %d subsystems were not in the expected state", username, int64(len(subs))-n, len(subs))
	}
	return nil
}

// Disable implements LegacyAccounts. It fails with ErrConflict unless every
// account was enabled.
func (l *SQLLegacy) Disable(ctx context.Context, q Querier, username string, subs []rbac.SubsystemID, techID string) error {
	if techID == "" {
		return errors.New("migrate: disable: empty TechID")
	}
	return l.set(ctx, q, username, subs, true, techID)
}

// Enable implements LegacyAccounts.
func (l *SQLLegacy) Enable(ctx context.Context, q Querier, username string, subs []rbac.SubsystemID) error {
	return l.set(ctx, q, username, subs, false, nil)
}

// legacyBatch is what the bulk path asks of a LegacyAccounts that can:
// the accounts of many usernames in one read, and the Disable of many
// rows, queued on the batch's pipe. SQLLegacy implements it.
type legacyBatch interface {
	accountsMany(p *pipe, usernames []string, out map[string][]LegacyAccount)
	disableQueued(p *pipe, username string, subs []rbac.SubsystemID, techID string)
}

var _ legacyBatch = (*SQLLegacy)(nil)

// accountsMany queues Accounts for each of usernames (at most a few
// hundred) as one query: when p is flushed, out maps every username to
// what Accounts would return.
func (l *SQLLegacy) accountsMany(p *pipe, usernames []string, out map[string][]LegacyAccount) {
	if len(usernames) == 0 {
		return
	}
	args := make([]any, len(usernames))
	for i, u := range usernames {
		args[i] = u
		out[u] = nil
	}
	p.query("legacy accounts", l.d.rebind("SELECT "+l.user+", "+l.sub+", "+l.unit+", "+l.group+", "+l.hash+", "+l.dis+", "+l.conv+
		" FROM "+l.table+" WHERE "+l.user+" IN ("+placeholders(len(usernames))+") ORDER BY "+l.user+", "+l.sub), args,
		func(rows pipeRows) error {
			for rows.Next() {
				var a LegacyAccount
				var sub, unit, group string
				var hash, conv sql.NullString
				if err := rows.Scan(&a.Username, &sub, &unit, &group, &hash, &a.Disabled, &conv); err != nil {
					return err
				}
				a.Subsystem, a.Unit, a.Group, a.PasswordHash, a.ConvertedTo = rbac.SubsystemID(sub), rbac.UnitID(unit), rbac.GroupID(group), hash.String, conv.String
				out[a.Username] = append(out[a.Username], a)
			}
			return nil
		})
}

// disableQueued queues Disable(username, subs, techID): the same UPDATE,
// the same check of its count.
func (l *SQLLegacy) disableQueued(p *pipe, username string, subs []rbac.SubsystemID, techID string) {
	if len(subs) == 0 {
		return
	}
	query, args := l.setStmt(username, subs, true, techID)
	p.exec("legacy update", query, args, func(n int64) error { return l.checkSet(username, subs, n) })
}
