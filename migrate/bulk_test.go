package migrate_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
)

// TestBulk: a list with good and bad rows; dry run, run, re-run.
func TestBulk(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		f := newFixture(t, b)
		var list strings.Builder
		list.WriteString("STT,Tài khoản,CCCD/CMND,Phân hệ\n")
		for i := 1; i <= 8; i++ {
			u := fmt.Sprintf("cb%02d", i)
			f.legacy(u, pakn, "na-soyt", rbac.GroupProcessors)
			f.seedData(u, 2, pakn)
			f.member(i, pakn, "na-soyt", rbac.GroupProcessors)
			ident := rbactest.Person(i).CCCD.Number
			if i%2 == 0 {
				ident = rbactest.PersonID(i)
			}
			fmt.Fprintf(&list, "%d,%s,%s,pakn\n", i, u, ident)
		}
		list.WriteString("9,cb09,001099000001,pakn\n")                                // not on Vnconnect
		list.WriteString("10,cb10,12345,pakn\n")                                      // malformed ID
		list.WriteString("11,khongco," + rbactest.Person(11).CCCD.Number + ",pakn\n") // no legacy account
		rows, err := migrate.ParseCSV(strings.NewReader(list.String()))
		if err != nil {
			t.Fatal(err)
		}
		opt := migrate.BulkOptions{Actor: f.admin, Reason: "chuyển đổi hàng loạt", DryRun: true}
		rep, err := f.conv.Bulk(f.ctx, "job1", rows, opt)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Planned != 8 || rep.Refused != 3 || rep.Done != 0 {
			t.Fatalf("dry run: %+v", rep)
		}
		if got := f.owned("cb01"); got != [3]int{2, 2, 2} {
			t.Fatalf("dry run moved data: %v", got)
		}
		opt.DryRun = false
		var progress []int
		opt.Progress = func(done, total int) { progress = append(progress, done) }
		rep, err = f.conv.Bulk(f.ctx, "job1", rows, opt)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Done != 8 || rep.Refused != 3 || len(progress) != 8 {
			t.Fatalf("run: %+v, progress %v", rep, progress)
		}
		for _, r := range rep.Rows {
			if r.State == migrate.RowRefused && r.Error == "" {
				t.Errorf("line %d refused without a reason", r.Line)
			}
			if r.State == migrate.RowDone {
				if err := f.conv.Verify(f.ctx, r.Conversion); err != nil {
					t.Error(err)
				}
			}
		}
		if got := f.owned(rbactest.PersonID(3)); got != [3]int{2, 2, 2} {
			t.Errorf("u03 owns %v", got)
		}
		// Re-run: idempotent.
		again, err := f.conv.Bulk(f.ctx, "job1", rows, opt)
		if err != nil || again.Done != 8 {
			t.Fatalf("re-run: %+v %v", again, err)
		}
		if got := f.owned(rbactest.PersonID(3)); got != [3]int{2, 2, 2} {
			t.Errorf("re-run changed data: %v", got)
		}
		// A job's list cannot change under it.
		rows[0].Username = "someone-else"
		if _, err := f.conv.Bulk(f.ctx, "job1", rows, opt); err == nil {
			t.Error("a changed list was accepted")
		}
	})
}
