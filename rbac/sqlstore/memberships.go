package sqlstore

import (
	"database/sql"
	"fmt"

	"github.com/rpkit-vn/rpkit/rbac"
)

// A membership row holds its grants as JSON (Roles, exactly as put); the
// membership_roles table repeats the indexed parts of each grant for the
// queries that look inside them. Both are written together by
// PutMembership.

const memberCols = `m.account, m.subsystem, m.unit, m.grp, m.state, m.locked, m.roles, m.review, m.added_by, m.created_at, m.updated_at`

func scanMembership(r scanner) (rbac.Membership, error) {
	var m rbac.Membership
	var roles string
	var created, updated sql.NullInt64
	if err := r.Scan(&m.Account, (*string)(&m.Subsystem), (*string)(&m.Unit), (*string)(&m.Group), (*string)(&m.State),
		&m.Locked, &roles, &m.Review, &m.AddedBy, &created, &updated); err != nil {
		return m, err
	}
	m.CreatedAt, m.UpdatedAt = tsVal(created), tsVal(updated)
	return m, jsonVal(roles, &m.Roles)
}

func (t *tx) Membership(account string, sub rbac.SubsystemID) (rbac.Membership, error) {
	m, err := scanMembership(t.c.queryRow(`SELECT `+memberCols+` FROM memberships m WHERE m.account = ? AND m.subsystem = ?`,
		account, string(sub)))
	return m, t.c.fail(fmt.Sprintf("membership %s on %s", account, sub), err)
}

func (t *tx) MembershipsOf(account string) ([]rbac.Membership, error) {
	ms, err := queryAll(t.c, scanMembership, `SELECT `+memberCols+` FROM memberships m WHERE m.account = ? ORDER BY m.subsystem`, account)
	return ms, t.c.fail("memberships of "+account, err)
}

func (t *tx) MembershipsIn(unit rbac.UnitID) ([]rbac.Membership, error) {
	ms, err := queryAll(t.c, scanMembership, `SELECT `+memberCols+` FROM memberships m WHERE m.unit = ? ORDER BY m.account, m.subsystem`,
		string(unit))
	return ms, t.c.fail("memberships in "+string(unit), err)
}

func (t *tx) AdminsIn(unit rbac.UnitID) ([]rbac.Membership, error) {
	ms, err := queryAll(t.c, scanMembership, `SELECT `+memberCols+` FROM memberships m WHERE m.unit = ? AND m.is_admin
		ORDER BY m.account, m.subsystem`, string(unit))
	return ms, t.c.fail("admins in "+string(unit), err)
}

func isAdmin(m *rbac.Membership) bool {
	for _, g := range m.Roles {
		if g.Level >= 1 {
			return true
		}
	}
	return false
}

func (t *tx) PutMembership(m rbac.Membership) error {
	if m.Account == "" || m.Subsystem == "" {
		return fmt.Errorf("%w: membership without account or subsystem", rbac.ErrInvalid)
	}
	op := fmt.Sprintf("put membership %s on %s", m.Account, m.Subsystem)
	t.reads.dropHolding(m.Account)
	_, path, _, err := t.unitPath(m.Unit)
	if err != nil {
		return err
	}
	roles, err := jsonArg(m.Roles)
	if err != nil {
		return err
	}
	if _, err := t.c.exec(`INSERT INTO memberships (account, subsystem, unit, unit_path, grp, state, locked, is_admin,
			roles, review, added_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account, subsystem) DO UPDATE SET unit = excluded.unit, unit_path = excluded.unit_path,
			grp = excluded.grp, state = excluded.state, locked = excluded.locked, is_admin = excluded.is_admin,
			roles = excluded.roles, review = excluded.review, added_by = excluded.added_by,
			created_at = excluded.created_at, updated_at = excluded.updated_at`,
		m.Account, string(m.Subsystem), string(m.Unit), path, string(m.Group), string(m.State), m.Locked, isAdmin(&m),
		roles, m.Review, m.AddedBy, tsArg(m.CreatedAt), tsArg(m.UpdatedAt)); err != nil {
		return t.c.fail(op, err)
	}
	if _, err := t.c.exec(`DELETE FROM membership_roles WHERE account = ? AND subsystem = ?`, m.Account, string(m.Subsystem)); err != nil {
		return t.c.fail(op, err)
	}
	for i, g := range m.Roles {
		if _, err := t.c.exec(`INSERT INTO membership_roles (account, subsystem, pos, role, level, via_group, granted_by)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			m.Account, string(m.Subsystem), i, string(g.Role), int(g.Level), string(g.ViaGroup), g.GrantedBy); err != nil {
			return t.c.fail(op, err)
		}
	}
	return nil
}

func (t *tx) DeleteMembership(account string, sub rbac.SubsystemID) error {
	// membership_roles rows go by ON DELETE CASCADE.
	t.reads.dropHolding(account)
	res, err := t.c.exec(`DELETE FROM memberships WHERE account = ? AND subsystem = ?`, account, string(sub))
	if err != nil {
		return t.c.fail("delete membership", err)
	}
	return t.mustAffect(res, fmt.Sprintf("membership %s on %s", account, sub))
}

// mustAffect turns "no row changed" into rbac.ErrNotFound.
func (t *tx) mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return t.c.fail(what, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s", rbac.ErrNotFound, what)
	}
	return nil
}
