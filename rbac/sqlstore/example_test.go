package sqlstore_test

import (
	"context"
	"fmt"
	"log"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

// An in-memory SQLite store, migrated and ready, used as rbac.Store: one
// Update writes a unit tree and a membership, a View lists the users of a
// subtree by a name typed without diacritics.
func Example() {
	ctx := context.Background()
	store, err := sqlstore.OpenSQLite(ctx, ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	err = store.Update(ctx, func(tx rbac.Tx) error {
		for _, u := range []rbac.Unit{
			{ID: "h41", Name: "Tỉnh Nghệ An", Kind: rbac.KindProvince},
			{ID: "h41.vinh", Parent: "h41", Name: "Phường Vinh", Kind: rbac.KindCommune},
		} {
			if err := tx.PutUnit(u); err != nil {
				return err
			}
		}
		if err := tx.PutAccount(rbac.Account{TechID: "t-1", FullName: "Nguyễn Thị Hương"}); err != nil {
			return err
		}
		return tx.PutMembership(rbac.Membership{Account: "t-1", Subsystem: rbac.SubsystemPAKN, Unit: "h41.vinh", State: rbac.Pending})
	})
	if err != nil {
		log.Fatal(err)
	}

	err = store.View(ctx, func(tx rbac.ReadTx) error {
		ms, err := tx.ListMemberships(rbac.MembershipQuery{
			Scopes: []rbac.Scope{{Subsystem: rbac.SubsystemPAKN, Unit: "h41"}},
			Name:   "nguyen huong",
			Limit:  50,
		})
		for _, m := range ms {
			fmt.Println(m.Account, m.Unit, m.State.Label())
		}
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("schema version", sqlstore.SchemaVersion(sqlstore.SQLite))
	// Output:
	// t-1 h41.vinh Chưa kích hoạt
	// schema version 2
}
