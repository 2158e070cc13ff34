package rbac

import (
	"context"
	"slices"
	"strings"
)

// ScopeGrant is one root of an actor's power: a unit subtree on a
// subsystem ("" = every subsystem, for super admins) at a level.
type ScopeGrant struct {
	Scope
	Level Level
}

// Scopes lists where actor has power: its super-admin units (level 0, every
// subsystem) and the units of its active, open admin memberships. The
// operator's scope is every root unit.
func (s *Service) Scopes(ctx context.Context, actor string) ([]ScopeGrant, error) {
	var out []ScopeGrant
	err := s.store.View(ctx, func(tx ReadTx) error {
		var err error
		out, err = s.scopes(tx, actor)
		return err
	})
	return out, err
}

func (s *Service) scopes(tx ReadTx, actor string) ([]ScopeGrant, error) {
	var out []ScopeGrant
	if s.IsOperator(actor) {
		roots, err := tx.Children("")
		if err != nil {
			return nil, err
		}
		for _, r := range roots {
			out = append(out, ScopeGrant{Scope{Unit: r.ID}, LevelSuper})
		}
		return out, nil
	}
	supers, err := tx.SuperAdminsOf(actor)
	if err != nil {
		return nil, err
	}
	for _, sa := range supers {
		out = append(out, ScopeGrant{Scope{Unit: sa.Unit}, LevelSuper})
	}
	ms, err := tx.MembershipsOf(actor)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		if ms[i].State != Active || ms[i].Locked {
			continue
		}
		if lvl, ok := adminLevel(tx, &ms[i]); ok {
			out = append(out, ScopeGrant{Scope{Subsystem: ms[i].Subsystem, Unit: ms[i].Unit}, lvl})
		}
	}
	return out, nil
}

// ManagedUnits lists the live units where actor manages users of sub (""
// = any subsystem): every unit of its scopes' subtrees, each once, in
// depth-first order. It costs the size of those subtrees.
func (s *Service) ManagedUnits(ctx context.Context, actor string, sub SubsystemID) ([]Unit, error) {
	var out []Unit
	err := s.store.View(ctx, func(tx ReadTx) error {
		scopes, err := s.scopes(tx, actor)
		if err != nil {
			return err
		}
		seen := map[UnitID]bool{}
		for _, sc := range scopes {
			if sub != "" && sc.Subsystem != "" && sc.Subsystem != sub {
				continue
			}
			if err := walkSubtree(tx, sc.Unit, func(u Unit) error {
				if !seen[u.ID] && u.Live() {
					seen[u.ID] = true
					out = append(out, u)
				}
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Admin is someone with power over a unit.
type Admin struct {
	Account   string
	Subsystem SubsystemID // "" for a super admin (every subsystem)
	Unit      UnitID      // where the power is held: the unit or an ancestor
	Level     Level
	Active    bool // false for a pending or locked admin (no power now)
	Review    string
}

// AdminsOf lists who has power over unit: super admins and admins held at
// the unit or any ancestor, nearest first. The actor must itself have
// power over the unit (or be the operator).
func (s *Service) AdminsOf(ctx context.Context, actor string, unit UnitID) ([]Admin, error) {
	var out []Admin
	err := s.store.View(ctx, func(tx ReadTx) error {
		if _, err := tx.Unit(unit); err != nil {
			return notFoundErr(err, "unit "+string(unit))
		}
		if !s.IsOperator(actor) && !s.hasPowerOver(tx, actor, unit) {
			return deny(actor, ActView, Target{Unit: unit}, RuleOutsideScope, "not an admin over the unit")
		}
		at := unit
		for range maxDepth {
			supers, err := tx.SuperAdmins(at)
			if err != nil {
				return err
			}
			for _, sa := range supers {
				out = append(out, Admin{Account: sa.Account, Unit: at, Level: LevelSuper, Active: true, Review: sa.Review})
			}
			ms, err := tx.AdminsIn(at)
			if err != nil {
				return err
			}
			for i := range ms {
				lvl, ok := adminLevel(tx, &ms[i])
				if !ok {
					continue
				}
				out = append(out, Admin{Account: ms[i].Account, Subsystem: ms[i].Subsystem, Unit: at, Level: lvl,
					Active: ms[i].State == Active && !ms[i].Locked, Review: ms[i].Review})
			}
			u, err := tx.Unit(at)
			if err != nil || u.Parent == "" {
				return nil
			}
			at = u.Parent
		}
		return nil
	})
	return out, err
}

// hasPowerOver reports whether actor has power over unit on any subsystem.
func (s *Service) hasPowerOver(tx ReadTx, actor string, unit UnitID) bool {
	if _, ok := power(tx, actor, "", unit); ok {
		return true
	}
	ms, _ := tx.MembershipsOf(actor)
	for _, m := range ms {
		if _, ok := power(tx, actor, m.Subsystem, unit); ok {
			return true
		}
	}
	return false
}

// UserFilter narrows ListUsers. Every field is optional.
type UserFilter struct {
	Subsystem SubsystemID
	// Unit restricts to that unit's subtree (within the actor's scope).
	Unit   UnitID
	State  MemberState
	Locked *bool
	Role   RoleID
	Group  GroupID
	Review bool
	// Name matches diacritic- and case-insensitively ("nguyen van a"
	// finds "Nguyễn Văn An").
	Name string
	// After continues from the previous page's Next.
	After MembershipKey
	// Limit defaults to DefaultPageSize and is capped at MaxPageSize.
	Limit int
}

// Page sizes of ListUsers.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// User is one row of ListUsers.
type User struct {
	Membership
	Account Account
}

// UserPage is a page of ListUsers. Next is the key to pass as After for
// the following page; zero when this is the last page.
type UserPage struct {
	Users []User
	Next  MembershipKey
}

// ListUsers lists the memberships within actor's scope that pass f, in key
// order, one page at a time.
func (s *Service) ListUsers(ctx context.Context, actor string, f UserFilter) (UserPage, error) {
	limit := f.Limit
	switch {
	case limit < 0:
		return UserPage{}, invalid("negative limit")
	case limit == 0:
		limit = DefaultPageSize
	case limit > MaxPageSize:
		limit = MaxPageSize
	}
	if len(f.Name) > 200 {
		return UserPage{}, invalid("name query too long")
	}
	var page UserPage
	err := s.store.View(ctx, func(tx ReadTx) error {
		grants, err := s.scopes(tx, actor)
		if err != nil {
			return err
		}
		var scopes []Scope
		for _, g := range grants {
			sc, ok := narrow(tx, g.Scope, f.Subsystem, f.Unit)
			if ok {
				scopes = append(scopes, sc)
			}
		}
		if len(scopes) == 0 {
			if f.Unit != "" || f.Subsystem != "" || len(grants) == 0 {
				return deny(actor, ActView, Target{Unit: f.Unit, Subsystem: f.Subsystem}, RuleOutsideScope, "nothing in the actor's scope matches")
			}
		}
		ms, err := tx.ListMemberships(MembershipQuery{Scopes: scopes, State: f.State, Locked: f.Locked, Role: f.Role,
			Group: f.Group, Review: f.Review, Name: strings.TrimSpace(f.Name), After: f.After, Limit: limit + 1})
		if err != nil {
			return err
		}
		if len(ms) > limit {
			ms = ms[:limit]
			page.Next = ms[limit-1].Key()
		}
		page.Users = make([]User, 0, len(ms))
		for _, m := range ms {
			acc, _ := tx.Account(m.Account)
			page.Users = append(page.Users, User{Membership: m, Account: acc})
		}
		return nil
	})
	return page, err
}

// narrow intersects an actor's scope with the filter's subsystem and unit.
func narrow(tx ReadTx, sc Scope, sub SubsystemID, unit UnitID) (Scope, bool) {
	if sub != "" {
		if sc.Subsystem != "" && sc.Subsystem != sub {
			return Scope{}, false
		}
		sc.Subsystem = sub
	}
	if unit != "" {
		switch {
		case covers(tx, sc.Unit, unit):
			sc.Unit = unit
		case covers(tx, unit, sc.Unit):
		default:
			return Scope{}, false
		}
	}
	return sc, true
}

// Memberships lists an account's memberships, for the account itself or an
// admin who may view each of them.
func (s *Service) Memberships(ctx context.Context, actor, account string) ([]Membership, error) {
	var out []Membership
	err := s.store.View(ctx, func(tx ReadTx) error {
		ms, err := tx.MembershipsOf(account)
		if err != nil {
			return err
		}
		out = slices.DeleteFunc(ms, func(m Membership) bool {
			return s.can(tx, actor, ActView, Target{Account: account, Subsystem: m.Subsystem}) != nil
		})
		return nil
	})
	return out, err
}
