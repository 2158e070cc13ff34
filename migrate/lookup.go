package migrate

import (
	"context"
	"errors"

	"github.com/rpkit-vn/rpkit/rbac"
)

// LookupLegacy is "Tra cứu tài khoản username/password": username's legacy
// accounts on the subsystems and units where actor manages users, the
// password hash left out. Accounts outside actor's scope are left out
// too, so an empty answer does not say whether the username exists.
func (c *Converter) LookupLegacy(ctx context.Context, actor, username string) ([]LegacyAccount, error) {
	if actor == "" || username == "" {
		return nil, invalid("a look-up needs an actor and a username")
	}
	if c.legacy == nil {
		return nil, invalid("no legacy account store configured")
	}
	accts, err := c.legacy.Accounts(ctx, c.db, username)
	if err != nil {
		return nil, err
	}
	managed := map[rbac.SubsystemID]map[rbac.UnitID]bool{}
	out := accts[:0]
	for _, a := range accts {
		units, ok := managed[a.Subsystem]
		if !ok {
			us, err := c.svc.ManagedUnits(ctx, actor, a.Subsystem)
			if err != nil {
				return nil, err
			}
			units = map[rbac.UnitID]bool{}
			for _, u := range us {
				units[u.ID] = true
			}
			managed[a.Subsystem] = units
		}
		if units[a.Unit] {
			a.PasswordHash = ""
			out = append(out, a)
		}
	}
	return out, nil
}

// GetFor returns conversion id if actor may see it: the administrator who
// ran it, the new holder (who is asked to check the data is complete), an
// operator, or an administrator who manages the target on every
// subsystem converted. To anyone else it is ErrNotFound, as if it did not
// exist.
func (c *Converter) GetFor(ctx context.Context, actor, id string) (*Conversion, error) {
	cv, err := c.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor != "" && (actor == cv.Actor || actor == cv.To || c.svc.IsOperator(actor)) {
		return cv, nil
	}
	if actor == "" || len(cv.Plan.Rights) == 0 {
		return nil, notFound(id)
	}
	for _, rc := range cv.Plan.Rights {
		err := c.svc.Can(ctx, actor, rbac.ActView, rbac.Target{Account: cv.To, Subsystem: rc.Subsystem})
		switch {
		case errors.Is(err, rbac.ErrForbidden), errors.Is(err, rbac.ErrNotFound):
			return nil, notFound(id)
		case err != nil:
			return nil, err
		}
	}
	return cv, nil
}
