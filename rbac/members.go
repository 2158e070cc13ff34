package rbac

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// The user lifecycle on a subsystem, as the platform's guidance has it:
// search Vnconnect → save (Chưa kích hoạt) → Kích hoạt → Thay đổi đơn vị →
// Gán quyền; Khóa / Mở; remove. Each call re-checks the actor's rights in
// the transaction that writes, and audits.

// AddRequest is "Thêm mới từ Vnconnect": look the person or organisation up
// and save it to a subsystem, pending activation.
type AddRequest struct {
	Subsystem SubsystemID
	Unit      UnitID
	// Query finds the account on Vnconnect: CCCD/CMND, phone, name, agency
	// code or tax code.
	Query vnconnect.Query
	// TechID picks one of the results; it may be empty when exactly one
	// account matches.
	TechID string
	// Reason is written to the audit entry of the add and of each initial
	// setting below.
	Reason string

	// Initial settings, the "Thêm mới" screens' status and group choosers.
	// Each is applied as a step of its own — with exactly the rights check,
	// state check and audit entry of the Service method named — but inside
	// the transaction that adds the account, in the order listed, after the
	// add. If any step is refused, Add fails with that step's error (the
	// one the separate call would return: a *DeniedError naming its action,
	// ErrConflict, ErrInvalid…) and nothing is saved: no account, no
	// membership, no audit entry. Left zero, Add only saves, pending.

	// Activate also activates the membership (Activate: ActActivate, Kích
	// hoạt).
	Activate bool
	// Group also puts the membership in this user group (SetGroup:
	// ActSetGroup with Target.Group). A group that carries a role is a
	// grant of that role, checked and levelled as SetGroup checks and
	// levels it, and needs Activate. "" leaves the membership in no group.
	Group GroupID
	// Lock also locks the membership (Lock: ActLock, Khóa); with Activate,
	// the account is saved active but locked.
	Lock bool
}

func memberTarget(account string, sub SubsystemID) string {
	return "membership:" + account + "/" + string(sub)
}

// Search looks accounts up on Vnconnect for an admin about to add one. Only
// operators and admins may search.
func (s *Service) Search(ctx context.Context, actor string, q vnconnect.Query) ([]*vnconnect.Identity, error) {
	if s.dir == nil {
		return nil, invalid("no Vnconnect directory configured")
	}
	if err := s.store.View(ctx, func(tx ReadTx) error {
		if s.IsOperator(actor) || s.isAnyAdmin(tx, actor) {
			return nil
		}
		return deny(actor, "search", Target{}, RuleNotAdmin, "only admins search Vnconnect")
	}); err != nil {
		return nil, err
	}
	return s.dir.Search(ctx, q)
}

// isAnyAdmin reports whether actor holds any power at all.
func (s *Service) isAnyAdmin(tx ReadTx, actor string) bool {
	if actor == "" {
		return false
	}
	if supers, _ := tx.SuperAdminsOf(actor); len(supers) > 0 {
		return true
	}
	ms, _ := tx.MembershipsOf(actor)
	for i := range ms {
		if ms[i].State == Active && !ms[i].Locked {
			if _, ok := adminLevel(tx, &ms[i]); ok {
				return true
			}
		}
	}
	return false
}

// Add finds the account on Vnconnect and saves it to the subsystem in the
// unit, pending. Only accounts the directory returns can be added. The
// request's initial settings (Activate, Group, Lock) are applied in the
// same transaction, all or nothing; the membership returned is the final
// one.
func (s *Service) Add(ctx context.Context, actor string, req AddRequest) (Membership, error) {
	if s.dir == nil {
		return Membership{}, invalid("no Vnconnect directory configured")
	}
	if req.Reason == "" {
		return Membership{}, invalid("a reason is required")
	}
	// Refuse before asking Vnconnect anything on behalf of someone with no
	// power here; the full check runs again in the transaction.
	if err := s.CanAddTo(ctx, actor, req.Subsystem, req.Unit); err != nil {
		return Membership{}, err
	}
	found, err := s.dir.Search(ctx, req.Query)
	if err != nil {
		if errors.Is(err, vnconnect.ErrInvalidQuery) {
			return Membership{}, invalid("%v", err)
		}
		return Membership{}, err
	}
	id, err := pickIdentity(found, req.TechID)
	if err != nil {
		return Membership{}, err
	}
	var out Membership
	err = s.update(ctx, req.Reason, func(tx Tx) error {
		t := Target{Account: id.TechID, Subsystem: req.Subsystem, Unit: req.Unit}
		if err := s.can(tx, actor, ActAdd, t); err != nil {
			return err
		}
		if _, err := liveUnit(tx, req.Unit); err != nil {
			return err
		}
		if _, err := tx.Membership(id.TechID, req.Subsystem); err == nil {
			return newPublic(ErrAlreadyMember, "%s is already on %s", id.TechID, req.Subsystem)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		now := s.now()
		acc := accountFrom(id, now)
		if old, err := tx.Account(id.TechID); err == nil {
			acc.CreatedAt = old.CreatedAt
		}
		if err := tx.PutAccount(acc); err != nil {
			return err
		}
		out = Membership{Account: id.TechID, Subsystem: req.Subsystem, Unit: req.Unit, State: Pending,
			AddedBy: actor, CreatedAt: now, UpdatedAt: now}
		if err := tx.PutMembership(out); err != nil {
			return err
		}
		if err := s.audit(tx, now, actor, ActAdd, memberTarget(id.TechID, req.Subsystem), req.Reason,
			map[string]string{"unit": string(req.Unit), "name": acc.FullName}); err != nil {
			return err
		}
		m, err := s.addSettings(tx, actor, out, req)
		out = m
		return err
	})
	if err != nil {
		return Membership{}, err
	}
	return out, nil
}

// addSettings applies req's initial settings to m, just added in tx: each
// one is the step its own method runs (memberStep, same action, target
// and change), so a setting made at add time is checked and audited
// exactly as one made afterwards.
func (s *Service) addSettings(tx Tx, actor string, m Membership, req AddRequest) (Membership, error) {
	t := Target{Account: m.Account, Subsystem: m.Subsystem}
	var err error
	if req.Activate {
		if m, err = s.memberStep(tx, actor, ActActivate, t, req.Reason, activate); err != nil {
			return m, err
		}
	}
	if req.Group != "" {
		gt := t
		gt.Group = req.Group
		if m, err = s.memberStep(tx, actor, ActSetGroup, gt, req.Reason, s.setGroup(actor, m.Subsystem, req.Group)); err != nil {
			return m, err
		}
	}
	if req.Lock {
		if m, err = s.memberStep(tx, actor, ActLock, t, req.Reason, lock); err != nil {
			return m, err
		}
	}
	return m, nil
}

func pickIdentity(found []*vnconnect.Identity, techID string) (*vnconnect.Identity, error) {
	var match []*vnconnect.Identity
	for _, id := range found {
		if id != nil && id.TechID != "" && (techID == "" || id.TechID == techID) {
			match = append(match, id)
		}
	}
	switch {
	case len(match) == 0 && techID != "":
		return nil, notFound("account %s is not among the Vnconnect results", techID)
	case len(match) == 0:
		return nil, notFound("no Vnconnect account matches")
	case len(match) > 1:
		return nil, conflict("%d Vnconnect accounts match; pick one by TechID", len(match))
	}
	return match[0], nil
}

func accountFrom(id *vnconnect.Identity, now time.Time) Account {
	a := Account{TechID: id.TechID, Type: int(id.AccountType), FullName: id.FullName, CMND: string(id.CMND),
		Phone: string(id.Phone), Email: id.Email, CreatedAt: now, UpdatedAt: now}
	if a.FullName == "" {
		a.FullName = id.EnterpriseName
	}
	if id.CCCD != nil {
		a.CCCD = id.CCCD.Number
	}
	if id.AgencyCode != nil {
		a.AgencyCode = id.AgencyCode.String()
	}
	if id.TaxCode != nil {
		a.TaxCode = id.TaxCode.String()
	}
	return a
}

// memberOp runs one membership mutation: check, change, write, audit.
func (s *Service) memberOp(ctx context.Context, actor string, action Action, t Target, reason string, change memberChange) (Membership, error) {
	var out Membership
	err := s.update(ctx, reason, func(tx Tx) error {
		var err error
		out, err = s.memberStep(tx, actor, action, t, reason, change)
		return err
	})
	return out, err
}

// memberChange is one membership mutation's change: it edits *m (a copy
// the caller may keep) and returns the audit entry's details, or refuses.
type memberChange func(tx Tx, m *Membership, now time.Time) (map[string]string, error)

// memberStep is memberOp's body, inside a transaction the caller holds:
// check, change, write, audit.
func (s *Service) memberStep(tx Tx, actor string, action Action, t Target, reason string, change memberChange) (Membership, error) {
	if err := s.can(tx, actor, action, t); err != nil {
		return Membership{}, err
	}
	m, err := tx.Membership(t.Account, t.Subsystem)
	if err != nil {
		return Membership{}, notFoundErr(err, memberTarget(t.Account, t.Subsystem))
	}
	m.Roles = slices.Clone(m.Roles) // the store's slice is read-only
	now := s.now()
	details, err := change(tx, &m, now)
	if err != nil {
		return Membership{}, err
	}
	m.UpdatedAt = now
	if err := tx.PutMembership(m); err != nil {
		return Membership{}, err
	}
	if err := s.audit(tx, now, actor, action, memberTarget(t.Account, t.Subsystem), reason, details); err != nil {
		return Membership{}, err
	}
	return m, nil
}

// Activate moves a pending membership to active (Kích hoạt).
func (s *Service) Activate(ctx context.Context, actor, account string, sub SubsystemID, reason string) (Membership, error) {
	return s.memberOp(ctx, actor, ActActivate, Target{Account: account, Subsystem: sub}, reason, activate)
}

func activate(_ Tx, m *Membership, _ time.Time) (map[string]string, error) {
	if m.State != Pending {
		return nil, conflict("membership is %s, not pending", m.State)
	}
	m.State = Active
	return nil, nil
}

// Lock locks a membership (Khóa): it keeps its roles but has no power and no
// permission until opened.
func (s *Service) Lock(ctx context.Context, actor, account string, sub SubsystemID, reason string) (Membership, error) {
	return s.memberOp(ctx, actor, ActLock, Target{Account: account, Subsystem: sub}, reason, lock)
}

func lock(_ Tx, m *Membership, _ time.Time) (map[string]string, error) {
	if m.Locked {
		return nil, conflict("already locked")
	}
	m.Locked = true
	return nil, nil
}

// Open unlocks a membership (Mở).
func (s *Service) Open(ctx context.Context, actor, account string, sub SubsystemID, reason string) (Membership, error) {
	return s.memberOp(ctx, actor, ActOpen, Target{Account: account, Subsystem: sub}, reason,
		func(_ Tx, m *Membership, _ time.Time) (map[string]string, error) {
			if !m.Locked {
				return nil, conflict("not locked")
			}
			m.Locked = false
			return nil, nil
		})
}

// ChangeUnit moves a membership to another unit (Thay đổi đơn vị). The
// actor needs rights over both the old and the new unit.
func (s *Service) ChangeUnit(ctx context.Context, actor, account string, sub SubsystemID, unit UnitID, reason string) (Membership, error) {
	return s.memberOp(ctx, actor, ActChangeUnit, Target{Account: account, Subsystem: sub, Unit: unit}, reason,
		func(tx Tx, m *Membership, _ time.Time) (map[string]string, error) {
			u, err := liveUnit(tx, unit)
			if err != nil {
				return nil, err
			}
			if m.Unit == unit {
				return nil, conflict("already in unit %s", unit)
			}
			// A role limited to some kinds of unit does not travel to others.
			if err := checkKinds(tx, m, u); err != nil {
				return nil, err
			}
			from := m.Unit
			m.Unit = unit
			return map[string]string{"from": string(from), "to": string(unit)}, nil
		})
}

func checkKinds(tx ReadTx, m *Membership, u Unit) error {
	def, err := tx.Subsystem(m.Subsystem)
	if err != nil {
		return notFoundErr(err, "subsystem "+string(m.Subsystem))
	}
	for _, g := range m.Roles {
		if r, ok := def.role(g.Role); ok && len(r.UnitKinds) > 0 && !slices.Contains(r.UnitKinds, u.Kind) {
			return conflict("role %s is not held in a unit of kind %s; revoke it first", g.Role, u.Kind)
		}
	}
	return nil
}

// SetGroup puts a membership in a user group ("" to take it out). A group
// that carries a role grants it at the level just below the actor's; the
// roles the old group carried go with it.
func (s *Service) SetGroup(ctx context.Context, actor, account string, sub SubsystemID, group GroupID, reason string) (Membership, error) {
	return s.memberOp(ctx, actor, ActSetGroup, Target{Account: account, Subsystem: sub, Group: group}, reason,
		s.setGroup(actor, sub, group))
}

// setGroup is SetGroup's change.
func (s *Service) setGroup(actor string, sub SubsystemID, group GroupID) memberChange {
	return func(tx Tx, m *Membership, now time.Time) (map[string]string, error) {
		if m.Group == group {
			return nil, conflict("already in group %q", group)
		}
		def, err := tx.Subsystem(sub)
		if err != nil {
			return nil, err
		}
		old := m.Group
		m.Roles = slices.DeleteFunc(m.Roles, func(g RoleGrant) bool { return old != "" && g.ViaGroup == old })
		m.Group = group
		details := map[string]string{"from": string(old), "to": string(group)}
		if g, ok := def.group(group); ok && g.Role != "" {
			if m.State != Active {
				return nil, conflict("activate the membership before putting it in group %s", group)
			}
			lvl := LevelNone
			if !s.IsOperator(actor) {
				mine, _ := power(tx, actor, sub, m.Unit)
				lvl = groupLevel(&def, g, mine)
			} else {
				lvl = groupLevel(&def, g, LevelSuper)
			}
			m.Roles = append(m.Roles, RoleGrant{Role: g.Role, Level: lvl, ViaGroup: group, GrantedBy: actor, GrantedAt: now})
			details["role"], details["level"] = string(g.Role), itoa(int(lvl))
		}
		return details, nil
	}
}

// Grant gives a role (Gán quyền). For an admin role, level is the admin
// level granted, strictly below the actor's; for other roles it is ignored.
// Re-granting a held role replaces its level.
func (s *Service) Grant(ctx context.Context, actor, account string, sub SubsystemID, role RoleID, level Level, reason string) (Membership, error) {
	return s.memberOp(ctx, actor, ActGrant, Target{Account: account, Subsystem: sub, Role: role, Level: level}, reason,
		func(tx Tx, m *Membership, now time.Time) (map[string]string, error) {
			if m.State != Active {
				return nil, conflict("activate the membership before granting roles")
			}
			def, err := tx.Subsystem(sub)
			if err != nil {
				return nil, err
			}
			r, _ := def.role(role)
			if !r.Admin {
				level = LevelNone
			}
			g := RoleGrant{Role: role, Level: level, GrantedBy: actor, GrantedAt: now}
			if i := slices.IndexFunc(m.Roles, func(x RoleGrant) bool { return x.Role == role && x.ViaGroup == "" }); i >= 0 {
				if m.Roles[i].Level == level {
					return nil, conflict("already holds %s", role)
				}
				m.Roles[i] = g
			} else {
				m.Roles = append(m.Roles, g)
			}
			return map[string]string{"role": string(role), "level": itoa(int(level))}, nil
		})
}

// Revoke takes a role away (including one that came with a group: the
// membership stays in the group without it).
func (s *Service) Revoke(ctx context.Context, actor, account string, sub SubsystemID, role RoleID, reason string) (Membership, error) {
	return s.memberOp(ctx, actor, ActRevoke, Target{Account: account, Subsystem: sub, Role: role}, reason,
		func(_ Tx, m *Membership, _ time.Time) (map[string]string, error) {
			n := len(m.Roles)
			m.Roles = slices.DeleteFunc(m.Roles, func(g RoleGrant) bool { return g.Role == role })
			if len(m.Roles) == n {
				return nil, conflict("does not hold %s", role)
			}
			return map[string]string{"role": string(role)}, nil
		})
}

// ClearReview clears the review flag a partial merge put on a membership.
func (s *Service) ClearReview(ctx context.Context, actor, account string, sub SubsystemID, reason string) (Membership, error) {
	return s.memberOp(ctx, actor, ActClearReview, Target{Account: account, Subsystem: sub}, reason,
		func(_ Tx, m *Membership, _ time.Time) (map[string]string, error) {
			if m.Review == "" {
				return nil, conflict("not flagged for review")
			}
			was := m.Review
			m.Review = ""
			return map[string]string{"review": was}, nil
		})
}

// Remove takes the account off the subsystem, with all its roles. Adding
// it again starts from pending with no roles: nothing comes back.
func (s *Service) Remove(ctx context.Context, actor, account string, sub SubsystemID, reason string) error {
	return s.update(ctx, reason, func(tx Tx) error {
		t := Target{Account: account, Subsystem: sub}
		if err := s.can(tx, actor, ActRemove, t); err != nil {
			return err
		}
		m, err := tx.Membership(account, sub)
		if err != nil {
			return notFoundErr(err, memberTarget(account, sub))
		}
		if err := tx.DeleteMembership(account, sub); err != nil {
			return err
		}
		roles := ""
		for i, g := range m.Roles {
			if i > 0 {
				roles += ","
			}
			roles += string(g.Role) + "@" + itoa(int(g.Level))
		}
		return s.audit(tx, s.now(), actor, ActRemove, memberTarget(account, sub), reason,
			map[string]string{"unit": string(m.Unit), "state": string(m.State), "roles": roles})
	})
}
