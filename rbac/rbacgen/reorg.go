package rbacgen

import (
	"context"
	"errors"
	"fmt"

	"github.com/rpkit-vn/rpkit/rbac"
)

// LoadTree creates the national root and every unit of units under it, as
// actor (the operator), through Service.CreateUnit: audited like any other
// change.
func LoadTree(ctx context.Context, svc *rbac.Service, actor string, units []GSOUnit) error {
	if _, err := svc.CreateUnit(ctx, actor, rbac.Unit{ID: RootID, Name: "Việt Nam", Kind: rbac.KindNational}, "cây đơn vị hành chính"); err != nil {
		return err
	}
	for _, u := range units {
		kind := [...]rbac.UnitKind{1: rbac.KindProvince, 2: rbac.KindDistrict, 3: rbac.KindCommune}[u.Level]
		if _, err := svc.CreateUnit(ctx, actor, rbac.Unit{ID: rbac.UnitID(u.UnitID()), Parent: rbac.UnitID(u.ParentID()),
			Name: u.Name, Kind: kind, Code: u.Code, CodeKind: rbac.CodeGSO}, "danh mục đơn vị hành chính 2025-03-01"); err != nil {
			return fmt.Errorf("unit %s: %w", u.Code, err)
		}
	}
	return nil
}

// ReorgFigures says what ApplyReorganisation did.
type ReorgFigures struct {
	ProvincesMerged    int // old provinces merged into another
	ProvincesRenamed   int
	CommunesReused     int // old communes that became a new one (moved under the new province, renamed)
	CommunesCreated    int // new communes with no old unit of their own
	CommunesMerged     int // old communes merged (full or partial)
	PartialSources     int // of which partial
	SplitKept          int // partial sources that are also a new commune themselves: kept, not merged
	AlreadyMerged      int // partial sources already merged into another new commune
	MissingOld         []string
	DistrictsRemoved   int
	UnitsMoved         int // MoveUnit calls plus children moved by merges
	MembershipsMoved   int
	AdminsFlagged      int
	MembersFlagged     int
	SuperAdminsMoved   int
	SuperAdminsFlagged int
	Conflicts          int
}

func (f *ReorgFigures) add(r rbac.MergeReport) {
	f.UnitsMoved += r.ChildrenMoved
	f.MembershipsMoved += r.MembershipsMoved
	f.AdminsFlagged += len(r.Flagged)
	f.MembersFlagged += r.MembersFlagged
	f.SuperAdminsMoved += r.SuperAdminsMoved
	f.SuperAdminsFlagged += r.SuperAdminsFlagged
	f.Conflicts += len(r.Conflicts)
	for _, c := range r.Conflicts {
		if c.Kind == rbac.MergeConflictAlreadyMerged {
			f.AlreadyMerged++
		}
	}
}

// ApplyReorganisation applies the 2025-07-01 reorganisation to a tree
// loaded with LoadTree, as actor, with the unit operations only:
//
//  1. Provinces: each new province keeps the old unit with its code
//     (renamed if need be); the other old provinces merge into it in full,
//     with their districts, members and super admins.
//  2. Communes: a new commune whose code is one of its own old communes
//     reuses that unit (moved under the new province, renamed); otherwise a
//     new unit is created there. Its other old communes merge in, partial
//     ones flagging their members for review.
//  3. Districts: the level is removed. Each old district merges into its
//     province as a partial merge: anything still in it lands in the
//     province, and its admins — whose scope has no exact successor — are
//     flagged for review.
//
// districts lists the old districts (level-2 rows of the units file).
func ApplyReorganisation(ctx context.Context, svc *rbac.Service, actor string, units []GSOUnit, rows []MergeRow) (ReorgFigures, error) {
	var f ReorgFigures
	const why = "sắp xếp đơn vị hành chính 2025 (NQ 60-NQ/TW; NQ 1654–1687/NQ-UBTVQH15)"
	known := map[string]bool{}
	for _, u := range units {
		known[u.UnitID()] = true
	}
	type group struct {
		name, parent string
		olds         []MergeRow
	}
	groups := [3]map[string]*group{1: {}, 2: {}}
	var order [3][]string
	for _, r := range rows {
		g := groups[r.NewLevel][r.NewCode]
		if g == nil {
			g = &group{name: r.NewName, parent: r.NewParent}
			groups[r.NewLevel][r.NewCode] = g
			order[r.NewLevel] = append(order[r.NewLevel], r.NewCode)
		}
		g.olds = append(g.olds, r)
	}

	// 1. Provinces.
	for _, code := range order[1] {
		g := groups[1][code]
		into := rbac.UnitID(ProvinceID(code))
		u, err := unit(ctx, svc, into)
		if err != nil {
			return f, fmt.Errorf("new province %s: %w", code, err)
		}
		if u.Name != g.name {
			if _, err := svc.RenameUnit(ctx, actor, into, g.name, why); err != nil {
				return f, err
			}
			f.ProvincesRenamed++
		}
		req := rbac.MergeRequest{Into: into, Reason: why}
		for _, o := range g.olds {
			if o.OldCode != code {
				req.Sources = append(req.Sources, rbac.MergeSource{Unit: rbac.UnitID(ProvinceID(o.OldCode)), Partial: o.Partial})
			}
		}
		if len(req.Sources) > 0 {
			rep, err := svc.MergeUnits(ctx, actor, req)
			if err != nil {
				return f, fmt.Errorf("province %s: %w", code, err)
			}
			f.ProvincesMerged += len(rep.Merged)
			f.add(rep)
		}
	}

	// 2. Communes. First decide which old communes live on as new ones, so
	// that no merge retires a unit another new commune reuses.
	reused := map[string]bool{}
	for _, code := range order[2] {
		for _, o := range groups[2][code].olds {
			if o.OldCode == code && known[CommuneID(code)] {
				reused[code] = true
			}
		}
	}
	for _, code := range order[2] {
		g := groups[2][code]
		parent := rbac.UnitID(ProvinceID(g.parent))
		var into rbac.UnitID
		if reused[code] {
			into = rbac.UnitID(CommuneID(code))
			if _, err := svc.MoveUnit(ctx, actor, into, parent, why); err != nil {
				return f, fmt.Errorf("commune %s: %w", code, err)
			}
			if _, err := svc.RenameUnit(ctx, actor, into, g.name, why); err != nil && !errors.Is(err, rbac.ErrConflict) {
				return f, err
			}
			f.CommunesReused++
			f.UnitsMoved++
		} else {
			into = rbac.UnitID(NewCommuneID(code))
			if _, err := svc.CreateUnit(ctx, actor, rbac.Unit{ID: into, Parent: parent, Name: g.name, Kind: rbac.KindCommune,
				Code: code, CodeKind: rbac.CodeGSO}, why); err != nil {
				return f, fmt.Errorf("commune %s: %w", code, err)
			}
			f.CommunesCreated++
		}
		req := rbac.MergeRequest{Into: into, Reason: why}
		for _, o := range g.olds {
			src := CommuneID(o.OldCode)
			if len(o.OldCode) == 3 {
				// An island district with no communes became a special zone
				// (đặc khu) at commune level: the district itself merges in.
				src = DistrictID(o.OldCode)
				f.DistrictsRemoved++
			}
			switch {
			case rbac.UnitID(src) == into:
			case !known[src]:
				f.MissingOld = append(f.MissingOld, o.OldCode)
			case reused[o.OldCode]:
				f.SplitKept++ // part of it came here; the unit lives on as its own new commune
			default:
				req.Sources = append(req.Sources, rbac.MergeSource{Unit: rbac.UnitID(src), Partial: o.Partial})
				if o.Partial {
					f.PartialSources++
				}
			}
		}
		if len(req.Sources) == 0 {
			continue
		}
		rep, err := svc.MergeUnits(ctx, actor, req)
		if err != nil {
			return f, fmt.Errorf("commune %s: %w", code, err)
		}
		f.CommunesMerged += len(rep.Merged)
		f.add(rep)
	}

	// 3. Districts.
	for _, u := range units {
		if u.Level != 2 {
			continue
		}
		d, err := unit(ctx, svc, rbac.UnitID(u.UnitID()))
		if err != nil {
			return f, err
		}
		if !d.Live() {
			continue
		}
		rep, err := svc.MergeUnits(ctx, actor, rbac.MergeRequest{Into: d.Parent, Reason: why + ": bỏ cấp huyện",
			Sources: []rbac.MergeSource{{Unit: d.ID, Partial: true}}})
		if err != nil {
			return f, fmt.Errorf("district %s: %w", u.Code, err)
		}
		f.DistrictsRemoved += len(rep.Merged)
		f.add(rep)
	}
	return f, nil
}

func unit(ctx context.Context, svc *rbac.Service, id rbac.UnitID) (rbac.Unit, error) {
	var u rbac.Unit
	err := svc.Store().View(ctx, func(tx rbac.ReadTx) error {
		var err error
		u, err = tx.Unit(id)
		return err
	})
	return u, err
}
