package migrate

import (
	"slices"
	"strings"
	"time"

	"github.com/rpkit-vn/rpkit/rbac"
)

// Kind is the kind of conversion.
type Kind string

const (
	// FromLegacy: a username/password account becomes a Vnconnect account
	// (Chuyển đổi tài khoản username/password sang Vnconnect).
	FromLegacy Kind = "legacy"
	// FromVnconnect: one Vnconnect account's data and rights pass to
	// another when staff change.
	FromVnconnect Kind = "vnconnect"
)

// Request asks for one conversion.
type Request struct {
	Kind Kind
	// From is the legacy username (FromLegacy) or the source TechID.
	From string
	// To is the target's TechID.
	To string
	// Subsystems limits the conversion; empty means every subsystem the
	// source is on.
	Subsystems []rbac.SubsystemID
	Actor      string // TechID of the administrator (or the person, for self-service)
	Reason     string
	// ID, if set, names the conversion and makes Execute idempotent: a
	// second Execute with the same ID resumes or returns the first. Bulk
	// runs derive it from the job and the row. [A-Za-z0-9._:-], ≤ 100.
	ID string
}

// State is a conversion's place in the journal. Every state change is a
// committed row, so a crash leaves a conversion in exactly one of them.
type State string

const (
	StatePlanned     State = "planned"      // locks held, nothing moved
	StateMovedApp    State = "moved-app"    // app rows moved, legacy disabled
	StateMovedRights State = "moved-rights" // rbac rights moved
	StateDone        State = "done"         // locks released
	StateFailed      State = "failed"       // rolled back before done; locks released
	StateReverting   State = "reverting"    // revert begun; locks held
	StateReverted    State = "reverted"     // prior state restored
)

// Counts is rows per table ("table" or "table.column" when a table is named
// twice).
type Counts map[string]int64

// Total sums the counts.
func (c Counts) Total() int64 {
	var n int64
	for _, v := range c {
		n += v
	}
	return n
}

// Plan is a dry run: what a conversion would move.
type Plan struct {
	Kind       Kind
	From, To   string
	Subsystems []rbac.SubsystemID
	// Rows is per table how many of the source's rows move.
	Rows Counts
	// TargetBefore is per table how many rows the target owns already.
	TargetBefore Counts
	// Rights is, per subsystem, the memberships before and after.
	Rights []RightsChange
	// Legacy lists the legacy accounts (username × subsystem) disabled.
	Legacy []rbac.SubsystemID
}

// RightsChange is one subsystem's memberships before and after.
type RightsChange struct {
	Subsystem    rbac.SubsystemID
	SourceBefore *Rights // nil for a legacy source
	TargetBefore Rights
	TargetAfter  Rights
	// The whole memberships before, which Revert puts back as they were.
	SourceMember *rbac.Membership `json:",omitempty"`
	TargetMember rbac.Membership
}

// Rights is the part of a membership a conversion touches and compares.
type Rights struct {
	Unit   rbac.UnitID
	Group  rbac.GroupID
	State  rbac.MemberState
	Locked bool
	Roles  []Grant
}

// Grant is a role grant, as carried over.
type Grant struct {
	Role      rbac.RoleID
	Level     rbac.Level
	ViaGroup  rbac.GroupID
	GrantedBy string
	GrantedAt time.Time
}

func rightsOf(m rbac.Membership) Rights {
	r := Rights{Unit: m.Unit, Group: m.Group, State: m.State, Locked: m.Locked}
	for _, g := range m.Roles {
		r.Roles = append(r.Roles, Grant{Role: g.Role, Level: g.Level, ViaGroup: g.ViaGroup, GrantedBy: g.GrantedBy, GrantedAt: g.GrantedAt.UTC()})
	}
	slices.SortFunc(r.Roles, func(a, b Grant) int { return strings.Compare(string(a.Role), string(b.Role)) })
	return r
}

// equal compares rights by what they grant (unit, group, state, roles and
// levels); provenance fields are not compared, since stores may round
// times.
func (r Rights) equal(o Rights) bool {
	if r.Unit != o.Unit || r.Group != o.Group || r.State != o.State || r.Locked != o.Locked || len(r.Roles) != len(o.Roles) {
		return false
	}
	for i := range r.Roles {
		a, b := r.Roles[i], o.Roles[i]
		if a.Role != b.Role || a.Level != b.Level || a.ViaGroup != b.ViaGroup {
			return false
		}
	}
	return true
}

// apply writes r onto m (keeping m's key and bookkeeping).
func (r Rights) apply(m rbac.Membership, now time.Time) rbac.Membership {
	m.Unit, m.Group, m.State, m.Locked = r.Unit, r.Group, r.State, r.Locked
	m.Roles = nil
	for _, g := range r.Roles {
		m.Roles = append(m.Roles, rbac.RoleGrant{Role: g.Role, Level: g.Level, ViaGroup: g.ViaGroup, GrantedBy: g.GrantedBy, GrantedAt: g.GrantedAt})
	}
	m.UpdatedAt = now
	return m
}

// merge returns the target's rights after it receives the source's grants:
// every role the target lacks is added as the source held it; a role both
// hold keeps the higher rank (lower level).
func merge(target Rights, source Rights) Rights {
	out := target
	out.Roles = slices.Clone(target.Roles)
	for _, g := range source.Roles {
		i := slices.IndexFunc(out.Roles, func(h Grant) bool { return h.Role == g.Role })
		switch {
		case i < 0:
			out.Roles = append(out.Roles, g)
		case g.Level >= 1 && (out.Roles[i].Level < 1 || g.Level < out.Roles[i].Level):
			out.Roles[i] = g
		}
	}
	slices.SortFunc(out.Roles, func(a, b Grant) int { return strings.Compare(string(a.Role), string(b.Role)) })
	return out
}

// Conversion is the journal's record of one conversion.
type Conversion struct {
	ID         string
	Kind       Kind
	From, To   string
	Subsystems []rbac.SubsystemID
	Actor      string
	Reason     string
	State      State
	Plan       Plan
	// Moved is, per mover, the row keys that moved: what Revert restores.
	Moved     map[string]Moved
	Error     string
	CreatedAt time.Time
	UpdatedAt time.Time
	DoneAt    time.Time // zero until done
}
