package migrate_test

import (
	"errors"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// TestPreconditions: each rule refuses with its code and changes nothing.
func TestPreconditions(t *testing.T) {
	eachBackend(t, func(t *testing.T, b *backend) {
		f := newFixture(t, b)
		f.legacy("nguyenvana", pakn, "na-soyt", rbac.GroupProcessors)
		f.legacy("daxong", pakn, "na-soyt", rbac.GroupProcessors)
		f.legacy("khac-don-vi", pakn, "na-tt", rbac.GroupProcessors)
		f.legacy("khac-nhom", pakn, "na-soyt", "")
		f.legacy("bankhoa", pakn, "na-soyt", rbac.GroupProcessors)
		f.exec(`UPDATE rpkit_legacy_accounts SET disabled = ? WHERE username = ?`, true, "bankhoa")
		f.seedData("nguyenvana", 2, pakn)
		to := f.member(2, pakn, "na-soyt", rbac.GroupProcessors)
		src := f.member(3, pakn, "na-soyt", rbac.GroupProcessors)
		// u04 saved but never activated; u05 activated then locked.
		_, err := f.w.Svc.Add(f.ctx, f.admin, rbac.AddRequest{Subsystem: pakn, Unit: "na-soyt",
			Query: vnconnect.Query{CCCD: rbactest.Person(4).CCCD.Number}, Reason: "thêm"})
		f.w.Must(err)
		locked := f.member(5, pakn, "na-soyt", rbac.GroupProcessors)
		_, err = f.w.Svc.Lock(f.ctx, f.admin, locked, pakn, "khóa")
		f.w.Must(err)
		outsider := f.w.Super("p-ht")

		if _, err := f.conv.Execute(f.ctx, legacyReq("daxong", to, f.admin)); err != nil {
			t.Fatal(err)
		}

		// A converter whose Vnconnect no longer knows u02.
		cfgless := f.converterWithDirectory(vnconnect.NewStaticDirectory(rbactest.Person(3)))

		// A conversion in flight on nguyenvana, as another process left it.
		inflight := f.converter(0)
		_ = inflight

		cases := []struct {
			name string
			conv *migrate.Converter
			req  migrate.Request
			code string
		}{
			{"same account", f.conv, migrate.Request{Kind: migrate.FromVnconnect, From: to, To: to, Actor: f.admin, Reason: "x"}, migrate.CodeSameAccount},
			{"no legacy account", f.conv, legacyReq("khongco", to, f.admin), migrate.CodeSourceNotFound},
			{"legacy disabled", f.conv, legacyReq("bankhoa", to, f.admin), migrate.CodeSourceNotFound},
			{"not on that subsystem", f.conv, migrate.Request{Kind: migrate.FromLegacy, From: "nguyenvana", To: to, Subsystems: []rbac.SubsystemID{csdl}, Actor: f.admin, Reason: "x"}, migrate.CodeSourceNotFound},
			{"already converted", f.conv, legacyReq("daxong", to, f.admin), migrate.CodeAlreadyConverted},
			{"target not saved", f.conv, legacyReq("nguyenvana", rbactest.PersonID(9), f.admin), migrate.CodeTargetNotFound},
			{"target pending", f.conv, legacyReq("nguyenvana", rbactest.PersonID(4), f.admin), migrate.CodeTargetInactive},
			{"target locked", f.conv, legacyReq("nguyenvana", locked, f.admin), migrate.CodeTargetInactive},
			{"target gone from Vnconnect", cfgless, legacyReq("nguyenvana", to, f.admin), migrate.CodeTargetNotOnVN},
			{"different unit", f.conv, legacyReq("khac-don-vi", to, f.admin), migrate.CodeUnitMismatch},
			{"different group", f.conv, legacyReq("khac-nhom", to, f.admin), migrate.CodeGroupMismatch},
			{"actor outside scope", f.conv, legacyReq("nguyenvana", to, outsider), migrate.CodeForbidden},
			{"vnconnect actor outside scope", f.conv, migrate.Request{Kind: migrate.FromVnconnect, From: src, To: to, Actor: outsider, Reason: "x"}, migrate.CodeForbidden},
			{"vnconnect source unknown", f.conv, migrate.Request{Kind: migrate.FromVnconnect, From: rbactest.PersonID(30), To: to, Actor: f.admin, Reason: "x"}, migrate.CodeSourceNotFound},
		}
		for _, tc := range cases {
			_, err := tc.conv.Execute(f.ctx, tc.req)
			var pe *migrate.PreconditionError
			if !errors.As(err, &pe) || pe.Code != tc.code || pe.Message == "" {
				t.Errorf("%s: got %v, want code %s", tc.name, err, tc.code)
			}
			if !errors.Is(err, migrate.ErrPrecondition) {
				t.Errorf("%s: %v does not wrap ErrPrecondition", tc.name, err)
			}
			if _, perr := tc.conv.Plan(f.ctx, tc.req); migrate.PreconditionCode(perr) != tc.code {
				t.Errorf("%s: Plan says %v", tc.name, perr)
			}
		}
		if got := f.owned("nguyenvana"); got != [3]int{2, 2, 2} {
			t.Errorf("refused conversions moved data: %v", got)
		}
		ids, err := f.conv.Unfinished(f.ctx)
		if err != nil || len(ids) != 0 {
			t.Errorf("refusals left conversions behind: %v %v", ids, err)
		}

		// In flight: a lock row held by another conversion.
		f.exec(`INSERT INTO rpkit_conversion_locks (account, conversion_id) VALUES (?, ?)`, "legacy:nguyenvana", "cv-other")
		if _, err := f.conv.Execute(f.ctx, legacyReq("nguyenvana", to, f.admin)); migrate.PreconditionCode(err) != migrate.CodeInFlight {
			t.Errorf("in flight: %v", err)
		}
		f.exec(`DELETE FROM rpkit_conversion_locks WHERE conversion_id = ?`, "cv-other")

		// Revert window.
		cv, err := f.conv.Execute(f.ctx, legacyReq("nguyenvana", to, f.admin))
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(migrate.DefaultRevertWindow + time.Hour)
		if _, err := f.conv.Revert(f.ctx, f.admin, cv.ID, "muộn"); migrate.PreconditionCode(err) != migrate.CodeRevertWindow {
			t.Errorf("revert after the window: %v", err)
		}
		// Revert by someone who does not manage the accounts.
		f.clock.Advance(-migrate.DefaultRevertWindow)
		if _, err := f.conv.Revert(f.ctx, outsider, cv.ID, "không có quyền"); migrate.PreconditionCode(err) != migrate.CodeForbidden {
			t.Errorf("revert by an outsider: %v", err)
		}
	})
}

func legacyReq(user, to, actor string) migrate.Request {
	return migrate.Request{Kind: migrate.FromLegacy, From: user, To: to, Actor: actor, Reason: "chuyển đổi"}
}

func (f *fixture) converterWithDirectory(dir vnconnect.Directory) *migrate.Converter {
	f.t.Helper()
	mv, _ := migrate.NewSQLMover("app", f.b.d, appTables...)
	leg, _ := migrate.NewSQLLegacy(f.b.d, migrate.LegacyTable{})
	c, err := migrate.New(migrate.Config{DB: f.b.db, Dialect: f.b.d, RBAC: f.w.Svc, Directory: dir, Legacy: leg,
		Movers: []migrate.Mover{mv}, Clock: f.clock, Transactions: f.b.mode})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}
