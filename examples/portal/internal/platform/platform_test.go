package platform_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/platform"
	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

var (
	popOnce sync.Once
	pop     *platform.Population
	popErr  error
)

// population is built once per test binary (its PKI keeps running).
func population(t *testing.T) *platform.Population {
	t.Helper()
	popOnce.Do(func() { pop, popErr = platform.NewPopulation() })
	if popErr != nil {
		t.Fatal(popErr)
	}
	return pop
}

// directory is a dev Vnconnect serving the population, and its directory
// over HTTP, as the demo wires them.
func directory(t *testing.T, p *platform.Population) vnconnect.Directory {
	t.Helper()
	srv := vnconnecttest.NewServer(t, vnconnecttest.WithAccounts(p.Accounts...))
	reg := srv.Client()
	dir, err := vnconnect.NewHTTPDirectory(vnconnect.DirectoryConfig{BaseURL: srv.URL(), ClientID: reg.ID, ClientSecret: reg.Secret})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPopulationIsValidAndDeterministic(t *testing.T) {
	p := population(t)
	q, err := platform.NewPopulation()
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if len(p.Accounts) != len(q.Accounts) {
		t.Fatalf("%d accounts, then %d", len(p.Accounts), len(q.Accounts))
	}
	for i := range p.Accounts {
		if p.Accounts[i].TechID != q.Accounts[i].TechID || p.Accounts[i].FullName != q.Accounts[i].FullName {
			t.Fatalf("account %d differs between runs", i)
		}
	}
	seen := map[string]bool{}
	for _, a := range p.Accounts {
		if seen[a.TechID] {
			t.Errorf("duplicate TechID %s", a.TechID)
		}
		seen[a.TechID] = true
		if a.Type == vnconnecttest.Citizen {
			c, err := vnid.ParseCCCD(a.SoDinhDanh)
			if err != nil {
				t.Errorf("%s: CCCD %s: %v", a.FullName, a.SoDinhDanh, err)
			} else if err := c.CheckHolder(a.BirthDate.Year(), vnid.Gender(a.Gender)); err != nil {
				t.Errorf("%s: CCCD does not fit the holder: %v", a.FullName, err)
			}
			if _, err := vnid.ParsePhone(a.Phone); err != nil {
				t.Errorf("%s: phone %s: %v", a.FullName, a.Phone, err)
			}
		}
	}
	unreg := 0
	for _, a := range p.Agencies {
		if !a.Registered {
			unreg++
		}
		if _, err := vnid.ParseMST(a.MST); err != nil {
			t.Errorf("%s: MST %s: %v", a.Name, a.MST, err)
		}
	}
	if unreg != 1 || p.Unregistered().Name == "" {
		t.Errorf("%d unregistered agencies, want exactly 1", unreg)
	}
	for _, u := range p.Units[1:] {
		if _, ok := p.Unit(u.Parent); !ok {
			t.Errorf("unit %s: parent %s not seeded before it", u.ID, u.Parent)
		}
	}
}

func TestOpenSQLite(t *testing.T) {
	checkOpen(t, platform.Config{Dir: t.TempDir()})
}

func TestOpenPostgres(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	checkOpen(t, platform.Config{Postgres: dsn})
}

func checkOpen(t *testing.T, cfg platform.Config) {
	ctx := context.Background()
	p := population(t)
	dir := directory(t, p)
	pl, err := platform.Open(ctx, cfg, p, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer pl.Close()

	// The province admin sees the department's and the communes' members.
	page, err := pl.RBAC.ListUsers(ctx, p.ProvinceAdmin.TechID, rbac.UserFilter{Subsystem: rbac.SubsystemQuantri})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Users) < 4 {
		t.Errorf("province admin lists %d quantri users", len(page.Users))
	}
	// The lower admin is refused outside its subtree.
	err = pl.RBAC.CanAddTo(ctx, p.CommuneAdmin.TechID, rbac.SubsystemQuantri, p.OtherCommune)
	if msg, _ := rbac.PublicMessage(err); !strings.Contains(err.Error(), "forbidden") || msg == "" {
		t.Errorf("commune admin adding to another commune: %v", err)
	}
	if err := pl.RBAC.CanAddTo(ctx, p.DeptAdmin.TechID, rbac.SubsystemPAKN, p.Department); err != nil {
		t.Errorf("department admin on PAKN: %v", err)
	}
	// The registered agencies' super admins are there, the other one's not.
	reqs, err := pl.RBAC.SuperAdminRequests(ctx, p.Operator.TechID, rbac.RequestApproved)
	if err != nil || len(reqs) != len(p.Agencies)-1 {
		t.Errorf("approved requests: %d, %v", len(reqs), err)
	}
	// A legacy account converts to its heir (dry run), and so does
	// Outgoing to Incoming.
	for _, req := range []migrate.Request{
		{Kind: migrate.FromLegacy, From: p.Legacy[0].Username, To: p.Legacy[0].Heir.TechID, Actor: p.DeptAdmin.TechID, Reason: "test"},
		{Kind: migrate.FromVnconnect, From: p.Outgoing.TechID, To: p.Incoming.TechID, Actor: p.DeptAdmin.TechID, Reason: "test"},
	} {
		if _, err := pl.Convert.Plan(ctx, req); err != nil {
			t.Errorf("plan %s → %s: %v", req.From, req.To, err)
		}
	}
	// The linker knows the legacy password.
	if _, err := pl.Linker.Link(ctx, &vnconnect.Identity{TechID: p.Legacy[1].Heir.TechID}, p.Legacy[1].Username, p.Legacy[1].Password, "127.0.0.1"); err != nil {
		t.Errorf("link: %v", err)
	}
	// Every agency certificate verifies against the demo root.
	for _, a := range p.Agencies {
		if _, err := pl.Verifier.Verify(ctx, a.Cert, a.Chain[1:len(a.Chain)-1], pki.Options{Purpose: "test"}); err != nil {
			t.Errorf("%s: %v", a.Name, err)
		}
	}
	// A replica sees the same data.
	r, err := pl.Replica(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	page2, err := r.RBAC.ListUsers(ctx, p.ProvinceAdmin.TechID, rbac.UserFilter{Subsystem: rbac.SubsystemQuantri})
	if err != nil || len(page2.Users) != len(page.Users) {
		t.Errorf("replica lists %d users (%v), want %d", len(page2.Users), err, len(page.Users))
	}
}
