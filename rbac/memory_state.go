package rbac

import (
	"slices"
	"strings"
)

// memState holds the data and its indexes. Its methods assume the caller
// holds MemoryStore.mu (read or write as appropriate).
type memState struct {
	units    map[UnitID]Unit
	children map[UnitID]map[UnitID]struct{}
	// The ancestry index: each unit ID ever seen gets a small number;
	// up[n] is the number of its parent, noParent for a root, unstored for
	// an ID that is not (or no longer) a stored unit. Cover tests walk this
	// slice: a few ints, not a few 200-byte map values.
	num map[UnitID]int32
	up  []int32

	// Definitions are stored behind pointers, replaced (never modified) on
	// change, so the rules can read them without copying.
	subsystems map[SubsystemID]*Subsystem
	accounts   map[string]Account

	// holders is everything per account the rules read: memberships (as
	// values) and super-admin records, one map look-up away. It replaces a
	// map keyed by (account, subsystem) pointing at heap copies: the hot
	// path paid for two hashes and three cache misses per membership.
	holders  map[string]holder
	byUnit   map[UnitID]map[MembershipKey]struct{}
	adminsBy map[UnitID]map[MembershipKey]struct{}

	// Super admins by unit; each slice sorted and replaced (never modified
	// in place) on change, so readers may keep it.
	supersIn map[UnitID][]SuperAdmin

	requests map[string]SuperAdminRequest
	audit    []AuditEntry
}

// holder is one account's share of the store.
type holder struct {
	ms []memRec // sorted by subsystem; modified in place under the write lock
	// supers is sorted by unit and replaced on change (SuperAdminsOf hands
	// it out); superUnits is its units as refs, in the same order.
	supers     []SuperAdmin
	superUnits []unitRef
}

func (h *holder) empty() bool { return len(h.ms) == 0 && len(h.supers) == 0 }

// memRec is a stored membership and its unit's number.
type memRec struct {
	m    Membership
	unit int32
}

// Values of up[n] that are not a parent's number.
const (
	noParent int32 = -1
	unstored int32 = -2
)

func newMemState() *memState {
	return &memState{
		units:      map[UnitID]Unit{},
		children:   map[UnitID]map[UnitID]struct{}{},
		num:        map[UnitID]int32{},
		subsystems: map[SubsystemID]*Subsystem{},
		accounts:   map[string]Account{},
		holders:    map[string]holder{},
		byUnit:     map[UnitID]map[MembershipKey]struct{}{},
		adminsBy:   map[UnitID]map[MembershipKey]struct{}{},
		supersIn:   map[UnitID][]SuperAdmin{},
		requests:   map[string]SuperAdminRequest{},
	}
}

// ---- units ----

func (s *memState) setUnit(u Unit) {
	if old, ok := s.units[u.ID]; ok && old.Parent != u.Parent {
		delete(s.children[old.Parent], u.ID)
	}
	s.units[u.ID] = u
	c := s.children[u.Parent]
	if c == nil {
		c = map[UnitID]struct{}{}
		s.children[u.Parent] = c
	}
	c[u.ID] = struct{}{}
	p := noParent
	if u.Parent != "" {
		p = s.intern(u.Parent)
	}
	n := s.intern(u.ID) // before indexing: intern may grow s.up
	s.up[n] = p
}

// intern returns id's number, giving it one if it has none. A new number
// is unstored until setUnit stores the unit.
func (s *memState) intern(id UnitID) int32 {
	if n, ok := s.num[id]; ok {
		return n
	}
	n := int32(len(s.up))
	s.num[id] = n
	s.up = append(s.up, unstored)
	return n
}

// unitNum is intern for a membership's unit: "" (no unit) has no number.
func (s *memState) unitNum(id UnitID) int32 {
	if id == "" {
		return -1
	}
	return s.intern(id)
}

// Covers implements Ancestry: O(depth) over the ancestry index.
func (s *memState) Covers(anc, u UnitID) bool { return s.coversRef(s.ref(anc), s.ref(u)) }

func (s *memState) ref(id UnitID) unitRef {
	n, ok := s.num[id]
	if !ok {
		n = -1
	}
	return unitRef{id, n}
}

// coversRef implements ruleView: unknown units cover and are covered by
// nothing, as Ancestry says.
func (s *memState) coversRef(anc, u unitRef) bool {
	a, n := anc.n, u.n
	if a < 0 || n < 0 || s.up[a] == unstored || s.up[n] == unstored {
		return false
	}
	for range maxDepth {
		if n == a {
			return true
		}
		if n = s.up[n]; n < 0 {
			return false
		}
	}
	return false
}

func (s *memState) delUnit(id UnitID) {
	if old, ok := s.units[id]; ok {
		delete(s.children[old.Parent], id)
		delete(s.units, id)
		s.up[s.num[id]] = unstored
	}
}

// ---- memberships ----

func isAdminMembership(m *Membership) bool {
	for _, g := range m.Roles {
		if g.Level >= 1 {
			return true
		}
	}
	return false
}

func addKey(idx map[UnitID]map[MembershipKey]struct{}, u UnitID, k MembershipKey) {
	set := idx[u]
	if set == nil {
		set = map[MembershipKey]struct{}{}
		idx[u] = set
	}
	set[k] = struct{}{}
}

func delKey(idx map[UnitID]map[MembershipKey]struct{}, u UnitID, k MembershipKey) {
	if set := idx[u]; set != nil {
		delete(set, k)
		if len(set) == 0 {
			delete(idx, u)
		}
	}
}

func cmpRecSub(r memRec, sub SubsystemID) int {
	return strings.Compare(string(r.m.Subsystem), string(sub))
}

// find returns the stored membership under k, or nil. The pointer is valid
// until the next write.
func (s *memState) find(k MembershipKey) *Membership {
	h := s.holders[k.Account]
	for i := range h.ms {
		if h.ms[i].m.Subsystem == k.Subsystem {
			return &h.ms[i].m
		}
	}
	return nil
}

// setMembership stores m (owned by the store from now on) and keeps the
// indexes in step.
func (s *memState) setMembership(m Membership) {
	k := m.Key()
	h := s.holders[k.Account]
	rec := memRec{m: m, unit: s.unitNum(m.Unit)}
	i, found := slices.BinarySearchFunc(h.ms, k.Subsystem, cmpRecSub)
	if found {
		old := &h.ms[i].m
		delKey(s.byUnit, old.Unit, k)
		delKey(s.adminsBy, old.Unit, k)
		h.ms[i] = rec
	} else {
		h.ms = slices.Insert(h.ms, i, rec)
	}
	s.holders[k.Account] = h
	addKey(s.byUnit, m.Unit, k)
	if isAdminMembership(&m) {
		addKey(s.adminsBy, m.Unit, k)
	}
}

func (s *memState) delMembership(k MembershipKey) {
	h := s.holders[k.Account]
	i, found := slices.BinarySearchFunc(h.ms, k.Subsystem, cmpRecSub)
	if !found {
		return
	}
	old := h.ms[i].m
	delKey(s.byUnit, old.Unit, k)
	delKey(s.adminsBy, old.Unit, k)
	h.ms = slices.Delete(h.ms, i, i+1)
	s.putHolder(k.Account, h)
}

// putHolder stores h, or drops it when it holds nothing.
func (s *memState) putHolder(account string, h holder) {
	if h.empty() {
		delete(s.holders, account)
		return
	}
	s.holders[account] = h
}

// ---- super admins ----

func cmpSuperByUnit(a, b SuperAdmin) int    { return strings.Compare(string(a.Unit), string(b.Unit)) }
func cmpSuperByAccount(a, b SuperAdmin) int { return strings.Compare(a.Account, b.Account) }

// setSuper inserts or replaces the (Account, Unit) record, copying the
// slices so that readers holding the old ones are unaffected.
func (s *memState) setSuper(sa SuperAdmin) {
	h := s.holders[sa.Account]
	s.setSupersOf(sa.Account, h, upsertSorted(h.supers, sa, cmpSuperByUnit))
	s.supersIn[sa.Unit] = upsertSorted(s.supersIn[sa.Unit], sa, cmpSuperByAccount)
}

// setSupersOf replaces account's super-admin records and their refs.
func (s *memState) setSupersOf(account string, h holder, supers []SuperAdmin) {
	h.supers = supers
	h.superUnits = make([]unitRef, len(supers))
	for i := range supers {
		h.superUnits[i] = unitRef{supers[i].Unit, s.unitNum(supers[i].Unit)}
	}
	s.putHolder(account, h)
}

func (s *memState) delSuper(account string, unit UnitID) bool {
	h := s.holders[account]
	of, ok1 := removeSorted(h.supers, SuperAdmin{Account: account, Unit: unit}, cmpSuperByUnit)
	in, ok2 := removeSorted(s.supersIn[unit], SuperAdmin{Account: account, Unit: unit}, cmpSuperByAccount)
	if !ok1 || !ok2 {
		return false
	}
	if len(of) == 0 {
		of = nil
	}
	s.setSupersOf(account, h, of)
	if len(in) == 0 {
		delete(s.supersIn, unit)
	} else {
		s.supersIn[unit] = in
	}
	return true
}

func (s *memState) getSuper(account string, unit UnitID) (SuperAdmin, bool) {
	for _, sa := range s.holders[account].supers {
		if sa.Unit == unit {
			return sa, true
		}
	}
	return SuperAdmin{}, false
}

func upsertSorted(list []SuperAdmin, v SuperAdmin, cmp func(a, b SuperAdmin) int) []SuperAdmin {
	i, found := slices.BinarySearchFunc(list, v, cmp)
	out := slices.Clone(list)
	if found {
		out[i] = v
		return out
	}
	return slices.Insert(out, i, v)
}

func removeSorted(list []SuperAdmin, v SuperAdmin, cmp func(a, b SuperAdmin) int) ([]SuperAdmin, bool) {
	i, found := slices.BinarySearchFunc(list, v, cmp)
	if !found {
		return list, false
	}
	return slices.Delete(slices.Clone(list), i, i+1), true
}
