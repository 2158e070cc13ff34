package rbac

// The delegation rules (check.go, authorize.go) read the store through
// ruleView rather than ReadTx, so that the memory store can answer the hot
// path's questions from compact indexes — one map look-up per account, unit
// numbers instead of unit IDs, integer parent walks — while the rules
// themselves stay written once. A ruleView only returns data; it decides
// nothing.

// unitRef names a unit for cover tests: its ID, and the store's dense
// number for it when the store has one (n < 0 otherwise). Resolving a
// UnitID to a number costs a map look-up; a ref taken from a membership
// costs nothing.
type unitRef struct {
	id UnitID
	n  int32
}

// holding is what an account holds, as the rules read it.
type holding struct {
	supers []unitRef   // the units it is super admin of
	m      *Membership // its membership of the subsystem asked for; nil if none
	at     unitRef     // m's unit
}

// ruleView is the read side the rules use. *memState implements it over
// its own indexes; any other ReadTx is wrapped by txView.
type ruleView interface {
	ReadTx
	// subsystemDef returns the stored definition, shared and read-only.
	subsystemDef(id SubsystemID) (*Subsystem, error)
	// holding returns account's super-admin units and, when sub is not
	// "", its membership of sub (shared and read-only, valid until the
	// transaction ends). err is the membership's read error (ErrNotFound
	// when there is none); the super-admin units are filled regardless.
	holding(account string, sub SubsystemID) (holding, error)
	// ref resolves a unit ID.
	ref(id UnitID) unitRef
	// coversRef reports whether anc is u or one of its ancestors.
	coversRef(anc, u unitRef) bool
}

// viewOf returns tx as a ruleView. Wrapping allocates, but only for stores
// that do I/O anyway.
func viewOf(tx ReadTx) ruleView {
	if v, ok := tx.(ruleView); ok {
		return v
	}
	return txView{tx}
}

// txView answers ruleView through plain ReadTx calls.
type txView struct{ ReadTx }

func (v txView) subsystemDef(id SubsystemID) (*Subsystem, error) {
	s, err := v.Subsystem(id)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func (v txView) holding(account string, sub SubsystemID) (holding, error) {
	var h holding
	supers, _ := v.SuperAdminsOf(account)
	h.supers = make([]unitRef, len(supers))
	for i := range supers {
		h.supers[i] = unitRef{supers[i].Unit, -1}
	}
	if sub == "" {
		return h, nil
	}
	m, err := v.Membership(account, sub)
	if err != nil {
		return h, err
	}
	h.m, h.at = &m, unitRef{m.Unit, -1}
	return h, nil
}

func (v txView) ref(id UnitID) unitRef { return unitRef{id, -1} }

func (v txView) coversRef(anc, u unitRef) bool { return covers(v.ReadTx, anc.id, u.id) }
