package rbacgen

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/rpkit-vn/rpkit/rbac"
)

// SubsystemDVC is the generator's fourth subsystem, a public service
// (chứng thực bản sao điện tử) with its own admins.
const SubsystemDVC rbac.SubsystemID = "dvc"

// DVC is the fourth subsystem's definition.
func DVC() rbac.Subsystem {
	return rbac.Subsystem{ID: SubsystemDVC, Name: "Chứng thực bản sao điện tử", Roles: []rbac.Role{
		{ID: rbac.RoleUnitAdmin, Name: "Quản trị", Admin: true, MinLevel: 1, Permissions: []rbac.Permission{rbac.PermManageUsers, rbac.PermCertCopy}},
		{ID: rbac.RoleProcessor, Name: "Cán bộ chứng thực", Permissions: []rbac.Permission{rbac.PermCertCopy}},
	}}
}

// Config sizes a generated dataset.
type Config struct {
	// Units is the target number of units: the real tree's 10,807 (and the
	// root), topped up with a fifth level of offices under communes.
	Units int
	// Memberships is the number of ordinary memberships (admins come on
	// top), spread over 4 subsystems, two per account.
	Memberships int
	// CountAdmins makes Memberships the total, admins' memberships
	// included, so that the store holds exactly Memberships memberships;
	// Generate fails when that is fewer than the admins need (4 per
	// province and district, 1 per commune).
	CountAdmins bool
	// Pairs is how many (admin, managed membership) pairs to return for
	// benchmarks.
	Pairs int
	Seed  uint64
}

// Pair is an admin and a membership it may manage.
type Pair struct {
	Actor  string
	Target rbac.MembershipKey
	Level  rbac.Level
}

// Dataset is what Generate made.
type Dataset struct {
	// Memberships counts the ordinary ones; Admins the admins' (one
	// membership each). SuperAdmins are records, not memberships.
	Units, Accounts, Memberships, Admins, SuperAdmins int
	// Levels is the depth of the unit tree, the national root included.
	Levels int
	// PerSubsystem counts memberships (admins' included) by subsystem.
	PerSubsystem map[rbac.SubsystemID]int
	Pairs        []Pair
}

var subsystems = []rbac.SubsystemID{rbac.SubsystemQuantri, rbac.SubsystemPAKN, rbac.SubsystemCSDL, SubsystemDVC}

// Generate fills an empty store directly through Update (no rules, no audit:
// it is benchmark data, not history) on the real tree:
//
//	level 1 the national root; 2 provinces (a super admin each, and a
//	level-1 admin per subsystem); 3 districts (a level-2 admin per
//	subsystem); 4 communes (a level-3 admin on one subsystem, rotating); 5
//	offices under communes, up to cfg.Units.
//
// Ordinary memberships go to random communes and offices.
func Generate(ctx context.Context, store rbac.Store, units []GSOUnit, cfg Config) (*Dataset, error) {
	rng := rand.New(rand.NewPCG(cfg.Seed, 2025))
	ds := &Dataset{Levels: 4, PerSubsystem: map[rbac.SubsystemID]int{}}
	b := &batcher{ctx: ctx, store: store}
	type place struct {
		id              rbac.UnitID
		commune         rbac.UnitID
		district, prov  string
		communeAdminSub rbac.SubsystemID
	}
	b.put(func(tx rbac.Tx) error {
		for _, s := range []rbac.Subsystem{rbac.Quantri(), rbac.PAKN(), rbac.CSDL(), DVC()} {
			if err := tx.PutSubsystem(s); err != nil {
				return err
			}
		}
		return tx.PutUnit(rbac.Unit{ID: RootID, Name: "Việt Nam", Kind: rbac.KindNational, State: rbac.UnitLive})
	})
	ds.Units = 1
	parentOf := map[string]string{}
	var leaves []place
	communes := 0
	for _, u := range units {
		if u.Level == 3 {
			communes++
		}
	}
	// Offices per commune: the room left under cfg.Units shared out, the
	// first (room mod communes) communes taking one more, so that the tree
	// has exactly cfg.Units units.
	extra, more := 0, 0
	if room := cfg.Units - len(units) - 1; room > 0 && communes > 0 {
		extra, more = room/communes, room%communes
	}
	ci := 0
	for _, u := range units {
		kind := [...]rbac.UnitKind{1: rbac.KindProvince, 2: rbac.KindDistrict, 3: rbac.KindCommune}[u.Level]
		b.put(func(tx rbac.Tx) error {
			return tx.PutUnit(rbac.Unit{ID: rbac.UnitID(u.UnitID()), Parent: rbac.UnitID(u.ParentID()), Name: u.Name, Kind: kind,
				Code: u.Code, CodeKind: rbac.CodeGSO, State: rbac.UnitLive})
		})
		ds.Units++
		parentOf[u.UnitID()] = u.ParentID()
		switch u.Level {
		case 1:
			sa := "sa-" + u.UnitID()
			b.put(func(tx rbac.Tx) error {
				return tx.PutSuperAdmin(rbac.SuperAdmin{Account: sa, Unit: rbac.UnitID(u.UnitID()), Decision: "gen", GrantedBy: "gen"})
			})
			ds.SuperAdmins++
			fallthrough
		case 2:
			for _, sub := range subsystems {
				b.admin(ds, adminID(u.UnitID(), sub), sub, rbac.UnitID(u.UnitID()), rbac.Level(u.Level))
			}
		case 3:
			sub := subsystems[ci%len(subsystems)]
			ci++
			b.admin(ds, adminID(u.UnitID(), sub), sub, rbac.UnitID(u.UnitID()), 3)
			district := u.ParentID()
			p := place{id: rbac.UnitID(u.UnitID()), commune: rbac.UnitID(u.UnitID()), district: district, prov: parentOf[district], communeAdminSub: sub}
			leaves = append(leaves, p)
			offices := extra
			if ci <= more {
				offices++
			}
			if offices > 0 {
				ds.Levels = 5
			}
			for k := 1; k <= offices; k++ {
				id := rbac.UnitID(fmt.Sprintf("%s-%d", u.UnitID(), k))
				b.put(func(tx rbac.Tx) error {
					return tx.PutUnit(rbac.Unit{ID: id, Parent: p.commune, Name: fmt.Sprintf("Tổ dân phố %d, %s", k, u.Name), Kind: rbac.KindOther, State: rbac.UnitLive})
				})
				ds.Units++
				q := p
				q.id = id
				leaves = append(leaves, q)
			}
		}
	}
	ordinary := cfg.Memberships
	if cfg.CountAdmins {
		if ordinary -= ds.Admins; ordinary < 0 {
			return nil, fmt.Errorf("rbacgen: %d memberships are fewer than the %d admins need", cfg.Memberships, ds.Admins)
		}
	}
	// Ordinary memberships: two per account, on two different subsystems.
	for i := 0; i < ordinary; i += 2 {
		acc := fmt.Sprintf("m%07d", i/2)
		name := fmt.Sprintf("%s %s %d", family[rng.IntN(len(family))], given[rng.IntN(len(given))], i/2)
		b.put(func(tx rbac.Tx) error { return tx.PutAccount(rbac.Account{TechID: acc, Type: 1, FullName: name}) })
		ds.Accounts++
		first := rng.IntN(len(subsystems))
		for j := 0; j < 2 && i+j < ordinary; j++ {
			sub := subsystems[(first+j)%len(subsystems)]
			p := leaves[rng.IntN(len(leaves))]
			m := rbac.Membership{Account: acc, Subsystem: sub, Unit: p.id, State: rbac.Active}
			if rng.IntN(10) == 0 {
				m.State = rbac.Pending
			}
			if rng.IntN(3) == 0 {
				m.Roles = []rbac.RoleGrant{{Role: rbac.RoleProcessor, Level: rbac.LevelNone}}
			}
			b.put(func(tx rbac.Tx) error { return tx.PutMembership(m) })
			ds.Memberships++
			ds.PerSubsystem[sub]++
			if len(ds.Pairs) < cfg.Pairs {
				// An admin that covers it, from the commune up to the super admin.
				var pr Pair
				switch r := rng.IntN(4); {
				case r == 0 && p.communeAdminSub == sub:
					pr = Pair{adminID(string(p.commune), sub), m.Key(), 3}
				case r <= 1:
					pr = Pair{adminID(p.district, sub), m.Key(), 2}
				case r == 2:
					pr = Pair{adminID(p.prov, sub), m.Key(), 1}
				default:
					pr = Pair{"sa-" + p.prov, m.Key(), 0}
				}
				ds.Pairs = append(ds.Pairs, pr)
			}
		}
	}
	if err := b.flush(); err != nil {
		return nil, err
	}
	return ds, nil
}

func adminID(unit string, sub rbac.SubsystemID) string { return "adm-" + unit + "-" + string(sub) }

var (
	family = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	given  = []string{"Văn An", "Thị Bình", "Đức Cường", "Thu Hà", "Minh Đức", "Thị Én", "Quang Huy", "Ngọc Lan", "Hữu Phước", "Thanh Tâm", "Xuân Trường", "Hồng Nhung"}
)

// batcher groups writes into transactions of batchSize.
type batcher struct {
	ctx   context.Context
	store rbac.Store
	ops   []func(rbac.Tx) error
	err   error
}

const batchSize = 20000

func (b *batcher) put(op func(rbac.Tx) error) {
	b.ops = append(b.ops, op)
	if len(b.ops) >= batchSize {
		_ = b.flush()
	}
}

func (b *batcher) admin(ds *Dataset, acc string, sub rbac.SubsystemID, unit rbac.UnitID, lvl rbac.Level) {
	role := rbac.RoleUnitAdmin
	if sub == rbac.SubsystemQuantri && lvl == 1 {
		role = rbac.RoleProvinceAdmin
	}
	b.put(func(tx rbac.Tx) error {
		if err := tx.PutAccount(rbac.Account{TechID: acc, Type: 1, FullName: "Quản trị " + string(unit)}); err != nil {
			return err
		}
		return tx.PutMembership(rbac.Membership{Account: acc, Subsystem: sub, Unit: unit, State: rbac.Active,
			Roles: []rbac.RoleGrant{{Role: role, Level: lvl}}})
	})
	ds.Admins++
	ds.PerSubsystem[sub]++
}

func (b *batcher) flush() error {
	if b.err != nil || len(b.ops) == 0 {
		return b.err
	}
	ops := b.ops
	b.ops = nil
	b.err = b.store.Update(b.ctx, func(tx rbac.Tx) error {
		for _, op := range ops {
			if err := op(tx); err != nil {
				return err
			}
		}
		return nil
	})
	return b.err
}
