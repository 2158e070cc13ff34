package rbac

import (
	"cmp"
	"slices"
	"strings"
)

// ReadTx methods of memState. Getters return the bare sentinel ErrNotFound:
// wrapping would allocate on the hot path, and callers test with errors.Is.

func (s *memState) Unit(id UnitID) (Unit, error) {
	u, ok := s.units[id]
	if !ok {
		return Unit{}, ErrNotFound
	}
	return u, nil
}

func (s *memState) Children(id UnitID) ([]Unit, error) {
	set := s.children[id]
	out := make([]Unit, 0, len(set))
	for c := range set {
		out = append(out, s.units[c])
	}
	slices.SortFunc(out, func(a, b Unit) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out, nil
}

func (s *memState) Subsystem(id SubsystemID) (Subsystem, error) {
	sub, ok := s.subsystems[id]
	if !ok {
		return Subsystem{}, ErrNotFound
	}
	return *sub, nil
}

func (s *memState) Subsystems() ([]Subsystem, error) {
	out := make([]Subsystem, 0, len(s.subsystems))
	for _, sub := range s.subsystems {
		out = append(out, *sub)
	}
	slices.SortFunc(out, func(a, b Subsystem) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out, nil
}

func (s *memState) Account(techID string) (Account, error) {
	a, ok := s.accounts[techID]
	if !ok {
		return Account{}, ErrNotFound
	}
	return a, nil
}

func (s *memState) Membership(account string, sub SubsystemID) (Membership, error) {
	m := s.find(MembershipKey{account, sub})
	if m == nil {
		return Membership{}, ErrNotFound
	}
	return *m, nil
}

func (s *memState) MembershipsOf(account string) ([]Membership, error) {
	h := s.holders[account]
	out := make([]Membership, len(h.ms))
	for i := range h.ms {
		out[i] = h.ms[i].m
	}
	return out, nil
}

func (s *memState) collect(set map[MembershipKey]struct{}) []Membership {
	out := make([]Membership, 0, len(set))
	for k := range set {
		out = append(out, *s.find(k))
	}
	slices.SortFunc(out, cmpMembership)
	return out
}

func cmpMembership(a, b Membership) int { return cmpKey(a.Key(), b.Key()) }

func cmpKey(a, b MembershipKey) int {
	return cmp.Or(strings.Compare(a.Account, b.Account), strings.Compare(string(a.Subsystem), string(b.Subsystem)))
}

func (s *memState) MembershipsIn(unit UnitID) ([]Membership, error) {
	return s.collect(s.byUnit[unit]), nil
}

func (s *memState) AdminsIn(unit UnitID) ([]Membership, error) {
	return s.collect(s.adminsBy[unit]), nil
}

func (s *memState) SuperAdmins(unit UnitID) ([]SuperAdmin, error) { return s.supersIn[unit], nil }

func (s *memState) SuperAdminsOf(account string) ([]SuperAdmin, error) {
	return s.holders[account].supers, nil
}

func (s *memState) SuperAdminRequest(id string) (SuperAdminRequest, error) {
	r, ok := s.requests[id]
	if !ok {
		return SuperAdminRequest{}, ErrNotFound
	}
	return r, nil
}

func (s *memState) SuperAdminRequests(state RequestState) ([]SuperAdminRequest, error) {
	var out []SuperAdminRequest
	for _, r := range s.requests {
		if state == "" || r.State == state {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b SuperAdminRequest) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

func (s *memState) LastAudit() (AuditEntry, error) {
	if len(s.audit) == 0 {
		return AuditEntry{}, ErrNotFound
	}
	return s.audit[len(s.audit)-1], nil
}

func (s *memState) Audit(after uint64, limit int) ([]AuditEntry, error) {
	// Seq n is at index n-1: the store only appends Seq last+1.
	if after >= uint64(len(s.audit)) {
		return nil, nil
	}
	rest := s.audit[after:]
	if limit > 0 && len(rest) > limit {
		rest = rest[:limit]
	}
	return slices.Clone(rest), nil
}
