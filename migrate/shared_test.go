package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
)

// eachShared runs fn where app and rbac share one database.
func eachShared(t *testing.T, fn func(t *testing.T, b *backend)) {
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); fn(t, newSQLiteSharedBackend(t)) })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); fn(t, newPostgresBackendMode(t, migrate.TxShared)) })
}

// errMidway is the injected failure.
var errMidway = errors.New("disk full midway")

// midwayMover moves its rows for real, then fails: the shared transaction
// must take the moved rows back with everything else.
type midwayMover struct{ migrate.Mover }

func (m midwayMover) Move(ctx context.Context, q migrate.Querier, s migrate.Scope) (migrate.Moved, error) {
	if _, err := m.Mover.Move(ctx, q, s); err != nil {
		return nil, err
	}
	return nil, errMidway
}

// snapshot is everything a conversion could change.
type snapshot struct {
	from, to   [3]int
	fromM, toM rbac.Membership
	fromErr    error
	chain      uint64
	locks      int
}

func (f *fixture) snapshot(from, to string) snapshot {
	f.t.Helper()
	s := snapshot{from: f.owned(from), to: f.owned(to), chain: f.w.VerifyChain()}
	s.fromM, s.fromErr = f.membership(from, pakn)
	s.toM, _ = f.membership(to, pakn)
	if err := f.b.db.QueryRow(`SELECT COUNT(*) FROM rpkit_conversion_locks`).Scan(&s.locks); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// TestSharedFailureLeavesNothing: a mover fails after moving its rows, in
// the middle of a shared conversion of each kind; afterwards the app rows,
// the legacy login, both memberships, the audit chain, the journal and
// its locks are exactly as before.
func TestSharedFailureLeavesNothing(t *testing.T) {
	eachShared(t, func(t *testing.T, b *backend) {
		f := newFixture(t, b)
		f.legacy("nguyenvana", pakn, "na-soyt", rbac.GroupProcessors)
		from := f.member(1, pakn, "na-soyt", rbac.GroupProcessors)
		to := f.member(2, pakn, "na-soyt", rbac.GroupProcessors)
		f.seedData("nguyenvana", 3, pakn)
		f.seedData(from, 2, pakn)
		f.seedData(to, 1, pakn)

		base, _ := migrate.NewSQLMover("app", b.d, appTables[0], appTables[2])
		leg, _ := migrate.NewSQLLegacy(b.d, migrate.LegacyTable{})
		// The good mover runs first, so rows have moved when the second
		// one moves its own and fails.
		other, _ := migrate.NewSQLMover("other", b.d, appTables[1])
		conv, err := migrate.New(migrate.Config{DB: b.db, Dialect: b.d, RBAC: f.w.Svc, Legacy: leg, Clock: f.clock,
			Movers: []migrate.Mover{base, midwayMover{other}}, Transactions: migrate.TxShared})
		if err != nil {
			t.Fatal(err)
		}
		for _, req := range []migrate.Request{
			{ID: "cv-legacy", Kind: migrate.FromLegacy, From: "nguyenvana", To: to, Actor: f.admin, Reason: "thử lỗi"},
			{ID: "cv-vn", Kind: migrate.FromVnconnect, From: from, To: to, Actor: f.admin, Reason: "thử lỗi"},
		} {
			before := f.snapshot(req.From, to)
			if _, err := conv.Execute(f.ctx, req); !errors.Is(err, errMidway) {
				t.Fatalf("%s: got %v, want the injected failure", req.ID, err)
			}
			after := f.snapshot(req.From, to)
			if before.from != after.from || before.to != after.to {
				t.Errorf("%s: rows moved: %v→%v, %v→%v", req.ID, before.from, after.from, before.to, after.to)
			}
			if (before.fromErr == nil) != (after.fromErr == nil) || !sameRights(before.fromM, after.fromM) || !sameRights(before.toM, after.toM) {
				t.Errorf("%s: memberships changed", req.ID)
			}
			if before.chain != after.chain {
				t.Errorf("%s: audit chain grew from %d to %d entries", req.ID, before.chain, after.chain)
			}
			if after.locks != 0 {
				t.Errorf("%s: %d lock rows left", req.ID, after.locks)
			}
			if _, err := conv.Get(f.ctx, req.ID); !errors.Is(err, migrate.ErrNotFound) {
				t.Errorf("%s: journal row: %v", req.ID, err)
			}
		}
		f.assertLegacy("nguyenvana", pakn, false, "")

		// The same requests go through once the mover is fixed.
		good, _ := migrate.New(migrate.Config{DB: b.db, Dialect: b.d, RBAC: f.w.Svc, Legacy: leg, Clock: f.clock,
			Movers: []migrate.Mover{base, other}, Transactions: migrate.TxShared})
		cv, err := good.Execute(f.ctx, legacyReq("nguyenvana", to, f.admin))
		if err != nil {
			t.Fatal(err)
		}
		if err := good.Verify(f.ctx, cv.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// TestTxModes: TxShared refuses rbac on another database with
// ErrNotShared; TxAuto takes the journal there.
func TestTxModes(t *testing.T) {
	b := newSQLiteBackend(t) // two files
	f := newFixture(t, b)
	f.legacy("a", pakn, "na-soyt", rbac.GroupProcessors)
	to := f.member(2, pakn, "na-soyt", rbac.GroupProcessors)
	leg, _ := migrate.NewSQLLegacy(b.d, migrate.LegacyTable{})
	strict, err := migrate.New(migrate.Config{DB: b.db, Dialect: b.d, RBAC: f.w.Svc, Legacy: leg, Transactions: migrate.TxShared})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := strict.Execute(f.ctx, legacyReq("a", to, f.admin)); !errors.Is(err, migrate.ErrNotShared) {
		t.Fatalf("TxShared on two files: %v", err)
	}
	auto, _ := migrate.New(migrate.Config{DB: b.db, Dialect: b.d, RBAC: f.w.Svc, Legacy: leg})
	cv, err := auto.Execute(f.ctx, legacyReq("a", to, f.admin))
	if err != nil {
		t.Fatal(err)
	}
	if cv.State != migrate.StateDone {
		t.Fatalf("state %s", cv.State)
	}
	if _, err := migrate.New(migrate.Config{DB: b.db, Dialect: b.d, RBAC: f.w.Svc, Transactions: 9}); !errors.Is(err, migrate.ErrInvalid) {
		t.Errorf("unknown mode: %v", err)
	}
}

// TestSharedBulkBatchFallback: a batch holding a row that fails its
// preconditions at execution is rolled back and run row by row: the good
// rows are done, the bad one refused with its reason, nothing converted
// twice on a re-run.
func TestSharedBulkBatchFallback(t *testing.T) {
	eachShared(t, func(t *testing.T, b *backend) {
		f := newFixture(t, b)
		var list strings.Builder
		list.WriteString("username,techid,subsystem\n")
		for i := 1; i <= 5; i++ {
			u := fmt.Sprintf("cb%02d", i)
			if i != 3 { // cb03 has no legacy account: source-not-found
				f.legacy(u, pakn, "na-soyt", rbac.GroupProcessors)
				f.seedData(u, 2, pakn)
			}
			fmt.Fprintf(&list, "%s,%s,pakn\n", u, f.member(i, pakn, "na-soyt", rbac.GroupProcessors))
		}
		rows, err := migrate.ParseCSV(strings.NewReader(list.String()))
		if err != nil {
			t.Fatal(err)
		}
		opt := migrate.BulkOptions{Actor: f.admin, Reason: "hàng loạt", Batch: 10}
		chain := f.w.VerifyChain()
		rep, err := f.conv.Bulk(f.ctx, "fallback", rows, opt)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Done != 4 || rep.Refused != 1 {
			t.Fatalf("report %+v", rep)
		}
		for _, r := range rep.Rows {
			if r.Username == "cb03" && (r.State != migrate.RowRefused || !strings.Contains(r.Error, migrate.CodeSourceNotFound)) {
				t.Errorf("cb03: %+v", r)
			}
			if r.State == migrate.RowDone {
				if err := f.conv.Verify(f.ctx, r.Conversion); err != nil {
					t.Error(err)
				}
			}
		}
		if got := f.w.VerifyChain() - chain; got != 4 {
			t.Errorf("%d audit entries, want 4", got)
		}
		again, err := f.conv.Bulk(f.ctx, "fallback", rows, opt)
		if err != nil || again.Done != 4 || f.w.VerifyChain()-chain != 4 {
			t.Fatalf("re-run: %+v %v", again, err)
		}
	})
}
