package rbac

import "context"

// Authorize is the application's hot-path question: may actor use perm on
// subsystem sub for unit? It is yes when the actor is an operator, a super
// admin over the unit, or holds — on an active, open membership of sub
// whose unit covers unit — a role that carries perm. nil means yes; a
// refusal wraps ErrForbidden.
//
// With the memory store it costs two map look-ups (the actor, the unit)
// and an O(depth) integer walk, and allocates nothing when the answer is
// yes.
func (s *Service) Authorize(ctx context.Context, actor string, perm Permission, sub SubsystemID, unit UnitID) error {
	if s.fast != nil {
		tx := s.fast.AcquireRead()
		ok := s.authorized(tx, actor, perm, sub, unit)
		s.fast.ReleaseRead()
		if ok {
			return nil
		}
		return s.denyPerm(actor, perm, sub, unit)
	}
	return s.authorizeView(ctx, actor, perm, sub, unit)
}

func (s *Service) authorizeView(ctx context.Context, actor string, perm Permission, sub SubsystemID, unit UnitID) error {
	var ok bool
	if err := s.store.View(ctx, func(tx ReadTx) error {
		ok = s.authorized(tx, actor, perm, sub, unit)
		return nil
	}); err != nil {
		return err
	}
	if ok {
		return nil
	}
	return s.denyPerm(actor, perm, sub, unit)
}

func (s *Service) denyPerm(actor string, perm Permission, sub SubsystemID, unit UnitID) error {
	return &DeniedError{Actor: actor, Action: Action("use " + string(perm)), Target: "unit " + string(unit) + " on " + string(sub),
		Reason: "no role carrying the permission over the unit", Rule: RuleNoPermission}
}

func (s *Service) authorized(tx ReadTx, actor string, perm Permission, sub SubsystemID, unit UnitID) bool {
	if actor == "" {
		return false
	}
	if s.IsOperator(actor) {
		return true
	}
	v := viewOf(tx)
	at := v.ref(unit)
	h, err := v.holding(actor, sub)
	for _, su := range h.supers {
		if v.coversRef(su, at) {
			return true
		}
	}
	if sub == "" || err != nil {
		return false
	}
	m := h.m
	if m.State != Active || m.Locked || len(m.Roles) == 0 {
		return false
	}
	def, err := v.subsystemDef(sub)
	if err != nil {
		return false
	}
	has := false
	for i := range m.Roles {
		if r, ok := def.role(m.Roles[i].Role); ok {
			for _, p := range r.Permissions {
				if p == perm {
					has = true
					break
				}
			}
		}
		if has {
			break
		}
	}
	return has && v.coversRef(h.at, at)
}
