package rbac

import (
	"context"
	"errors"
	"strings"

	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// Unit operations: create, rename, move. Merge is in merge.go. Only
// super admins (over both ends) and the operator change the tree, since
// every subsystem's scopes hang off it.

func unitTarget(id UnitID) string { return "unit:" + string(id) }

// normalizeUnit validates u's fields and returns it with its code in
// canonical form.
func normalizeUnit(u Unit) (Unit, error) {
	u.Name = strings.Join(strings.Fields(u.Name), " ")
	switch {
	case u.ID == "":
		return u, invalid("unit without ID")
	case u.Name == "":
		return u, invalid("unit %s without a name", u.ID)
	case u.Parent == u.ID:
		return u, invalid("unit %s cannot be its own parent", u.ID)
	}
	switch u.Kind {
	case KindNational, KindMinistry, KindProvince, KindDepartment, KindDistrict, KindCommune, KindOther:
	case "":
		u.Kind = KindOther
	default:
		return u, invalid("unknown unit kind %q", u.Kind)
	}
	switch u.CodeKind {
	case CodeNone:
		if u.Code != "" {
			return u, invalid("unit %s has a code but no code kind", u.ID)
		}
	case CodeAgency:
		a, err := vnid.ParseAgencyCode(u.Code)
		if err != nil {
			return u, invalid("unit %s: %v", u.ID, err)
		}
		u.Code = a.String()
	case CodeGSO:
		// GSO codes: 2 digits (province), 3 (district), 5 (commune).
		c := strings.TrimSpace(u.Code)
		if n := len(c); n != 2 && n != 3 && n != 5 || strings.Trim(c, "0123456789") != "" {
			return u, invalid("unit %s: GSO code %q is not 2, 3 or 5 digits", u.ID, u.Code)
		}
		u.Code = c
	default:
		return u, invalid("unknown code kind %q", u.CodeKind)
	}
	u.State, u.MergedInto = UnitLive, ""
	return u, nil
}

// CreateUnit adds a unit under u.Parent ("" for a root, operator only).
func (s *Service) CreateUnit(ctx context.Context, actor string, u Unit, reason string) (Unit, error) {
	u, err := normalizeUnit(u)
	if err != nil {
		return Unit{}, err
	}
	err = s.update(ctx, reason, func(tx Tx) error {
		if u.Parent == "" {
			if !s.IsOperator(actor) {
				return deny(actor, ActCreateUnit, Target{Unit: u.ID}, RuleOperatorOnly, "only the operator creates root units")
			}
		} else if err := s.can(tx, actor, ActCreateUnit, Target{Unit: u.Parent}); err != nil {
			return err
		}
		if u.Parent != "" {
			if _, err := liveUnit(tx, u.Parent); err != nil {
				return err
			}
		}
		if _, err := tx.Unit(u.ID); err == nil {
			return conflict("unit %s exists", u.ID)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		now := s.now()
		u.CreatedAt, u.UpdatedAt = now, now
		if err := tx.PutUnit(u); err != nil {
			return err
		}
		return s.audit(tx, now, actor, ActCreateUnit, unitTarget(u.ID), reason, map[string]string{
			"parent": string(u.Parent), "name": u.Name, "kind": string(u.Kind), "code": u.Code, "code_kind": string(u.CodeKind)})
	})
	if err != nil {
		return Unit{}, err
	}
	return u, nil
}

// RenameUnit changes a unit's name.
func (s *Service) RenameUnit(ctx context.Context, actor string, id UnitID, name, reason string) (Unit, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return Unit{}, invalid("empty name")
	}
	var out Unit
	err := s.update(ctx, reason, func(tx Tx) error {
		if err := s.can(tx, actor, ActRenameUnit, Target{Unit: id}); err != nil {
			return err
		}
		u, err := liveUnit(tx, id)
		if err != nil {
			return err
		}
		old := u.Name
		now := s.now()
		u.Name, u.UpdatedAt = name, now
		if err := tx.PutUnit(u); err != nil {
			return err
		}
		out = u
		return s.audit(tx, now, actor, ActRenameUnit, unitTarget(id), reason, map[string]string{"from": old, "to": name})
	})
	return out, err
}

// MoveUnit puts a unit (with its subtree, members and admins) under a new
// parent. The actor needs rights where the unit is and where it goes; a
// unit cannot go under itself or its own subtree.
func (s *Service) MoveUnit(ctx context.Context, actor string, id, newParent UnitID, reason string) (Unit, error) {
	var out Unit
	err := s.update(ctx, reason, func(tx Tx) error {
		if err := s.can(tx, actor, ActMoveUnit, Target{Unit: id, ToUnit: newParent}); err != nil {
			return err
		}
		u, err := liveUnit(tx, id)
		if err != nil {
			return err
		}
		if _, err := liveUnit(tx, newParent); err != nil {
			return err
		}
		if covers(tx, id, newParent) {
			return invalid("cannot move unit %s under its own subtree (%s)", id, newParent)
		}
		if u.Parent == newParent {
			return conflict("unit %s is already under %s", id, newParent)
		}
		from := u.Parent
		now := s.now()
		u.Parent, u.UpdatedAt = newParent, now
		if err := tx.PutUnit(u); err != nil {
			return err
		}
		out = u
		return s.audit(tx, now, actor, ActMoveUnit, unitTarget(id), reason,
			map[string]string{"from": string(from), "to": string(newParent)})
	})
	return out, err
}
