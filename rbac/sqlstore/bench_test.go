package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/rbac"
)

// BenchmarkListManagedUsers measures the first page (50) of "users within
// my scope" on PostgreSQL over the national dataset (nationalData): through
// rbac.Service.ListUsers as the admin API calls it, and the store's
// ListMemberships alone. Goal: ≤ 20 ms per page.
//
//	go test ./rbac/sqlstore -run '^$' -bench ListManagedUsers -benchtime 200x
//
// Setting up the dataset (generate + COPY + ANALYZE) takes about a minute
// and is done once for all sub-benchmarks.
func BenchmarkListManagedUsers(b *testing.B) {
	dsn := postgresSchemaDSN(b)
	ctx := context.Background()
	start := time.Now()
	store, err := openPostgresDSN(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	data := genNational(1)
	if err := data.load(ctx, dsn); err != nil {
		b.Fatal(err)
	}
	// The actors: admins at each level and a super admin, written through
	// the store like any other record.
	err = store.Update(ctx, func(tx rbac.Tx) error {
		for _, sub := range []rbac.Subsystem{rbac.Quantri(), rbac.PAKN(), rbac.CSDL(), {ID: "dvc", Name: "Dịch vụ công",
			Roles: []rbac.Role{{ID: rbac.RoleUnitAdmin, Admin: true, MinLevel: 1}, {ID: rbac.RoleProcessor}}}} {
			if err := tx.PutSubsystem(sub); err != nil {
				return err
			}
		}
		for actor, unit := range map[string]string{"admin-province": data.province, "admin-district": data.district, "admin-commune": data.commune} {
			level := map[string]rbac.Level{"admin-province": 1, "admin-district": 2, "admin-commune": 3}[actor]
			if err := tx.PutMembership(rbac.Membership{Account: actor, Subsystem: rbac.SubsystemPAKN, Unit: rbac.UnitID(unit),
				State: rbac.Active, Roles: []rbac.RoleGrant{{Role: rbac.RoleUnitAdmin, Level: level}}}); err != nil {
				return err
			}
		}
		return tx.PutSuperAdmin(rbac.SuperAdmin{Account: "super-province", Unit: rbac.UnitID(data.province)})
	})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := rbac.New(rbac.Config{Store: store, Operators: []string{"operator"}})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("dataset: %d units, %d accounts, %d memberships; set up in %v",
		len(data.units), len(data.accounts), len(data.members), time.Since(start).Round(time.Millisecond))

	service := []struct {
		name   string
		actor  string
		filter rbac.UserFilter
	}{
		{"service/province-admin", "admin-province", rbac.UserFilter{}},
		{"service/district-admin", "admin-district", rbac.UserFilter{}},
		{"service/commune-admin", "admin-commune", rbac.UserFilter{}},
		{"service/province-super-admin", "super-province", rbac.UserFilter{}},
		{"service/operator", "operator", rbac.UserFilter{}},
		{"service/province-admin/pending", "admin-province", rbac.UserFilter{State: rbac.Pending}},
		{"service/province-admin/name", "admin-province", rbac.UserFilter{Name: "nguyen van hung"}},
		{"service/province-admin/role", "admin-province", rbac.UserFilter{Role: rbac.RoleUnitAdmin}},
	}
	for _, bc := range service {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				page, err := svc.ListUsers(ctx, bc.actor, bc.filter)
				if err != nil {
					b.Fatal(err)
				}
				if len(page.Users) == 0 {
					b.Fatal("empty page")
				}
			}
		})
	}
	for _, bc := range []struct {
		name string
		q    rbac.MembershipQuery
	}{
		{"store/province-one-subsystem", rbac.MembershipQuery{Scopes: []rbac.Scope{{Subsystem: rbac.SubsystemPAKN, Unit: rbac.UnitID(data.province)}}}},
		{"store/province-all-subsystems", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: rbac.UnitID(data.province)}}}},
		{"store/commune-one-subsystem", rbac.MembershipQuery{Scopes: []rbac.Scope{{Subsystem: rbac.SubsystemPAKN, Unit: rbac.UnitID(data.commune)}}}},
		{"store/national", rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "vn"}}}},
	} {
		bc.q.Limit = 50
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				err := store.View(ctx, func(tx rbac.ReadTx) error {
					ms, err := tx.ListMemberships(bc.q)
					if err == nil && len(ms) == 0 {
						b.Fatal("empty page")
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
