package rbac

// ruleView methods of memState: the hot path's reads, answered from the
// holders index and the unit numbers without copying or allocating.

var _ ruleView = (*memState)(nil)

func (s *memState) subsystemDef(id SubsystemID) (*Subsystem, error) {
	sub, ok := s.subsystems[id]
	if !ok {
		return nil, ErrNotFound
	}
	return sub, nil
}

// holding costs one map look-up: the account's holder.
func (s *memState) holding(account string, sub SubsystemID) (holding, error) {
	h := s.holders[account]
	out := holding{supers: h.superUnits}
	if sub == "" {
		return out, nil
	}
	for i := range h.ms {
		if r := &h.ms[i]; r.m.Subsystem == sub {
			out.m, out.at = &r.m, unitRef{r.m.Unit, r.unit}
			return out, nil
		}
	}
	return out, ErrNotFound
}
