package sqlstore

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// Subsystems are small and read whole, so their roles and groups are kept
// as JSON rather than in tables of their own.

func scanSubsystem(r scanner) (rbac.Subsystem, error) {
	var s rbac.Subsystem
	var roles, groups string
	if err := r.Scan((*string)(&s.ID), &s.Name, &roles, &groups); err != nil {
		return s, err
	}
	if err := jsonVal(roles, &s.Roles); err != nil {
		return s, err
	}
	return s, jsonVal(groups, &s.Groups)
}

func (t *tx) Subsystem(id rbac.SubsystemID) (rbac.Subsystem, error) {
	if s, ok := t.reads.subs[id]; ok {
		return s, nil
	}
	s, err := scanSubsystem(t.c.queryRow(`SELECT id, name, roles_json, groups_json FROM subsystems WHERE id = ?`, string(id)))
	if err == nil {
		t.reads.putSub(id, s)
	}
	return s, t.c.fail("subsystem "+string(id), err)
}

func (t *tx) Subsystems() ([]rbac.Subsystem, error) {
	ss, err := queryAll(t.c, scanSubsystem, `SELECT id, name, roles_json, groups_json FROM subsystems ORDER BY id`)
	return ss, t.c.fail("subsystems", err)
}

func (t *tx) PutSubsystem(s rbac.Subsystem) error {
	if s.ID == "" {
		return fmt.Errorf("%w: subsystem without ID", rbac.ErrInvalid)
	}
	delete(t.reads.subs, s.ID)
	roles, err := jsonArg(s.Roles)
	if err != nil {
		return err
	}
	groups, err := jsonArg(s.Groups)
	if err != nil {
		return err
	}
	_, err = t.c.exec(`INSERT INTO subsystems (id, name, roles_json, groups_json) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, roles_json = excluded.roles_json, groups_json = excluded.groups_json`,
		string(s.ID), s.Name, roles, groups)
	return t.c.fail("put subsystem "+string(s.ID), err)
}

const accountCols = `tech_id, type, full_name, cccd, cmnd, phone, email, agency_code, tax_code, created_at, updated_at`

func scanAccount(r scanner) (rbac.Account, error) {
	var a rbac.Account
	var created, updated sql.NullInt64
	err := r.Scan(&a.TechID, &a.Type, &a.FullName, &a.CCCD, &a.CMND, &a.Phone, &a.Email, &a.AgencyCode, &a.TaxCode, &created, &updated)
	a.CreatedAt, a.UpdatedAt = tsVal(created), tsVal(updated)
	return a, err
}

func (t *tx) Account(techID string) (rbac.Account, error) {
	if a, ok := t.accounts[techID]; ok {
		return a, nil
	}
	a, err := scanAccount(t.c.queryRow(`SELECT `+accountCols+` FROM accounts WHERE tech_id = ?`, techID))
	return a, t.c.fail("account "+techID, err)
}

// foldedName is the searchable form of a full name; see name_folded in the
// schema and nameFilter.
func foldedName(full string) string { return " " + vnid.FoldName(full) }

func (t *tx) PutAccount(a rbac.Account) error {
	if a.TechID == "" {
		return fmt.Errorf("%w: account without TechID", rbac.ErrInvalid)
	}
	delete(t.accounts, a.TechID)
	_, err := t.c.exec(`INSERT INTO accounts (`+accountCols+`, name_folded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tech_id) DO UPDATE SET type = excluded.type, full_name = excluded.full_name,
			cccd = excluded.cccd, cmnd = excluded.cmnd, phone = excluded.phone, email = excluded.email,
			agency_code = excluded.agency_code, tax_code = excluded.tax_code,
			created_at = excluded.created_at, updated_at = excluded.updated_at, name_folded = excluded.name_folded`,
		a.TechID, a.Type, a.FullName, a.CCCD, a.CMND, a.Phone, a.Email, a.AgencyCode, a.TaxCode,
		tsArg(a.CreatedAt), tsArg(a.UpdatedAt), foldedName(a.FullName))
	if err != nil {
		return t.c.fail("put account "+a.TechID, err)
	}
	if t.c.d != Postgres {
		return nil
	}
	// The name search's word index (PostgreSQL; see member_name_words).
	if _, err := t.c.exec(`DELETE FROM member_name_words WHERE account = ?`, a.TechID); err != nil {
		return t.c.fail("put account "+a.TechID, err)
	}
	for _, w := range nameWords(foldedName(a.FullName)) {
		if _, err := t.c.exec(`INSERT INTO member_name_words (word, account) VALUES (?, ?)`, w, a.TechID); err != nil {
			return t.c.fail("put account "+a.TechID, err)
		}
	}
	return nil
}

// nameWords are the distinct words of a folded name as member_name_words
// holds them: the non-empty strings between its spaces (the migration
// splits name_folded the same way).
func nameWords(folded string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.Split(folded, " ") {
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}
