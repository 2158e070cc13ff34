package migrate_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
)

// batchWorld gives n legacy accounts (persons first…) rows and a Vnconnect target each (the
// targets own a row already, so the plans' TargetBefore is not all zero)
// and returns the list.
func batchWorld(f *fixture, first, n int, prefix string) []migrate.BulkRow {
	f.t.Helper()
	var list strings.Builder
	list.WriteString("username,techid,subsystem\n")
	for i := first; i < first+n; i++ {
		u := fmt.Sprintf("%s%02d", prefix, i)
		f.legacy(u, pakn, "na-soyt", rbac.GroupProcessors)
		f.seedData(u, 1+(i-first)%3, pakn)
		to := f.member(i, pakn, "na-soyt", rbac.GroupProcessors)
		f.seedData(to, (i-first)%2, pakn)
		fmt.Fprintf(&list, "%s,%s,pakn\n", u, to)
	}
	rows, err := migrate.ParseCSV(strings.NewReader(list.String()))
	if err != nil {
		f.t.Fatal(err)
	}
	return rows
}

// TestSharedBulkBatched: rows converted in batches end exactly as rows
// converted one transaction each — the same plans (row counts equal to the
// moved keys, the targets' rows before), one audit entry per row in a
// chain that verifies, journal rows that Verify and Revert accept, no lock
// left behind.
func TestSharedBulkBatched(t *testing.T) {
	eachShared(t, func(t *testing.T, b *backend) {
		const n = 7
		f := newFixture(t, b)
		plans := map[int][]migrate.Plan{}
		for _, batch := range []int{1, 3} {
			rows := batchWorld(f, 1+10*batch, n, fmt.Sprintf("b%d_", batch))
			chain := f.w.VerifyChain()
			rep, err := f.conv.Bulk(f.ctx, fmt.Sprintf("batch%d", batch), rows, migrate.BulkOptions{Actor: f.admin, Reason: "hàng loạt", Batch: batch})
			if err != nil || rep.Done != n {
				t.Fatalf("batch %d: %+v %v", batch, rep, err)
			}
			if got := f.w.VerifyChain() - chain; got != n {
				t.Errorf("batch %d: %d audit entries, want %d", batch, got, n)
			}
			created := map[int64]int{} // a batch's rows share their transaction's time
			for _, r := range rep.Rows {
				cv, err := f.conv.Get(f.ctx, r.Conversion)
				if err != nil {
					t.Fatal(err)
				}
				created[cv.CreatedAt.UnixMicro()]++
				moved := int64(0)
				for _, mv := range cv.Moved {
					for _, k := range mv {
						moved += int64(len(k.Keys))
					}
				}
				if cv.State != migrate.StateDone || cv.Plan.Rows.Total() != moved || moved == 0 {
					t.Errorf("batch %d line %d: state %s, plan %d rows, moved %d", batch, r.Line, cv.State, cv.Plan.Rows.Total(), moved)
				}
				if err := f.conv.Verify(f.ctx, cv.ID); err != nil {
					t.Errorf("batch %d line %d: %v", batch, r.Line, err)
				}
				p := cv.Plan
				p.From, p.To, p.Rights = "", "", nil // names and membership times differ between the two worlds
				plans[batch] = append(plans[batch], p)
			}
			if want := (n + batch - 1) / batch; len(created) != want {
				t.Errorf("batch %d: %d distinct conversion times, want %d (one per batch): %v", batch, len(created), want, created)
			}
			var locks int
			if err := f.b.db.QueryRow(`SELECT COUNT(*) FROM rpkit_conversion_locks`).Scan(&locks); err != nil || locks != 0 {
				t.Errorf("batch %d: %d lock rows left (%v)", batch, locks, err)
			}
			// A batched conversion reverts like any other.
			first := rep.Rows[0]
			if _, err := f.conv.Revert(f.ctx, f.admin, first.Conversion, "nhầm"); err != nil {
				t.Fatalf("batch %d: revert: %v", batch, err)
			}
			if got := f.owned(first.Username); got[0] == 0 {
				t.Errorf("batch %d: revert left %s with %v", batch, first.Username, got)
			}
			f.w.VerifyChain()
		}
		if !reflect.DeepEqual(plans[1], plans[3]) {
			t.Errorf("plans differ:\nbatch 1: %+v\nbatch 3: %+v", plans[1], plans[3])
		}
	})
}

// TestSharedBulkBatchNeedsRows: what only a row's own run can answer sends
// the batch row by row — an account held by another conversion's lock row
// (in-flight), an account listed twice (converted once, then refused).
func TestSharedBulkBatchNeedsRows(t *testing.T) {
	eachShared(t, func(t *testing.T, b *backend) {
		f := newFixture(t, b)
		rows := batchWorld(f, 1, 4, "k")
		f.exec(`INSERT INTO rpkit_conversion_locks (account, conversion_id) VALUES (?, ?)`, "legacy:k02", "other-conversion")
		rows = append(rows, rows[2]) // k03 again
		rows[4].Line = 6
		chain := f.w.VerifyChain()
		rep, err := f.conv.Bulk(f.ctx, "needs-rows", rows, migrate.BulkOptions{Actor: f.admin, Reason: "hàng loạt", Batch: 10})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Done != 3 || rep.Refused != 2 {
			t.Fatalf("report %+v", rep)
		}
		for _, r := range rep.Rows {
			switch {
			case r.Username == "k02" && !strings.Contains(r.Error, migrate.CodeInFlight):
				t.Errorf("k02: %+v", r)
			case r.Line == 6 && !strings.Contains(r.Error, migrate.CodeAlreadyConverted):
				t.Errorf("k03 again: %+v", r)
			}
		}
		if got := f.w.VerifyChain() - chain; got != 3 {
			t.Errorf("%d audit entries, want 3", got)
		}
	})
}

// TestSharedBulkConcurrentRuns: two converters (as two processes would)
// run the same job at once, in batches; every row is converted exactly
// once — one audit entry and one journal row each, every row's data with
// its target — and both runs report every row done.
func TestSharedBulkConcurrentRuns(t *testing.T) {
	eachShared(t, func(t *testing.T, b *backend) {
		f := newFixture(t, b)
		const n = 12
		rows := batchWorld(f, 1, n, "race")
		opt := migrate.BulkOptions{Actor: f.admin, Reason: "hàng loạt", Batch: 4}
		dry := opt
		dry.DryRun = true
		if _, err := f.conv.Bulk(f.ctx, "race", rows, dry); err != nil { // the list is stored once
			t.Fatal(err)
		}
		chain := f.w.VerifyChain()
		convs := [2]*migrate.Converter{f.converter(0), f.converter(0)}
		var reps [2]migrate.BulkReport
		var errs [2]error
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				reps[i], errs[i] = convs[i].Bulk(context.Background(), "race", rows, opt)
			}()
		}
		close(start)
		wg.Wait()
		for i := range 2 {
			if errs[i] != nil || reps[i].Done != n {
				t.Errorf("run %d: %+v %v", i, reps[i], errs[i])
			}
		}
		if got := f.w.VerifyChain() - chain; got != n {
			t.Errorf("%d audit entries, want %d", got, n)
		}
		var journaled, locks int
		if err := f.b.db.QueryRow(`SELECT COUNT(*) FROM rpkit_conversions`).Scan(&journaled); err != nil || journaled != n {
			t.Errorf("%d journal rows (%v), want %d", journaled, err, n)
		}
		if err := f.b.db.QueryRow(`SELECT COUNT(*) FROM rpkit_conversion_locks`).Scan(&locks); err != nil || locks != 0 {
			t.Errorf("%d lock rows left (%v)", locks, err)
		}
		for _, r := range reps[0].Rows {
			if got := f.owned(r.Username); got != [3]int{} {
				t.Errorf("%s still owns %v", r.Username, got)
			}
			if err := f.conv.Verify(f.ctx, r.Conversion); err != nil {
				t.Errorf("line %d: %v", r.Line, err)
			}
		}
	})
}
