package rbac

import "slices"

// Tx methods of memTx. Each stores a private copy of what it is given and
// logs its own undo before changing anything.

func (tx *memTx) PutUnit(u Unit) error {
	if u.ID == "" {
		return invalid("unit without ID")
	}
	old, had := tx.units[u.ID]
	tx.log(func() {
		if had {
			tx.setUnit(old)
		} else {
			tx.delUnit(u.ID)
		}
	})
	tx.setUnit(u)
	return nil
}

func cloneSubsystem(s Subsystem) Subsystem {
	s.Roles = slices.Clone(s.Roles)
	for i := range s.Roles {
		s.Roles[i].UnitKinds = slices.Clone(s.Roles[i].UnitKinds)
		s.Roles[i].Permissions = slices.Clone(s.Roles[i].Permissions)
	}
	s.Groups = slices.Clone(s.Groups)
	return s
}

func (tx *memTx) PutSubsystem(s Subsystem) error {
	if s.ID == "" {
		return invalid("subsystem without ID")
	}
	old, had := tx.subsystems[s.ID]
	tx.log(func() {
		if had {
			tx.subsystems[s.ID] = old
		} else {
			delete(tx.subsystems, s.ID)
		}
	})
	c := cloneSubsystem(s)
	tx.subsystems[s.ID] = &c
	return nil
}

func (tx *memTx) PutAccount(a Account) error {
	if a.TechID == "" {
		return invalid("account without TechID")
	}
	old, had := tx.accounts[a.TechID]
	tx.log(func() {
		if had {
			tx.accounts[a.TechID] = old
		} else {
			delete(tx.accounts, a.TechID)
		}
	})
	tx.accounts[a.TechID] = a
	return nil
}

func (tx *memTx) PutMembership(m Membership) error {
	if m.Account == "" || m.Subsystem == "" {
		return invalid("membership without account or subsystem")
	}
	k := m.Key()
	var old Membership
	p := tx.find(k)
	had := p != nil
	if had {
		old = *p
	}
	tx.log(func() {
		if had {
			tx.setMembership(old)
		} else {
			tx.delMembership(k)
		}
	})
	m.Roles = slices.Clone(m.Roles)
	tx.setMembership(m)
	return nil
}

func (tx *memTx) DeleteMembership(account string, sub SubsystemID) error {
	k := MembershipKey{account, sub}
	p := tx.find(k)
	if p == nil {
		return notFound("membership %s on %s", account, sub)
	}
	old := *p
	tx.log(func() { tx.setMembership(old) })
	tx.delMembership(k)
	return nil
}

func (tx *memTx) PutSuperAdmin(sa SuperAdmin) error {
	if sa.Account == "" || sa.Unit == "" {
		return invalid("super admin without account or unit")
	}
	old, had := tx.getSuper(sa.Account, sa.Unit)
	tx.log(func() {
		if had {
			tx.setSuper(old)
		} else {
			tx.delSuper(sa.Account, sa.Unit)
		}
	})
	tx.setSuper(sa)
	return nil
}

func (tx *memTx) DeleteSuperAdmin(account string, unit UnitID) error {
	old, had := tx.getSuper(account, unit)
	if !had {
		return notFound("super admin %s of %s", account, unit)
	}
	tx.log(func() { tx.setSuper(old) })
	tx.delSuper(account, unit)
	return nil
}

func (tx *memTx) PutSuperAdminRequest(r SuperAdminRequest) error {
	if r.ID == "" {
		return invalid("request without ID")
	}
	old, had := tx.requests[r.ID]
	tx.log(func() {
		if had {
			tx.requests[r.ID] = old
		} else {
			delete(tx.requests, r.ID)
		}
	})
	tx.requests[r.ID] = r
	return nil
}

func (tx *memTx) AppendAudit(e AuditEntry) error {
	var wantSeq uint64 = 1
	wantPrev := ""
	if n := len(tx.audit); n > 0 {
		wantSeq = tx.audit[n-1].Seq + 1
		wantPrev = tx.audit[n-1].Hash
	}
	if e.Seq != wantSeq || e.Prev != wantPrev {
		return conflict("audit entry %d does not follow entry %d", e.Seq, wantSeq-1)
	}
	n := len(tx.audit)
	tx.log(func() { tx.audit = tx.audit[:n] })
	e.Details = cloneDetails(e.Details)
	tx.audit = append(tx.audit, e)
	return nil
}

func cloneDetails(d map[string]string) map[string]string {
	if d == nil {
		return nil
	}
	out := make(map[string]string, len(d))
	for k, v := range d {
		out[k] = v
	}
	return out
}
