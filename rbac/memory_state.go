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
	// The ancestry index: each unit ID ever stored gets a small number;
	// up[n] is the number of its parent (-1 for a root or a deleted unit).
	// Covers walks this slice instead of the units map: the hot path's
	// tree walk touches a few ints, not a few 200-byte map values.
	num map[UnitID]int32
	up  []int32

	subsystems map[SubsystemID]Subsystem
	accounts   map[string]Account

	members   map[MembershipKey]*Membership
	byAccount map[string][]SubsystemID // sorted
	byUnit    map[UnitID]map[MembershipKey]struct{}
	adminsBy  map[UnitID]map[MembershipKey]struct{}

	// Super admins, by account and by unit; each slice sorted and replaced
	// (never modified in place) on change, so readers may keep it.
	supersOf map[string][]SuperAdmin
	supersIn map[UnitID][]SuperAdmin

	requests map[string]SuperAdminRequest
	audit    []AuditEntry
}

func newMemState() *memState {
	return &memState{
		units:      map[UnitID]Unit{},
		children:   map[UnitID]map[UnitID]struct{}{},
		num:        map[UnitID]int32{},
		subsystems: map[SubsystemID]Subsystem{},
		accounts:   map[string]Account{},
		members:    map[MembershipKey]*Membership{},
		byAccount:  map[string][]SubsystemID{},
		byUnit:     map[UnitID]map[MembershipKey]struct{}{},
		adminsBy:   map[UnitID]map[MembershipKey]struct{}{},
		supersOf:   map[string][]SuperAdmin{},
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
	p := int32(-1)
	if u.Parent != "" {
		p = s.intern(u.Parent)
	}
	n := s.intern(u.ID) // before indexing: intern may grow s.up
	s.up[n] = p
}

// intern returns id's number, giving it one if it has none.
func (s *memState) intern(id UnitID) int32 {
	if n, ok := s.num[id]; ok {
		return n
	}
	n := int32(len(s.up))
	s.num[id] = n
	s.up = append(s.up, -1)
	return n
}

// Covers implements Ancestry: O(depth) over the ancestry index.
func (s *memState) Covers(anc, u UnitID) bool {
	if anc == "" || u == "" {
		return false
	}
	a, ok := s.num[anc]
	if !ok {
		return false
	}
	n, ok := s.num[u]
	if !ok {
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
		s.up[s.num[id]] = -1
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

// setMembership stores m (owned by the store from now on) and keeps the
// indexes in step.
func (s *memState) setMembership(m *Membership) {
	k := m.Key()
	if old, ok := s.members[k]; ok {
		delKey(s.byUnit, old.Unit, k)
		delKey(s.adminsBy, old.Unit, k)
	} else {
		subs := s.byAccount[k.Account]
		i, _ := slices.BinarySearch(subs, k.Subsystem)
		s.byAccount[k.Account] = slices.Insert(slices.Clip(subs), i, k.Subsystem)
	}
	s.members[k] = m
	addKey(s.byUnit, m.Unit, k)
	if isAdminMembership(m) {
		addKey(s.adminsBy, m.Unit, k)
	}
}

func (s *memState) delMembership(k MembershipKey) {
	old, ok := s.members[k]
	if !ok {
		return
	}
	delete(s.members, k)
	delKey(s.byUnit, old.Unit, k)
	delKey(s.adminsBy, old.Unit, k)
	subs := s.byAccount[k.Account]
	if i, found := slices.BinarySearch(subs, k.Subsystem); found {
		subs = slices.Delete(slices.Clone(subs), i, i+1)
	}
	if len(subs) == 0 {
		delete(s.byAccount, k.Account)
	} else {
		s.byAccount[k.Account] = subs
	}
}

// ---- super admins ----

func cmpSuperByUnit(a, b SuperAdmin) int    { return strings.Compare(string(a.Unit), string(b.Unit)) }
func cmpSuperByAccount(a, b SuperAdmin) int { return strings.Compare(a.Account, b.Account) }

// setSuper inserts or replaces the (Account, Unit) record, copying the
// slices so that readers holding the old ones are unaffected.
func (s *memState) setSuper(sa SuperAdmin) {
	s.supersOf[sa.Account] = upsertSorted(s.supersOf[sa.Account], sa, cmpSuperByUnit)
	s.supersIn[sa.Unit] = upsertSorted(s.supersIn[sa.Unit], sa, cmpSuperByAccount)
}

func (s *memState) delSuper(account string, unit UnitID) bool {
	of, ok1 := removeSorted(s.supersOf[account], SuperAdmin{Account: account, Unit: unit}, cmpSuperByUnit)
	in, ok2 := removeSorted(s.supersIn[unit], SuperAdmin{Account: account, Unit: unit}, cmpSuperByAccount)
	if !ok1 || !ok2 {
		return false
	}
	if len(of) == 0 {
		delete(s.supersOf, account)
	} else {
		s.supersOf[account] = of
	}
	if len(in) == 0 {
		delete(s.supersIn, unit)
	} else {
		s.supersIn[unit] = in
	}
	return true
}

func (s *memState) getSuper(account string, unit UnitID) (SuperAdmin, bool) {
	for _, sa := range s.supersOf[account] {
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
