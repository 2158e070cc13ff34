package rbac

import (
	"context"
	"errors"
	"fmt"
	"reflect"
)

// SystemActor is the actor recorded for what the application itself does
// (registering its subsystems at start-up), as opposed to a person.
const SystemActor = "system"

// RegisterSubsystem stores the application's definition of a subsystem.
// Registering the same definition again changes nothing; a changed
// definition replaces the old one and is audited.
func (s *Service) RegisterSubsystem(ctx context.Context, sub Subsystem) error {
	if err := validateSubsystem(sub); err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx Tx) error {
		old, err := tx.Subsystem(sub.ID)
		switch {
		case err == nil && reflect.DeepEqual(cloneSubsystem(old), cloneSubsystem(sub)):
			return nil
		case err != nil && !errors.Is(err, ErrNotFound):
			return err
		}
		if err := tx.PutSubsystem(sub); err != nil {
			return err
		}
		return s.audit(tx, s.now(), SystemActor, ActRegisterSubsystem, "subsystem:"+string(sub.ID), "registered by the application",
			map[string]string{"roles": fmt.Sprint(len(sub.Roles)), "groups": fmt.Sprint(len(sub.Groups))})
	})
}

func validateSubsystem(sub Subsystem) error {
	if sub.ID == "" {
		return invalid("subsystem without ID")
	}
	roles := map[RoleID]bool{}
	for _, r := range sub.Roles {
		if r.ID == "" || roles[r.ID] {
			return invalid("subsystem %s: empty or duplicate role %q", sub.ID, r.ID)
		}
		roles[r.ID] = true
		if r.MinLevel < 0 || r.MaxLevel < 0 || (r.MaxLevel != 0 && r.MaxLevel < r.MinLevel) || r.MaxLevel > MaxLevel {
			return invalid("subsystem %s: role %s has bad levels %d–%d", sub.ID, r.ID, r.MinLevel, r.MaxLevel)
		}
	}
	groups := map[GroupID]bool{}
	for _, g := range sub.Groups {
		if g.ID == "" || groups[g.ID] {
			return invalid("subsystem %s: empty or duplicate group %q", sub.ID, g.ID)
		}
		groups[g.ID] = true
		if g.Role != "" && !roles[g.Role] {
			return invalid("subsystem %s: group %s carries unknown role %s", sub.ID, g.ID, g.Role)
		}
	}
	return nil
}
