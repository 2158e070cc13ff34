package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
)

// TestConcurrentConversions: two converters (as two processes would) race
// to convert the same account to two different targets; exactly one wins,
// the other is refused with an explanation, and every row ends with the
// winner.
func TestConcurrentConversions(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		f := newFixture(t, b)
		const rounds = 6
		for r := range rounds {
			user := fmt.Sprintf("racer%d", r)
			f.legacy(user, pakn, "na-soyt", rbac.GroupProcessors)
			f.seedData(user, 3, pakn)
			targets := [2]string{f.member(10+2*r, pakn, "na-soyt", rbac.GroupProcessors), f.member(11+2*r, pakn, "na-soyt", rbac.GroupProcessors)}
			convs := [2]*migrate.Converter{f.converter(0), f.converter(0)}
			var wg sync.WaitGroup
			var errs [2]error
			start := make(chan struct{})
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = convs[i].Execute(context.Background(), legacyReq(user, targets[i], f.admin))
				}()
			}
			close(start)
			wg.Wait()
			winners := 0
			winner := ""
			for i, err := range errs {
				switch code := migrate.PreconditionCode(err); {
				case err == nil:
					winners++
					winner = targets[i]
				case code == migrate.CodeInFlight || code == migrate.CodeAlreadyConverted:
				default:
					t.Errorf("round %d: loser failed with %v", r, err)
				}
			}
			if winners != 1 {
				t.Fatalf("round %d: %d winners (%v)", r, winners, errs)
			}
			if got := f.owned(winner); got != [3]int{3, 3, 3} {
				t.Errorf("round %d: winner owns %v", r, got)
			}
			if got := f.owned(user); got != [3]int{} {
				t.Errorf("round %d: source still owns %v", r, got)
			}
		}
		// Vnconnect → Vnconnect: the same source, two targets.
		from := f.member(1, pakn, "na-tt", rbac.GroupProcessors)
		a := f.member(2, pakn, "na-tt", rbac.GroupProcessors)
		c := f.member(3, pakn, "na-tt", rbac.GroupProcessors)
		f.seedData(from, 2, pakn)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, to := range []string{a, c} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.converter(0).Execute(context.Background(), migrate.Request{Kind: migrate.FromVnconnect, From: from, To: to, Actor: f.admin, Reason: "đua"})
			}()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("vnconnect race: %v", errs)
		}
		for _, err := range errs {
			if err != nil && !errors.Is(err, migrate.ErrPrecondition) {
				t.Errorf("loser: %v", err)
			}
		}
		f.w.VerifyChain()
	})
}

// failingMover fails its first Move, as a crash inside the app step would.
type failingMover struct {
	migrate.Mover
	fail bool
}

func (m *failingMover) Move(ctx context.Context, q migrate.Querier, s migrate.Scope) (migrate.Moved, error) {
	if m.fail {
		m.fail = false
		return nil, errors.New("disk full")
	}
	return m.Mover.Move(ctx, q, s)
}

// TestRollbackAndResume: a conversion that stopped in "planned" keeps its
// locks, resumes to done, or rolls back and frees the accounts.
func TestRollbackAndResume(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		f := newFixture(t, b)
		f.legacy("a", pakn, "na-soyt", rbac.GroupProcessors)
		f.legacy("b", pakn, "na-soyt", rbac.GroupProcessors)
		to := f.member(2, pakn, "na-soyt", rbac.GroupProcessors)
		f.seedData("a", 2, pakn)
		base, _ := migrate.NewSQLMover("app", b.d, appTables...)
		leg, _ := migrate.NewSQLLegacy(b.d, migrate.LegacyTable{})
		fm := &failingMover{Mover: base, fail: true}
		// The journal's states are what this test is about.
		conv, err := migrate.New(migrate.Config{DB: b.db, Dialect: b.d, RBAC: f.w.Svc, Legacy: leg, Movers: []migrate.Mover{fm}, Clock: f.clock,
			Transactions: migrate.TxJournal})
		if err != nil {
			t.Fatal(err)
		}
		req := legacyReq("a", to, f.admin)
		req.ID = "cv-a"
		if _, err := conv.Execute(f.ctx, req); err == nil {
			t.Fatal("the failing mover did not fail")
		}
		ids, _ := conv.Unfinished(f.ctx)
		if len(ids) != 1 || ids[0] != "cv-a" {
			t.Fatalf("unfinished %v", ids)
		}
		// Held: the target is locked by cv-a.
		if _, err := conv.Execute(f.ctx, legacyReq("b", to, f.admin)); migrate.PreconditionCode(err) != migrate.CodeInFlight {
			t.Errorf("while cv-a is planned: %v", err)
		}
		rb, err := conv.Rollback(f.ctx, f.admin, "cv-a", "hủy")
		if err != nil || rb.State != migrate.StateFailed {
			t.Fatalf("rollback: %v %v", rb, err)
		}
		if got := f.owned("a"); got != [3]int{2, 2, 2} {
			t.Errorf("after rollback the source owns %v", got)
		}
		// Resume with the same ID is idempotent on a finished conversion;
		// a fresh conversion runs.
		cv, err := conv.Execute(f.ctx, legacyReq("a", to, f.admin))
		if err != nil {
			t.Fatal(err)
		}
		if again, err := conv.Resume(f.ctx, cv.ID); err != nil || again.State != migrate.StateDone {
			t.Fatalf("resume of a done conversion: %v %v", again, err)
		}
		if err := conv.Verify(f.ctx, cv.ID); err != nil {
			t.Fatal(err)
		}
	})
}
