package migrate

import (
	"context"
	"errors"
	"slices"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// checkRequest validates the request's shape.
func checkRequest(req *Request) error {
	switch {
	case req.Kind != FromLegacy && req.Kind != FromVnconnect:
		return invalid("unknown conversion kind %q", req.Kind)
	case req.From == "" || req.To == "":
		return invalid("a conversion needs a source and a target")
	case req.Actor == "":
		return invalid("a conversion needs an actor")
	case req.Reason == "":
		return invalid("a reason is required")
	case req.ID != "" && !idRE.MatchString(req.ID):
		return invalid("conversion id %q: use 1–100 of [A-Za-z0-9._:-]", req.ID)
	}
	if req.Kind == FromVnconnect && req.From == req.To {
		return precond(CodeSameAccount, "", "the source and the target are the same account")
	}
	seen := map[rbac.SubsystemID]bool{}
	for _, s := range req.Subsystems {
		if s == "" || seen[s] {
			return invalid("subsystems must be distinct and non-empty")
		}
		seen[s] = true
	}
	return nil
}

// source is what the source account holds on one subsystem.
type source struct {
	sub    rbac.SubsystemID
	unit   rbac.UnitID
	group  rbac.GroupID
	member *rbac.Membership // FromVnconnect
}

// prepare checks every precondition and builds the plan. q is the app
// database's transaction, rv a consistent view of rbac. selfService skips
// the actor check: the person proved the legacy password instead.
// countRows fills Plan.Rows; the shared path, which moves the rows in the
// same transaction, takes them from what the movers moved instead (the
// same numbers, without counting twice).
func (c *Converter) prepare(ctx context.Context, q Querier, rv rbac.ReadTx, req Request, selfService, countRows bool) (Plan, error) {
	return c.prepareWith(ctx, q, rv, req, selfService, countRows, nil)
}

// prepareWith is prepare with what a bulk batch read ahead for all its rows
// (pf, nil for none): the same checks on the same transaction's data, with
// fewer round trips.
func (c *Converter) prepareWith(ctx context.Context, q Querier, rv rbac.ReadTx, req Request, selfService, countRows bool, pf *prefetched) (Plan, error) {
	if err := checkRequest(&req); err != nil {
		return Plan{}, err
	}
	srcs, err := c.sources(ctx, q, rv, req, pf)
	if err != nil {
		return Plan{}, err
	}
	plan := Plan{Kind: req.Kind, From: req.From, To: req.To, Subsystems: req.Subsystems}
	for _, s := range srcs {
		tm, err := membershipOf(rv, req.To, s.sub)
		switch {
		case errors.Is(err, rbac.ErrNotFound):
			return Plan{}, precond(CodeTargetNotFound, string(s.sub), "the Vnconnect account %s is not saved to the subsystem", req.To)
		case err != nil:
			return Plan{}, err
		case tm.State != rbac.Active || tm.Locked:
			return Plan{}, precond(CodeTargetInactive, string(s.sub), "the Vnconnect account %s is %s, %s on the subsystem: activate and open it first",
				req.To, tm.State.Label(), tm.LockLabel())
		case tm.Unit != s.unit:
			return Plan{}, precond(CodeUnitMismatch, string(s.sub), "the accounts are in different units (%s, %s): both must be in the same unit", s.unit, tm.Unit)
		case tm.Group != s.group:
			return Plan{}, precond(CodeGroupMismatch, string(s.sub), "the accounts are in different user groups (%q, %q): both must be in the same group", s.group, tm.Group)
		}
		rc := RightsChange{Subsystem: s.sub, TargetBefore: rightsOf(tm), TargetMember: tm}
		rc.TargetAfter = rc.TargetBefore
		if s.member != nil {
			sb := rightsOf(*s.member)
			rc.SourceBefore = &sb
			rc.SourceMember = s.member
			rc.TargetAfter = merge(rc.TargetBefore, sb)
		} else {
			plan.Legacy = append(plan.Legacy, s.sub)
		}
		plan.Rights = append(plan.Rights, rc)
		if !selfService {
			if err := c.mayManage(rv, req, s); err != nil {
				return Plan{}, err
			}
		}
	}
	if err := c.onVnconnect(ctx, rv, req.To); err != nil {
		return Plan{}, err
	}
	if countRows {
		if plan.Rows, err = c.count(ctx, q, Scope{From: req.From, To: req.To, Subsystems: req.Subsystems}); err != nil {
			return Plan{}, err
		}
	}
	if n, ok := pf.targetBefore(req); ok {
		plan.TargetBefore = n
	} else if plan.TargetBefore, err = c.count(ctx, q, Scope{From: req.To, Subsystems: req.Subsystems}); err != nil {
		return Plan{}, err
	}
	return plan, nil
}

// membershipOf is rv.Membership(account, sub), read through
// rbac.HoldingReader when the store has it: the same answer, which the
// store then keeps for the transaction, so that the rules' own read of the
// account (CanTx) costs no second round trip.
func membershipOf(rv rbac.ReadTx, account string, sub rbac.SubsystemID) (rbac.Membership, error) {
	if hr, ok := rv.(rbac.HoldingReader); ok {
		_, m, err := hr.Holding(account, sub)
		return m, err
	}
	return rv.Membership(account, sub)
}

// sources finds what the source holds on the requested subsystems.
func (c *Converter) sources(ctx context.Context, q Querier, rv rbac.ReadTx, req Request, pf *prefetched) ([]source, error) {
	want := func(s rbac.SubsystemID) bool { return len(req.Subsystems) == 0 || slices.Contains(req.Subsystems, s) }
	var out []source
	if req.Kind == FromLegacy {
		if c.legacy == nil {
			return nil, invalid("no legacy account store configured")
		}
		accts, ok := pf.legacyOf(req.From)
		if !ok {
			var err error
			if accts, err = c.legacy.Accounts(ctx, q, req.From); err != nil {
				return nil, err
			}
		}
		for _, a := range accts {
			if !want(a.Subsystem) {
				continue
			}
			switch {
			case a.ConvertedTo != "":
				return nil, precond(CodeAlreadyConverted, string(a.Subsystem), "the account %s was already converted to %s", a.Username, a.ConvertedTo)
			case a.Disabled:
				return nil, precond(CodeSourceNotFound, string(a.Subsystem), "the account %s is disabled", a.Username)
			}
			out = append(out, source{sub: a.Subsystem, unit: a.Unit, group: a.Group})
		}
	} else {
		ms, err := rv.MembershipsOf(req.From)
		if err != nil {
			return nil, err
		}
		for i := range ms {
			if want(ms[i].Subsystem) {
				out = append(out, source{sub: ms[i].Subsystem, unit: ms[i].Unit, group: ms[i].Group, member: &ms[i]})
			}
		}
	}
	if missing := c.missing(req, out); missing != "" || len(out) == 0 {
		if id, err := c.convertedFrom(ctx, q, req.Kind, req.From); err != nil {
			return nil, err
		} else if id != "" {
			return nil, precond(CodeAlreadyConverted, string(missing), "the account %s was already converted (conversion %s)", req.From, id)
		}
		return nil, precond(CodeSourceNotFound, string(missing), "the account %s has nothing to convert there", req.From)
	}
	return out, nil
}

func (c *Converter) missing(req Request, got []source) rbac.SubsystemID {
	for _, s := range req.Subsystems {
		if !slices.ContainsFunc(got, func(g source) bool { return g.sub == s }) {
			return s
		}
	}
	return ""
}

// mayManage asks rbac, in rv — the transaction the conversion reads its
// plan from and, on the shared path, writes in — whether the actor may
// convert: rbac's ActConvert (manage both memberships, grant the target
// every role it receives). Asking rv rather than a fresh view leaves no
// window between the check and the act.
func (c *Converter) mayManage(rv rbac.ReadTx, req Request, s source) error {
	from := req.From
	if s.member == nil {
		from = legacyKey(req.From) // not an rbac account: ActConvert judges the receiver's side only
	}
	err := c.svc.CanTx(rv, req.Actor, rbac.ActConvert, rbac.Target{Account: from, ToAccount: req.To, Subsystem: s.sub})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, rbac.ErrForbidden):
		return &PreconditionError{Code: CodeForbidden, Subsystem: string(s.sub), Err: err,
			Message: "you may not manage both accounts on this subsystem"}
	case errors.Is(err, rbac.ErrNotFound):
		// The plan found both memberships in rv a moment ago.
		return &PreconditionError{Code: CodeInFlight, Subsystem: string(s.sub), Err: err,
			Message: "the accounts changed while the conversion was being checked; try again"}
	}
	return err
}

// onVnconnect re-checks, when a directory is configured, that Vnconnect
// still resolves the target's saved ID number to its TechID.
func (c *Converter) onVnconnect(ctx context.Context, rv rbac.ReadTx, techID string) error {
	if c.dir == nil {
		return nil
	}
	acc, err := rv.Account(techID)
	if err != nil {
		if errors.Is(err, rbac.ErrNotFound) {
			return precond(CodeTargetNotFound, "", "the Vnconnect account %s is not saved to the system", techID)
		}
		return err
	}
	var q vnconnect.TechIDQuery
	switch {
	case acc.CCCD != "":
		q.CCCD = acc.CCCD
	case acc.CMND != "":
		q.CMND = acc.CMND
	case acc.TaxCode != "":
		q.TaxCode = acc.TaxCode
	default:
		return nil // nothing to look it up by; rbac saved it from Vnconnect
	}
	got, err := c.dir.LookupTechID(ctx, q)
	switch {
	case errors.Is(err, vnconnect.ErrNotFound):
		return precond(CodeTargetNotOnVN, "", "Vnconnect no longer has the account %s", techID)
	case err != nil:
		return err
	case got != techID:
		return precond(CodeTargetNotOnVN, "", "Vnconnect now gives the ID number of %s to another account", techID)
	}
	return nil
}

// count runs every mover's Plan for s.
func (c *Converter) count(ctx context.Context, q Querier, s Scope) (Counts, error) {
	out := Counts{}
	for _, m := range c.movers {
		n, err := m.Plan(ctx, q, s)
		if err != nil {
			return nil, err
		}
		for k, v := range n {
			out[m.Name()+":"+k] = v
		}
	}
	return out, nil
}
