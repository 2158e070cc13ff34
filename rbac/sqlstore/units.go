package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
)

// Units form a tree through Parent; the store also keeps each unit's
// materialised path of surrogate ids ("/1/17/230/") so that a subtree is one
// index range. A unit whose parent does not exist (yet) is a root of its own
// ("/230/") until the parent is put, when it and its subtree are re-rooted.

const unitCols = `id, parent, code, code_kind, name, kind, state, merged_into, created_at, updated_at`

func scanUnit(r scanner) (rbac.Unit, error) {
	var u rbac.Unit
	var created, updated sql.NullInt64
	err := r.Scan((*string)(&u.ID), (*string)(&u.Parent), &u.Code, (*string)(&u.CodeKind), &u.Name,
		(*string)(&u.Kind), (*string)(&u.State), (*string)(&u.MergedInto), &created, &updated)
	u.CreatedAt, u.UpdatedAt = tsVal(created), tsVal(updated)
	return u, err
}

// subtreeRange returns the bounds [lo, hi) of the paths under path: they all
// start with path, which ends in '/', and '/' sorts just below '0'. A range
// (unlike LIKE 'p%') uses the btree index even in a generic plan.
func subtreeRange(path string) (lo, hi string) {
	return path, path[:len(path)-1] + "0"
}

func (t *tx) Unit(id rbac.UnitID) (rbac.Unit, error) {
	u, err := scanUnit(t.c.queryRow(`SELECT `+unitCols+` FROM units WHERE id = ?`, string(id)))
	return u, t.c.fail("unit "+string(id), err)
}

func (t *tx) Children(id rbac.UnitID) ([]rbac.Unit, error) {
	us, err := queryAll(t.c, scanUnit, `SELECT `+unitCols+` FROM units WHERE parent = ? ORDER BY id`, string(id))
	return us, t.c.fail("children of "+string(id), err)
}

// unitPath returns a unit's nid and path; ok is false when it does not exist.
func (t *tx) unitPath(id rbac.UnitID) (nid int64, path string, ok bool, err error) {
	err = t.c.queryRow(`SELECT nid, path FROM units WHERE id = ?`, string(id)).Scan(&nid, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", false, nil
	}
	if err != nil {
		return 0, "", false, t.c.fail("unit "+string(id), err)
	}
	return nid, path, true, nil
}

// parentPath is the path under which a child of parent goes: "/" for a
// root or for a parent not (yet) in the store.
func (t *tx) parentPath(parent rbac.UnitID) (string, error) {
	if parent == "" {
		return "/", nil
	}
	_, p, ok, err := t.unitPath(parent)
	if err != nil || !ok {
		return "/", err
	}
	return p, nil
}

func (t *tx) PutUnit(u rbac.Unit) error {
	if u.ID == "" {
		return fmt.Errorf("%w: unit without ID", rbac.ErrInvalid)
	}
	if u.Parent == u.ID {
		return fmt.Errorf("%w: unit %s is its own parent", rbac.ErrInvalid, u.ID)
	}
	t.reads.covers = nil // the tree may change shape
	t.reads.paths = nil
	pp, err := t.parentPath(u.Parent)
	if err != nil {
		return err
	}
	nid, oldPath, exists, err := t.unitPath(u.ID)
	if err != nil {
		return err
	}
	if exists {
		if _, err := t.c.exec(`UPDATE units SET parent = ?, code = ?, code_kind = ?, name = ?, kind = ?, state = ?,
			merged_into = ?, created_at = ?, updated_at = ? WHERE nid = ?`,
			string(u.Parent), u.Code, string(u.CodeKind), u.Name, string(u.Kind), string(u.State),
			string(u.MergedInto), tsArg(u.CreatedAt), tsArg(u.UpdatedAt), nid); err != nil {
			return t.c.fail("update unit "+string(u.ID), err)
		}
		newPath := pp + strconv.FormatInt(nid, 10) + "/"
		if newPath == oldPath {
			return nil
		}
		if strings.HasPrefix(pp, oldPath) {
			return fmt.Errorf("%w: moving unit %s under %s makes a cycle", rbac.ErrConflict, u.ID, u.Parent)
		}
		return t.rewritePaths(oldPath, newPath)
	}

	err = t.c.queryRow(`INSERT INTO units (id, parent, path, code, code_kind, name, kind, state, merged_into, created_at, updated_at)
		VALUES (?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING nid`,
		string(u.ID), string(u.Parent), u.Code, string(u.CodeKind), u.Name, string(u.Kind), string(u.State),
		string(u.MergedInto), tsArg(u.CreatedAt), tsArg(u.UpdatedAt)).Scan(&nid)
	if err != nil {
		return t.c.fail("insert unit "+string(u.ID), err)
	}
	path := pp + strconv.FormatInt(nid, 10) + "/"
	if _, err := t.c.exec(`UPDATE units SET path = ? WHERE nid = ?`, path, nid); err != nil {
		return t.c.fail("set unit path", err)
	}
	if _, err := t.c.exec(`UPDATE memberships SET unit_path = ? WHERE unit = ?`, path, string(u.ID)); err != nil {
		return t.c.fail("place memberships of "+string(u.ID), err)
	}
	return t.adoptOrphans(u.ID, path)
}

// adoptOrphans re-roots, under the unit just inserted at path, the units
// that named it as parent before it existed.
func (t *tx) adoptOrphans(id rbac.UnitID, path string) error {
	type orphan struct {
		nid  int64
		path string
	}
	scan := func(r scanner) (o orphan, err error) { err = r.Scan(&o.nid, &o.path); return }
	os, err := queryAll(t.c, scan, `SELECT nid, path FROM units WHERE parent = ?`, string(id))
	if err != nil {
		return t.c.fail("children of "+string(id), err)
	}
	for _, o := range os {
		if strings.HasPrefix(path, o.path) {
			return fmt.Errorf("%w: unit %s would be its own ancestor", rbac.ErrConflict, id)
		}
		if err := t.rewritePaths(o.path, path+strconv.FormatInt(o.nid, 10)+"/"); err != nil {
			return err
		}
	}
	return nil
}

// rewritePaths moves a subtree: every unit and membership path starting
// with oldPrefix starts with newPrefix instead. Its cost is the size of the
// subtree, paid on the rare move so that the frequent subtree read is a
// single range scan.
func (t *tx) rewritePaths(oldPrefix, newPrefix string) error {
	lo, hi := subtreeRange(oldPrefix)
	from := len(oldPrefix) + 1 // SQL substr is 1-based
	if _, err := t.c.exec(`UPDATE units SET path = CAST(? AS TEXT) || substr(path, CAST(? AS INTEGER))
		WHERE path >= ? AND path < ?`, newPrefix, from, lo, hi); err != nil {
		return t.c.fail("move unit paths", err)
	}
	if _, err := t.c.exec(`UPDATE memberships SET unit_path = CAST(? AS TEXT) || substr(unit_path, CAST(? AS INTEGER))
		WHERE unit_path >= ? AND unit_path < ?`, newPrefix, from, lo, hi); err != nil {
		return t.c.fail("move membership paths", err)
	}
	return nil
}
