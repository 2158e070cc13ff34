package rbac

import (
	"context"
	"slices"
	"strconv"
	"time"
)

// MergeSource is one unit merged into another. Partial means only part of
// it went in (a commune split between new communes): its members and
// admins still move — they must land in a live unit — but each is flagged
// for review, since some belong elsewhere.
type MergeSource struct {
	Unit    UnitID
	Partial bool
}

// MergeRequest merges Sources into Into.
type MergeRequest struct {
	Into    UnitID
	Sources []MergeSource
	Reason  string
}

// MergeConflict is something a merge resolved one way that a person should
// know about. Nothing is lost over a conflict.
type MergeConflict struct {
	Unit   UnitID // the source it arose from
	Kind   string // see the MergeConflict* constants
	Detail string
}

// Kinds of MergeConflict.
const (
	// A child of the source has the same name as a child of Into.
	MergeConflictName = "duplicate-name"
	// A super admin of the source was already super admin of Into.
	MergeConflictSuperAdmin = "duplicate-super-admin"
	// A partial source had already been merged (split between units): it
	// has nothing left to move.
	MergeConflictAlreadyMerged = "already-merged"
)

// MergeReport says what a merge did.
type MergeReport struct {
	Into             UnitID
	Merged           []UnitID // sources retired by this merge
	ChildrenMoved    int
	MembershipsMoved int
	SuperAdminsMoved int
	// Flagged lists the admin memberships whose scope could not follow
	// exactly (partial sources); MembersFlagged counts every flagged
	// membership, admins included.
	Flagged            []MembershipKey
	SuperAdminsFlagged int
	MembersFlagged     int
	Conflicts          []MergeConflict
}

// MergeUnits merges each source into req.Into: its children, members and
// super admins move to Into, and the source is kept as a merged unit
// pointing at Into (history stays readable; nothing is deleted). The whole
// merge is one transaction: all sources or none. The actor needs rights
// over every source (strictly below its own unit) and over Into.
func (s *Service) MergeUnits(ctx context.Context, actor string, req MergeRequest) (MergeReport, error) {
	if len(req.Sources) == 0 {
		return MergeReport{}, invalid("no units to merge")
	}
	var rep MergeReport
	err := s.update(ctx, req.Reason, func(tx Tx) error {
		rep = MergeReport{Into: req.Into}
		into, err := liveUnit(tx, req.Into)
		if err != nil {
			return err
		}
		now := s.now()
		for _, src := range req.Sources {
			if err := s.mergeOne(tx, actor, into, src, req.Reason, now, &rep); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return MergeReport{}, err
	}
	return rep, nil
}

func (s *Service) mergeOne(tx Tx, actor string, into Unit, src MergeSource, reason string, now time.Time, rep *MergeReport) error {
	if src.Unit == into.ID {
		return invalid("cannot merge unit %s into itself", src.Unit)
	}
	u, err := tx.Unit(src.Unit)
	if err != nil {
		return notFoundErr(err, "unit "+string(src.Unit))
	}
	if !u.Live() {
		if src.Partial {
			// A split unit is merged into its first destination; the
			// others are recorded, since its members are already placed.
			if err := s.can(tx, actor, ActMergeUnit, Target{Unit: src.Unit, ToUnit: into.ID}); err != nil {
				return err
			}
			rep.Conflicts = append(rep.Conflicts, MergeConflict{Unit: src.Unit, Kind: MergeConflictAlreadyMerged,
				Detail: "already merged into " + string(u.MergedInto) + "; its members stayed there, flagged"})
			return s.audit(tx, now, actor, ActMergeUnit, unitTarget(src.Unit), reason, map[string]string{
				"into": string(into.ID), "partial": "true", "note": "already merged into " + string(u.MergedInto)})
		}
		return conflict("unit %s was already merged into %s", src.Unit, u.MergedInto)
	}
	if err := s.can(tx, actor, ActMergeUnit, Target{Unit: src.Unit, ToUnit: into.ID}); err != nil {
		return err
	}
	if covers(tx, src.Unit, into.ID) {
		return invalid("cannot merge unit %s into its own subtree (%s)", src.Unit, into.ID)
	}
	flag := ""
	if src.Partial {
		flag = "partial merge of " + string(src.Unit) + " into " + string(into.ID) + ": check the unit"
	}

	// Children follow.
	kids, err := tx.Children(src.Unit)
	if err != nil {
		return err
	}
	existing, err := tx.Children(into.ID)
	if err != nil {
		return err
	}
	names := make(map[string]UnitID, len(existing))
	for _, c := range existing {
		if c.Live() {
			names[c.Name] = c.ID
		}
	}
	for _, c := range kids {
		if other, dup := names[c.Name]; dup && c.Live() {
			rep.Conflicts = append(rep.Conflicts, MergeConflict{Unit: src.Unit, Kind: MergeConflictName,
				Detail: "child " + string(c.ID) + " has the same name as " + string(other) + ": " + c.Name})
		}
		c.Parent, c.UpdatedAt = into.ID, now
		if err := tx.PutUnit(c); err != nil {
			return err
		}
		rep.ChildrenMoved++
	}

	// Members follow, each to Into, flagged if the source was split.
	ms, err := tx.MembershipsIn(src.Unit)
	if err != nil {
		return err
	}
	flaggedHere := 0
	for _, m := range ms {
		m.Unit, m.UpdatedAt = into.ID, now
		if flag != "" {
			m.Review = flag
			rep.MembersFlagged++
			flaggedHere++
			if len(m.Roles) > 0 && slices.ContainsFunc(m.Roles, func(g RoleGrant) bool { return g.Level >= 1 }) {
				rep.Flagged = append(rep.Flagged, m.Key())
			}
		}
		if err := tx.PutMembership(m); err != nil {
			return err
		}
		rep.MembershipsMoved++
	}

	// Super admins follow (canUnit let only the operator get here when
	// there are any).
	supers, err := tx.SuperAdmins(src.Unit)
	if err != nil {
		return err
	}
	for _, sa := range supers {
		if err := tx.DeleteSuperAdmin(sa.Account, src.Unit); err != nil {
			return err
		}
		if _, err := findSuper(tx, sa.Account, into.ID); err == nil {
			rep.Conflicts = append(rep.Conflicts, MergeConflict{Unit: src.Unit, Kind: MergeConflictSuperAdmin,
				Detail: sa.Account + " was already super admin of " + string(into.ID)})
			continue
		}
		sa.Unit = into.ID
		if flag != "" {
			sa.Review = flag
			rep.SuperAdminsFlagged++
		}
		if err := tx.PutSuperAdmin(sa); err != nil {
			return err
		}
		rep.SuperAdminsMoved++
	}

	u.State, u.MergedInto, u.UpdatedAt = UnitMerged, into.ID, now
	if err := tx.PutUnit(u); err != nil {
		return err
	}
	rep.Merged = append(rep.Merged, src.Unit)
	return s.audit(tx, now, actor, ActMergeUnit, unitTarget(src.Unit), reason, map[string]string{
		"into": string(into.ID), "partial": strconv.FormatBool(src.Partial),
		"children": strconv.Itoa(len(kids)), "memberships": strconv.Itoa(len(ms)),
		"super_admins": strconv.Itoa(len(supers)), "flagged": strconv.Itoa(flaggedHere)})
}

func findSuper(tx ReadTx, account string, unit UnitID) (SuperAdmin, error) {
	held, err := tx.SuperAdminsOf(account)
	if err != nil {
		return SuperAdmin{}, err
	}
	for _, sa := range held {
		if sa.Unit == unit {
			return sa, nil
		}
	}
	return SuperAdmin{}, ErrNotFound
}
