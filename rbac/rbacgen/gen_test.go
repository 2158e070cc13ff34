package rbacgen_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbacgen"
)

// TestGenerateSizes: the shape — 100k units in 5 levels exactly,
// and with CountAdmins exactly the memberships asked for, on 4 subsystems.
// (1M takes a minute; the benchmark builds that one.)
func TestGenerateSizes(t *testing.T) {
	units, err := rbacgen.LoadUnits(filepath.Join(testenv.SharedDir(t), "testdata", "units", "units-2025-03-01.csv"))
	if err != nil {
		t.Fatal(err)
	}
	store := rbac.NewMemoryStore()
	ds, err := rbacgen.Generate(context.Background(), store, units, rbacgen.Config{Units: 100_000, Memberships: 20_000, CountAdmins: true, Pairs: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Units != 100_000 || ds.Levels != 5 || ds.Memberships+ds.Admins != 20_000 || len(ds.PerSubsystem) != 4 {
		t.Fatalf("got %d units in %d levels, %d+%d memberships on %d subsystems", ds.Units, ds.Levels, ds.Memberships, ds.Admins, len(ds.PerSubsystem))
	}
	sum := 0
	for _, n := range ds.PerSubsystem {
		sum += n
	}
	var stored int
	if err := store.View(context.Background(), func(tx rbac.ReadTx) error {
		all, err := tx.ListMemberships(rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: rbacgen.RootID}}})
		stored = len(all)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if sum != 20_000 || stored != 20_000 {
		t.Fatalf("per subsystem sum %d, stored %d, want 20000", sum, stored)
	}
	if _, err := rbacgen.Generate(context.Background(), rbac.NewMemoryStore(), units, rbacgen.Config{Units: 20_000, Memberships: 100, CountAdmins: true}); err == nil {
		t.Fatal("fewer memberships than admins: want an error")
	}
}
