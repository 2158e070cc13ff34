package rbac_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbacgen"
)

// benchSizes are the dataset sizes the hot-path benchmarks compare: the
// cost should not grow with the data. 10k is ordinary memberships (the
// 13,083 admins come on top: fewer would not staff the tree); 1M is the
// total, admins included, as the issue asks.
var benchSizes = []rbacgen.Config{
	{Units: 100_000, Memberships: 10_000, Pairs: 4096, Seed: 1},
	{Units: 100_000, Memberships: 1_000_000, CountAdmins: true, Pairs: 4096, Seed: 1},
}

// BenchmarkCanManage asks Can(admin, lock, member) on the national dataset
// (the real tree topped up to 100k units in 5 levels, memberships over 4
// subsystems) in memory. The box these run on is shared, so besides ns/op
// (wall clock) it reports cpu-ns/op: the benchmark thread's own CPU time.
//
//	go test ./rbac -run '^$' -bench 'CanManage|Authorize' -benchmem -count=5
func BenchmarkCanManage(b *testing.B) {
	for _, cfg := range benchSizes {
		b.Run("memberships="+human(cfg.Memberships), func(b *testing.B) {
			svc, ds, perMember := national(b, cfg)
			ctx := context.Background()
			pairs := ds.Pairs
			b.ReportAllocs()
			cpu := startCPU(b)
			i := 0
			for b.Loop() {
				p := pairs[i%len(pairs)]
				i++
				if err := svc.Can(ctx, p.Actor, rbac.ActLock, rbac.Target{Account: p.Target.Account, Subsystem: p.Target.Subsystem}); err != nil {
					b.Fatalf("%+v: %v", p, err)
				}
			}
			cpu.stop()
			// After the loop: b.Loop drops metrics reported before it.
			b.ReportMetric(perMember, "B/membership")
		})
	}
}

// BenchmarkAuthorize is the application's per-request check: an admin
// using PermManageUsers over the unit of a member it manages. The units are
// looked up before the loop, so only Authorize is timed.
func BenchmarkAuthorize(b *testing.B) {
	for _, cfg := range benchSizes {
		b.Run("memberships="+human(cfg.Memberships), func(b *testing.B) {
			svc, ds, _ := national(b, cfg)
			ctx := context.Background()
			type ask struct {
				actor string
				sub   rbac.SubsystemID
				unit  rbac.UnitID
			}
			asks := make([]ask, len(ds.Pairs))
			for i, p := range ds.Pairs {
				asks[i] = ask{p.Actor, p.Target.Subsystem, unitOf(b, svc, p.Target)}
			}
			b.ReportAllocs()
			cpu := startCPU(b)
			i := 0
			for b.Loop() {
				a := &asks[i%len(asks)]
				i++
				if err := svc.Authorize(ctx, a.actor, rbac.PermManageUsers, a.sub, a.unit); err != nil {
					b.Fatal(err)
				}
			}
			cpu.stop()
		})
	}
}

func unitOf(b *testing.B, svc *rbac.Service, k rbac.MembershipKey) rbac.UnitID {
	var u rbac.UnitID
	if err := svc.Store().View(context.Background(), func(tx rbac.ReadTx) error {
		m, err := tx.Membership(k.Account, k.Subsystem)
		u = m.Unit
		return err
	}); err != nil {
		b.Fatal(err)
	}
	return u
}

// national generates the dataset into a fresh memory store and returns the
// heap it costs per membership (accounts, indexes and tree included).
func national(b *testing.B, cfg rbacgen.Config) (*rbac.Service, *rbacgen.Dataset, float64) {
	b.Helper()
	units, err := rbacgen.LoadUnits(filepath.Join(testenv.SharedDir(b), "testdata", "units", "units-2025-03-01.csv"))
	if err != nil {
		b.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	store := rbac.NewMemoryStore()
	ds, err := rbacgen.Generate(context.Background(), store, units, cfg)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	total := ds.Memberships + ds.Admins
	heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	per := heap / float64(total)
	subs := make([]string, 0, len(ds.PerSubsystem))
	for sub, n := range ds.PerSubsystem {
		subs = append(subs, fmt.Sprintf("%s %d", sub, n))
	}
	slices.Sort(subs)
	b.Logf("dataset: %d units in %d levels, %d accounts, %d memberships (%d ordinary + %d admins; %v), %d super admins; heap %.1f MiB, %.0f B per membership",
		ds.Units, ds.Levels, ds.Accounts, total, ds.Memberships, ds.Admins, subs, ds.SuperAdmins, heap/(1<<20), per)
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
