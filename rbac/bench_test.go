package rbac_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbacgen"
)

// BenchmarkCanManage asks Can(admin, lock, member) on the national dataset
// (the real tree topped up to 100k units in 5 levels, memberships over 4
// subsystems) in memory. The cost should not grow with the data: compare
// memberships=10k with memberships=1M.
//
//	go test ./rbac -run '^$' -bench CanManage -benchmem
func BenchmarkCanManage(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("memberships=%s", human(n)), func(b *testing.B) {
			svc, ds, perMember := national(b, n)
			ctx := context.Background()
			pairs := ds.Pairs
			b.ReportMetric(perMember, "B/membership")
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				p := pairs[i%len(pairs)]
				i++
				if err := svc.Can(ctx, p.Actor, rbac.ActLock, rbac.Target{Account: p.Target.Account, Subsystem: p.Target.Subsystem}); err != nil {
					b.Fatalf("%+v: %v", p, err)
				}
			}
		})
	}
}

// BenchmarkAuthorize is the application's per-request check.
func BenchmarkAuthorize(b *testing.B) {
	svc, ds, _ := national(b, 10_000)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := ds.Pairs[i%len(ds.Pairs)]
		i++
		if p.Level == 0 {
			continue
		}
		if err := svc.Authorize(ctx, p.Actor, rbac.PermManageUsers, p.Target.Subsystem, rbac.UnitID(p.Target.Account[:0]+string(unitOf(svc, p)))); err != nil {
			b.Fatal(err)
		}
	}
}

func unitOf(svc *rbac.Service, p rbacgen.Pair) rbac.UnitID {
	var u rbac.UnitID
	_ = svc.Store().View(context.Background(), func(tx rbac.ReadTx) error {
		m, err := tx.Membership(p.Target.Account, p.Target.Subsystem)
		u = m.Unit
		return err
	})
	return u
}

// national generates the dataset into a fresh memory store and returns the
// heap it costs per membership (accounts, indexes and tree included).
func national(b *testing.B, memberships int) (*rbac.Service, *rbacgen.Dataset, float64) {
	b.Helper()
	units, err := rbacgen.LoadUnits(filepath.Join(testenv.SharedDir(b), "testdata", "units", "units-2025-03-01.csv"))
	if err != nil {
		b.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	store := rbac.NewMemoryStore()
	ds, err := rbacgen.Generate(context.Background(), store, units, rbacgen.Config{Units: 100_000, Memberships: memberships, Pairs: 4096, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	total := ds.Memberships + ds.Admins
	per := float64(after.HeapAlloc-before.HeapAlloc) / float64(total)
	b.Logf("dataset: %d units, %d accounts, %d memberships + %d admins, %d super admins; heap %.1f MiB, %.0f B per membership",
		ds.Units, ds.Accounts, ds.Memberships, ds.Admins, ds.SuperAdmins, float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), per)
	svc, err := rbac.New(rbac.Config{Store: store})
	if err != nil {
		b.Fatal(err)
	}
	runtime.KeepAlive(store)
	return svc, ds, per
}

func human(n int) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}
