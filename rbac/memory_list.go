package rbac

import (
	"slices"

	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// ListMemberships implements ReadTx. It walks each scope's subtree through
// the children index and the per-unit membership index, so its cost is the
// size of the scopes, not of the store.
func (s *memState) ListMemberships(q MembershipQuery) ([]Membership, error) {
	seen := map[MembershipKey]struct{}{}
	var keys []MembershipKey
	for _, sc := range q.Scopes {
		if _, ok := s.units[sc.Unit]; !ok {
			continue
		}
		stack := []UnitID{sc.Unit}
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for c := range s.children[u] {
				stack = append(stack, c)
			}
			for k := range s.byUnit[u] {
				if sc.Subsystem != "" && k.Subsystem != sc.Subsystem {
					continue
				}
				if q.After.Account != "" && cmpKey(k, q.After) <= 0 {
					continue
				}
				if _, dup := seen[k]; dup {
					continue
				}
				seen[k] = struct{}{}
				keys = append(keys, k)
			}
		}
	}
	slices.SortFunc(keys, cmpKey)
	var out []Membership
	for _, k := range keys {
		m := s.find(k)
		if !s.matches(m, &q) {
			continue
		}
		out = append(out, *m)
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

func (s *memState) matches(m *Membership, q *MembershipQuery) bool {
	switch {
	case q.State != "" && m.State != q.State,
		q.Locked != nil && m.Locked != *q.Locked,
		q.Group != "" && m.Group != q.Group,
		q.Review && m.Review == "":
		return false
	}
	if q.Role != "" && !slices.ContainsFunc(m.Roles, func(g RoleGrant) bool { return g.Role == q.Role }) {
		return false
	}
	if q.Name != "" && !vnid.NameContains(s.accounts[m.Account].FullName, q.Name) {
		return false
	}
	return true
}
