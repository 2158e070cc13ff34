package rbac

// maxDepth bounds every walk up the tree, so that a corrupted store (a
// cycle) cannot hang a check. Real trees are about 5 deep.
const maxDepth = 64

// covers reports whether anc is u or one of its ancestors. It walks parent
// pointers: O(depth), no allocation.
func covers(tx ReadTx, anc, u UnitID) bool {
	if a, ok := tx.(Ancestry); ok {
		return a.Covers(anc, u)
	}
	if anc == "" || u == "" {
		return false
	}
	for range maxDepth {
		if u == anc {
			return true
		}
		unit, err := tx.Unit(u)
		if err != nil || unit.Parent == "" {
			return false
		}
		u = unit.Parent
	}
	return false
}

// Ancestry is an optional ReadTx interface: a store that indexes the tree
// answers "is anc u or one of its ancestors?" itself (same meaning as
// walking Unit(u).Parent upwards; unknown units cover and are covered by
// nothing). The memory store implements it.
type Ancestry interface {
	Covers(anc, u UnitID) bool
}

// strictlyCovers reports whether anc is a proper ancestor of u.
func strictlyCovers(tx ReadTx, anc, u UnitID) bool {
	return anc != u && covers(tx, anc, u)
}

// liveUnit returns the unit if it exists and is live.
func liveUnit(tx ReadTx, id UnitID) (Unit, error) {
	u, err := tx.Unit(id)
	if err != nil {
		return Unit{}, notFoundErr(err, "unit "+string(id))
	}
	if !u.Live() {
		return Unit{}, conflict("unit %s was merged into %s", id, u.MergedInto)
	}
	return u, nil
}

// walkSubtree calls fn for root and every unit below it, depth first.
func walkSubtree(tx ReadTx, root UnitID, fn func(Unit) error) error {
	stack := []UnitID{root}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		u, err := tx.Unit(id)
		if err != nil {
			return err
		}
		if err := fn(u); err != nil {
			return err
		}
		kids, err := tx.Children(id)
		if err != nil {
			return err
		}
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, kids[i].ID)
		}
	}
	return nil
}
