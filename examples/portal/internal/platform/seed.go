package platform

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
	"golang.org/x/crypto/bcrypt"
)

// seed registers the three subsystems (every Open: RegisterSubsystem
// changes nothing when the definition is the same) and, into a database
// that does not hold the seeded tree yet, writes the population: units,
// accounts and memberships in one rbac transaction (with one audit entry
// saying so), the registered agencies' super-admin requests approved by
// the operator through rbac's own calls, the legacy PAKN accounts, then
// the apps' seeds (Config.AppSeed).
func (p *Platform) seed(ctx context.Context) error {
	for _, s := range []rbac.Subsystem{rbac.Quantri(), rbac.PAKN(), rbac.CSDL()} {
		if err := p.RBAC.RegisterSubsystem(ctx, s); err != nil {
			return fmt.Errorf("platform: register %s: %w", s.ID, err)
		}
	}
	seeded := false
	err := p.Store.View(ctx, func(tx rbac.ReadTx) error {
		_, err := tx.Unit(RootUnit)
		switch {
		case err == nil:
			seeded = true
		case !errors.Is(err, rbac.ErrNotFound):
			return err
		}
		return nil
	})
	if err != nil || seeded {
		return err
	}
	if err := p.seedRights(ctx); err != nil {
		return fmt.Errorf("platform: seed: %w", err)
	}
	if err := p.seedSuperAdmins(ctx); err != nil {
		return fmt.Errorf("platform: seed super admins: %w", err)
	}
	if err := p.seedLegacy(ctx); err != nil {
		return fmt.Errorf("platform: seed legacy accounts: %w", err)
	}
	for _, f := range p.cfg.AppSeed {
		if err := f(ctx, p); err != nil {
			return fmt.Errorf("platform: app seed: %w", err)
		}
	}
	return nil
}

func (p *Platform) now() time.Time {
	if p.cfg.Clock != nil {
		return p.cfg.Clock.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

// seedRights writes the tree, the members' accounts and their memberships
// straight into the store, in one transaction, as rbacgen loads its
// datasets: the seed is the state the demo starts from, not a history of
// admins' acts. The audit chain gets one entry that says so.
func (p *Platform) seedRights(ctx context.Context) error {
	pop := p.Pop
	now := p.now()
	byTechID := map[string]int{}
	for i, a := range pop.Accounts {
		byTechID[a.TechID] = i
	}
	return p.Store.Update(ctx, func(tx rbac.Tx) error {
		for _, u := range pop.Units {
			u.State, u.CreatedAt, u.UpdatedAt = rbac.UnitLive, now, now
			if err := tx.PutUnit(u); err != nil {
				return err
			}
		}
		saved := map[string]bool{}
		for _, m := range pop.Memberships {
			if !saved[m.Account] {
				i, ok := byTechID[m.Account]
				if !ok {
					return fmt.Errorf("membership of %s: no such account", m.Account)
				}
				a := pop.Accounts[i]
				acc := rbac.Account{TechID: a.TechID, Type: int(a.Type), FullName: a.FullName, CCCD: a.SoDinhDanh,
					Email: a.Email, CreatedAt: now, UpdatedAt: now}
				if ph, err := vnid.ParsePhone(a.Phone); err == nil {
					acc.Phone = string(ph)
				}
				if err := tx.PutAccount(acc); err != nil {
					return err
				}
				saved[m.Account] = true
			}
			m.CreatedAt, m.UpdatedAt = now, now
			for i := range m.Roles {
				m.Roles[i].GrantedAt = now
			}
			if err := tx.PutMembership(m); err != nil {
				return err
			}
		}
		return p.RBAC.AuditTx(tx, SeedActor, "seed", "unit:"+string(RootUnit), "dữ liệu mẫu của bản demo (seed)",
			map[string]string{"units": fmt.Sprint(len(pop.Units)), "memberships": fmt.Sprint(len(pop.Memberships))})
	})
}

// seedSuperAdmins runs the registration as the platform runs it: each
// registered agency requests with its certificate's credential, and the
// operator approves. The one unregistered agency is left for the
// walk-through.
func (p *Platform) seedSuperAdmins(ctx context.Context) error {
	for _, a := range p.Pop.Agencies {
		if !a.Registered {
			continue
		}
		req, err := p.RBAC.RequestSuperAdmin(ctx, a.Credential(), a.Unit, "Đăng ký quản trị cấp cao bằng chứng thư số (dữ liệu mẫu)")
		if err != nil {
			return fmt.Errorf("%s: %w", a.Name, err)
		}
		if _, err := p.RBAC.ApproveSuperAdmin(ctx, p.Pop.Operator.TechID, req.ID, "Đã đối chiếu mã định danh cơ quan (dữ liệu mẫu)"); err != nil {
			return fmt.Errorf("%s: %w", a.Name, err)
		}
	}
	return nil
}

// Credential is the agency as its certificate proves it, in rbac's terms
// (what a verified challenge answer yields: pki.AgencyIdentity.Credential).
func (a Agency) Credential() rbac.AgencyCredential {
	c := rbac.AgencyCredential{AgencyCode: a.Code, MST: a.MST, Name: a.Name}
	if a.Cert != nil {
		c.CertSerial = hex.EncodeToString(a.Cert.SerialNumber.Bytes())
		c.CertIssuer = a.Cert.Issuer.String()
	}
	return c
}

// seedLegacy writes the legacy PAKN accounts into migrate's default legacy
// table, with bcrypt hashes of their (fake) passwords.
func (p *Platform) seedLegacy(ctx context.Context) error {
	q := "INSERT INTO rpkit_legacy_accounts (username, subsystem, unit_id, group_id, password_hash) VALUES (?, ?, ?, ?, ?)"
	if p.Dialect == migrate.Postgres {
		q = "INSERT INTO rpkit_legacy_accounts (username, subsystem, unit_id, group_id, password_hash) VALUES ($1, $2, $3, $4, $5)"
	}
	for _, l := range p.Pop.Legacy {
		h, err := legacyHash(l.Password)
		if err != nil {
			return err
		}
		if _, err := p.DB.ExecContext(ctx, q, l.Username, string(rbac.SubsystemPAKN), string(l.Unit), string(l.Group), h); err != nil {
			return fmt.Errorf("%s: %w", l.Username, err)
		}
	}
	return nil
}

// legacyHashes keeps each password's bcrypt hash for the process: the
// tests start the demo many times, and bcrypt is slow on purpose.
var legacyHashes sync.Map // password → hash

func legacyHash(password string) (string, error) {
	if h, ok := legacyHashes.Load(password); ok {
		return h.(string), nil
	}
	// Cost 10: the cost of migrate.DefaultDummyHash, so that a wrong
	// username takes as long as a wrong password.
	h, err := bcrypt.GenerateFromPassword([]byte(password), 10)
	if err != nil {
		return "", err
	}
	legacyHashes.Store(password, string(h))
	return string(h), nil
}
