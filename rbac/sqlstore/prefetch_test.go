package sqlstore_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

// TestPrefetch: after Prefetch, Holding and Account answer what a
// transaction that read nothing ahead answers, for members, super admins,
// missing memberships, accounts never stored and the "" subsystem; a
// write after the prefetch is seen.
func TestPrefetch(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store) {
		w := rbactest.NewWorld(t, s)
		super := w.Super("p-na")
		m1 := w.Member(super, 1, "pakn", "na-soyt")
		m2 := w.Member(super, 2, "pakn", "na-soyt")
		var keys []rbac.MembershipKey
		for _, a := range []string{super, m1, m2, "legacy:cb01", "khong-co"} {
			for _, sub := range []rbac.SubsystemID{"pakn", "quantri", ""} {
				keys = append(keys, rbac.MembershipKey{Account: a, Subsystem: sub})
			}
		}
		keys = append(keys, keys[0]) // a key twice
		accounts := []string{super, m1, m2, "khong-co", m1}

		type answer struct {
			units []rbac.UnitID
			m     rbac.Membership
			err   string
			found bool
		}
		read := func(tx rbac.ReadTx) (map[rbac.MembershipKey]answer, map[string]answer) {
			hr := tx.(rbac.HoldingReader)
			hs := map[rbac.MembershipKey]answer{}
			for _, k := range keys {
				u, m, err := hr.Holding(k.Account, k.Subsystem)
				a := answer{units: u, m: m, found: err == nil}
				if err != nil {
					if k.Subsystem != "" && !errors.Is(err, rbac.ErrNotFound) {
						t.Fatalf("Holding(%v): %v", k, err)
					}
					a.err = err.Error()
				}
				hs[k] = a
			}
			as := map[string]answer{}
			for _, id := range accounts {
				acc, err := tx.Account(id)
				as[id] = answer{err: fmt.Sprint(err), m: rbac.Membership{Account: acc.TechID, Review: acc.FullName}}
			}
			return hs, as
		}
		var wantH map[rbac.MembershipKey]answer
		var wantA map[string]answer
		w.Must(s.View(w.Ctx, func(tx rbac.ReadTx) error { wantH, wantA = read(tx); return nil }))
		errStop := errors.New("roll back")
		if err := s.Update(w.Ctx, func(tx rbac.Tx) error {
			ok, err := sqlstore.Prefetch(tx, keys, accounts)
			if !ok || err != nil {
				t.Fatalf("Prefetch = %v, %v", ok, err)
			}
			gotH, gotA := read(tx)
			if !reflect.DeepEqual(gotH, wantH) {
				t.Errorf("holdings after Prefetch:\n got %+v\nwant %+v", gotH, wantH)
			}
			if !reflect.DeepEqual(gotA, wantA) {
				t.Errorf("accounts after Prefetch:\n got %+v\nwant %+v", gotA, wantA)
			}
			// A write drops what it changes.
			if err := tx.DeleteMembership(m2, "pakn"); err != nil {
				return err
			}
			if _, _, err := tx.(rbac.HoldingReader).Holding(m2, "pakn"); !errors.Is(err, rbac.ErrNotFound) {
				t.Errorf("Holding after DeleteMembership: %v", err)
			}
			return errStop
		}); !errors.Is(err, errStop) {
			t.Fatal(err)
		}
		w.Must(rbac.NewMemoryStore().View(w.Ctx, func(tx rbac.ReadTx) error {
			if ok, err := sqlstore.Prefetch(tx, keys, accounts); ok || err != nil {
				t.Errorf("Prefetch on another store = %v, %v", ok, err)
			}
			return nil
		}))
	})
}

// TestAuditBatchSQL: AuditBatchTx through AppendAudits leaves a chain that
// verifies, entries as AuditTx would write them; AppendAudits refuses a
// batch that does not follow the tail, or itself.
func TestAuditBatchSQL(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store) {
		w := rbactest.NewWorld(t, s)
		before := w.VerifyChain()
		var recs []rbac.AuditRecord
		for i := range 7 {
			recs = append(recs, rbac.AuditRecord{Actor: "op", Action: "app.step", Target: fmt.Sprintf("t%d", i), Reason: "bước",
				Details: map[string]string{"i": fmt.Sprint(i)}})
		}
		w.Must(s.Update(w.Ctx, func(tx rbac.Tx) error { return w.Svc.AuditBatchTx(tx, recs) }))
		if n := w.VerifyChain(); n != before+7 {
			t.Fatalf("chain has %d entries, want %d", n, before+7)
		}
		var last rbac.AuditEntry
		w.Must(s.View(w.Ctx, func(tx rbac.ReadTx) error {
			var err error
			last, err = tx.LastAudit()
			return err
		}))
		if last.Target != "t6" || last.Details["i"] != "6" {
			t.Errorf("last entry %+v", last)
		}
		next := func(prev rbac.AuditEntry, target string) rbac.AuditEntry {
			e := rbac.AuditEntry{Seq: prev.Seq + 1, Prev: prev.Hash, Time: prev.Time, Actor: "op", Action: "app.step", Target: target, Reason: "bước"}
			e.Hash = rbac.HashEntry(e)
			return e
		}
		a := next(last, "a")
		b := next(a, "b")
		stale := next(rbac.AuditEntry{Seq: last.Seq - 1, Hash: last.Prev}, "x")
		for name, es := range map[string][]rbac.AuditEntry{"gap": {a, next(b, "c")}, "stale tail": {stale}, "out of order": {b, a}} {
			err := s.Update(w.Ctx, func(tx rbac.Tx) error { return tx.(rbac.AuditAppender).AppendAudits(es) })
			if !errors.Is(err, rbac.ErrConflict) {
				t.Errorf("%s: %v, want ErrConflict", name, err)
			}
		}
		w.Must(s.Update(w.Ctx, func(tx rbac.Tx) error { return tx.(rbac.AuditAppender).AppendAudits([]rbac.AuditEntry{a, b}) }))
		if n := w.VerifyChain(); n != before+9 {
			t.Errorf("chain has %d entries, want %d", n, before+9)
		}
	})
}

// TestPrefetchReads: after PrefetchReads, Holding, Account, Subsystem,
// Covers and LastAudit answer what a transaction that read nothing ahead
// answers; an append moves LastAudit on; a unit written after the
// prefetch is seen by Covers.
func TestPrefetchReads(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store) {
		w := rbactest.NewWorld(t, s)
		super := w.Super("p-na")
		m1 := w.Member(super, 1, "pakn", "na-soyt")
		var keys []rbac.MembershipKey
		for _, a := range []string{super, m1, "khong-co"} {
			for _, sub := range []rbac.SubsystemID{"pakn", "khong-co", ""} {
				keys = append(keys, rbac.MembershipKey{Account: a, Subsystem: sub})
			}
		}
		subs := []rbac.SubsystemID{"pakn", "khong-co"}
		units := []rbac.UnitID{"p-na", "na-soyt", "khong-co", ""}
		type answers struct {
			Holdings map[rbac.MembershipKey]string
			Subs     map[rbac.SubsystemID]string
			Covers   map[[2]rbac.UnitID]bool
			Last     string
		}
		read := func(tx rbac.ReadTx) answers {
			a := answers{Holdings: map[rbac.MembershipKey]string{}, Subs: map[rbac.SubsystemID]string{}, Covers: map[[2]rbac.UnitID]bool{}}
			for _, k := range keys {
				u, m, err := tx.(rbac.HoldingReader).Holding(k.Account, k.Subsystem)
				a.Holdings[k] = fmt.Sprintf("%v %+v %v", u, m, err)
			}
			for _, id := range subs {
				sub, err := tx.Subsystem(id)
				a.Subs[id] = fmt.Sprintf("%+v %v", sub, err)
			}
			for _, x := range units {
				for _, y := range units {
					a.Covers[[2]rbac.UnitID{x, y}] = tx.(rbac.Ancestry).Covers(x, y)
				}
			}
			e, err := tx.LastAudit()
			a.Last = fmt.Sprintf("%d %s %v", e.Seq, e.Hash, err)
			return a
		}
		var want answers
		w.Must(s.View(w.Ctx, func(tx rbac.ReadTx) error { want = read(tx); return nil }))
		errStop := errors.New("roll back")
		if err := s.Update(w.Ctx, func(tx rbac.Tx) error {
			ok, err := sqlstore.PrefetchReads(tx, sqlstore.Reads{Holdings: keys, Accounts: []string{super, m1}, AuditTail: true})
			if !ok || err != nil {
				t.Fatalf("PrefetchReads = %v, %v", ok, err)
			}
			if got := read(tx); !reflect.DeepEqual(got, want) {
				t.Errorf("after PrefetchReads:\n got %+v\nwant %+v", got, want)
			}
			before, err := tx.LastAudit()
			if err != nil {
				return err
			}
			if err := w.Svc.AuditTx(tx, "op", "app.step", "t", "bước", nil); err != nil {
				return err
			}
			if after, err := tx.LastAudit(); err != nil || after.Seq != before.Seq+1 || after.Prev != before.Hash {
				t.Errorf("LastAudit after an append: %+v, %v (before: %d)", after, err, before.Seq)
			}
			// A new unit under na-soyt: Covers sees it.
			if err := tx.PutUnit(rbac.Unit{ID: "na-moi", Parent: "na-soyt", Name: "Mới", State: rbac.UnitLive}); err != nil {
				return err
			}
			if !tx.(rbac.Ancestry).Covers("p-na", "na-moi") {
				t.Error("Covers misses a unit written after the prefetch")
			}
			return errStop
		}); !errors.Is(err, errStop) {
			t.Fatal(err)
		}
	})
}
