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

// HoldingReader is an optional ReadTx interface for stores that do I/O:
// Holding answers, in one round trip, what SuperAdminsOf(account) and (when
// sub is not "") Membership(account, sub) answer in two. superUnits are the
// units of SuperAdminsOf(account), in its order, filled whatever err is
// when the read itself succeeded; err is the membership's error (wrapping
// ErrNotFound when there is none). rbac/sqlstore implements it.
type HoldingReader interface {
	Holding(account string, sub SubsystemID) (superUnits []UnitID, m Membership, err error)
}

// viewOf returns tx as a ruleView. Wrapping allocates, but only for stores
// that do I/O anyway.
func viewOf(tx ReadTx) ruleView {
	if v, ok := tx.(ruleView); ok {
		return v
	}
	return &txView{ReadTx: tx}
}

// txView answers ruleView through plain ReadTx calls (and the optional
// HoldingReader and Ancestry when the store has them). A txView lives for
// one check, during which nothing is written, so it remembers what it read:
// a check asks about the same actor, subsystem and units more than once.
type txView struct {
	ReadTx
	def    *Subsystem
	defErr error
	holds  []heldRead
	covs   []coverRead
}

type heldRead struct {
	account string
	sub     SubsystemID
	h       holding
	err     error
}

type coverRead struct {
	anc, u UnitID
	ok     bool
}

func (v *txView) subsystemDef(id SubsystemID) (*Subsystem, error) {
	if v.def != nil && v.def.ID == id {
		return v.def, nil
	}
	s, err := v.Subsystem(id)
	if err != nil {
		return nil, err
	}
	if s.ID == id {
		v.def = &s
	}
	return &s, nil
}

func (v *txView) holding(account string, sub SubsystemID) (holding, error) {
	for i := range v.holds {
		if r := &v.holds[i]; r.account == account && r.sub == sub {
			return r.h, r.err
		}
	}
	h, err := v.readHolding(account, sub)
	v.holds = append(v.holds, heldRead{account, sub, h, err})
	return h, err
}

func (v *txView) readHolding(account string, sub SubsystemID) (holding, error) {
	var h holding
	if hr, ok := v.ReadTx.(HoldingReader); ok {
		units, m, err := hr.Holding(account, sub)
		h.supers = make([]unitRef, len(units))
		for i := range units {
			h.supers[i] = unitRef{units[i], -1}
		}
		if sub == "" {
			return h, nil // as below: a failed super-admin read counts as none
		}
		if err != nil {
			return h, err
		}
		h.m, h.at = &m, unitRef{m.Unit, -1}
		return h, nil
	}
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

func (v *txView) ref(id UnitID) unitRef { return unitRef{id, -1} }

func (v *txView) coversRef(anc, u unitRef) bool {
	for _, c := range v.covs {
		if c.anc == anc.id && c.u == u.id {
			return c.ok
		}
	}
	ok := covers(v.ReadTx, anc.id, u.id)
	v.covs = append(v.covs, coverRead{anc.id, u.id, ok})
	return ok
}
