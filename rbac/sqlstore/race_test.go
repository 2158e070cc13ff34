package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

func newPostgresWith(t *testing.T, cfg sqlstore.Config) *sqlstore.Store {
	t.Helper()
	db, err := sql.Open("pgx", postgresSchemaDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := sqlstore.NewWithConfig(db, sqlstore.Postgres, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRacingRemovalsOneWins is the check-then-act race the store exists to
// stop: unit p has two super admins, and two Updates each remove one of
// them "unless it is the last". Both read two, then both write. Run one
// after the other, the second must refuse; run concurrently under
// SERIALIZABLE, PostgreSQL aborts one with a serialization failure (write
// skew: neither wrote what the other read), the store runs it again, and on
// the fresh snapshot it sees the last super admin and refuses.
func TestRacingRemovalsOneWins(t *testing.T) {
	s := newPostgresWith(t, sqlstore.Config{})
	ctx := context.Background()
	if err := s.Update(ctx, func(tx rbac.Tx) error {
		if err := tx.PutUnit(rbac.Unit{ID: "p"}); err != nil {
			return err
		}
		for _, a := range []string{"a", "b"} {
			if err := tx.PutSuperAdmin(rbac.SuperAdmin{Account: a, Unit: "p"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// Both transactions read before either writes: the barrier holds each
	// first attempt until the other has read (retries pass straight on).
	var read sync.WaitGroup
	read.Add(2)
	var attempts [2]int
	remove := func(i int, account string) error {
		return s.Update(ctx, func(tx rbac.Tx) error {
			attempts[i]++
			sas, err := tx.SuperAdmins("p")
			if err != nil {
				return err
			}
			if attempts[i] == 1 {
				read.Done()
				waitTimeout(&read, 10*time.Second)
			}
			if len(sas) < 2 {
				return fmt.Errorf("%w: %s is the last super admin of p", rbac.ErrConflict, sas[0].Account)
			}
			return tx.DeleteSuperAdmin(account, "p")
		})
	}
	before := s.Stats()
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, acc := range []string{"a", "b"} {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = remove(i, acc) }()
	}
	wg.Wait()

	won, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, rbac.ErrConflict):
			refused++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if won != 1 || refused != 1 {
		t.Errorf("won %d, refused %d (errors %v); want exactly one of each", won, refused, errs)
	}
	if st := s.Stats(); st.Retries-before.Retries < 1 {
		t.Errorf("no serialization retry happened (stats %+v): the race was not exercised", st)
	}
	if attempts[0]+attempts[1] < 3 {
		t.Errorf("attempts = %v, want a retry", attempts)
	}
	_ = s.View(ctx, func(tx rbac.ReadTx) error {
		sas, _ := tx.SuperAdmins("p")
		if len(sas) != 1 {
			t.Errorf("%d super admins left, want 1", len(sas))
		}
		return nil
	})
}

func waitTimeout(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}

// TestContentionQueuesOnLock: many writers appending to the audit chain
// conflict on every attempt; after LockAfter attempts they queue on the
// schema's write lock, so all succeed within a small retry budget.
func TestContentionQueuesOnLock(t *testing.T) {
	s := newPostgresWith(t, sqlstore.Config{MaxAttempts: 4, LockAfter: 1})
	ctx := context.Background()
	const workers, each = 12, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				errs <- s.Update(ctx, func(tx rbac.Tx) error {
					var seq uint64
					var prev string
					if last, err := tx.LastAudit(); err == nil {
						seq, prev = last.Seq, last.Hash
					} else if !errors.Is(err, rbac.ErrNotFound) {
						return err
					}
					return tx.AppendAudit(rbac.AuditEntry{Seq: seq + 1, Prev: prev, Hash: fmt.Sprint(seq + 1)})
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	st := s.Stats()
	if st.Locked == 0 || st.Exhausted != 0 {
		t.Errorf("stats = %+v, want some locked attempts and none exhausted", st)
	}
	t.Logf("stats: %+v", st)
}

// A failing fn on PostgreSQL leaves nothing, including its audit entry,
// even when it failed after a serialization retry.
func TestFailedUpdateWritesNoAudit(t *testing.T) {
	s := newPostgresWith(t, sqlstore.Config{})
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx rbac.Tx) error {
		if err := tx.AppendAudit(rbac.AuditEntry{Seq: 1, Hash: "h"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v", err)
	}
	_ = s.View(ctx, func(tx rbac.ReadTx) error {
		if _, err := tx.LastAudit(); !errors.Is(err, rbac.ErrNotFound) {
			t.Errorf("audit entry kept: %v", err)
		}
		return nil
	})
}
