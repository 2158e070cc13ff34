package adminapi

import (
	"time"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
)

// The JSON shapes of the conversion screen (Chuyển đổi tài khoản).

// ConversionBody asks for a conversion: POST /conversions/plan
// ("Chuyển đổi", the dry run) and POST /conversions ("Đồng ý").
type ConversionBody struct {
	// Kind is "legacy" (username/password → Vnconnect) or "vnconnect"
	// (one Vnconnect account's data and rights to another).
	Kind string `json:"kind"`
	// From is the legacy username or the source TechID; To the target's
	// TechID.
	From string `json:"from"`
	To   string `json:"to"`
	// Subsystems limits the conversion; empty means all the source is on.
	Subsystems []string `json:"subsystems,omitempty"`
	Reason     string   `json:"reason"`
}

// LegacyAccountJSON is a username/password account (never its hash).
type LegacyAccountJSON struct {
	Username    string `json:"username"`
	Subsystem   string `json:"subsystem"`
	Unit        string `json:"unit"`
	Group       string `json:"group,omitempty"`
	Disabled    bool   `json:"disabled"`
	ConvertedTo string `json:"converted_to,omitempty"`
}

// VnconnectAccountJSON is a result of "Tra cứu tài khoản Vnconnect": the
// person as Vnconnect knows them (a CCCD/CMND search) or as saved to the
// system (a TechID look-up), with the memberships the actor may see.
type VnconnectAccountJSON struct {
	TechID      string           `json:"tech_id"`
	Identity    *IdentityJSON    `json:"identity,omitempty"`
	Person      *AccountJSON     `json:"person,omitempty"`
	Memberships []MembershipJSON `json:"memberships"`
}

// PlanJSON is a conversion's plan: per table how many rows move, and per
// subsystem the rights before and after.
type PlanJSON struct {
	Kind         string             `json:"kind"`
	From         string             `json:"from"`
	To           string             `json:"to"`
	Subsystems   []string           `json:"subsystems,omitempty"`
	Rows         map[string]int64   `json:"rows"`
	Total        int64              `json:"total"`
	TargetBefore map[string]int64   `json:"target_before"`
	Rights       []RightsChangeJSON `json:"rights"`
	// LegacyDisabled lists the subsystems whose username/password login
	// the conversion disables.
	LegacyDisabled []string `json:"legacy_disabled,omitempty"`
}

// RightsChangeJSON is one subsystem's rights before and after.
type RightsChangeJSON struct {
	Subsystem    string      `json:"subsystem"`
	SourceBefore *RightsJSON `json:"source_before,omitempty"`
	TargetBefore RightsJSON  `json:"target_before"`
	TargetAfter  RightsJSON  `json:"target_after"`
}

// RightsJSON is what a membership grants.
type RightsJSON struct {
	Unit   string      `json:"unit"`
	Group  string      `json:"group,omitempty"`
	State  string      `json:"state"`
	Locked bool        `json:"locked"`
	Roles  []GrantJSON `json:"roles"`
}

// ConversionJSON is a conversion's journal record. Moved counts, per
// mover and table, the rows that moved (the keys stay server-side).
type ConversionJSON struct {
	ID         string                    `json:"id"`
	Kind       string                    `json:"kind"`
	From       string                    `json:"from"`
	To         string                    `json:"to"`
	Subsystems []string                  `json:"subsystems,omitempty"`
	Actor      string                    `json:"actor"`
	Reason     string                    `json:"reason"`
	State      string                    `json:"state"`
	Plan       PlanJSON                  `json:"plan"`
	Moved      map[string]map[string]int `json:"moved,omitempty"`
	CreatedAt  time.Time                 `json:"created_at"`
	UpdatedAt  time.Time                 `json:"updated_at"`
	DoneAt     time.Time                 `json:"done_at,omitzero"`
}

// VerifyJSON is POST /conversions/{id}/verify when the result is as
// planned.
type VerifyJSON struct {
	Verified   bool           `json:"verified"`
	Conversion ConversionJSON `json:"conversion"`
}

func subsJSON(subs []rbac.SubsystemID) []string {
	if len(subs) == 0 {
		return nil
	}
	out := make([]string, len(subs))
	for i, s := range subs {
		out[i] = string(s)
	}
	return out
}

func rightsJSON(r migrate.Rights) RightsJSON {
	out := RightsJSON{Unit: string(r.Unit), Group: string(r.Group), State: string(r.State), Locked: r.Locked, Roles: make([]GrantJSON, 0, len(r.Roles))}
	for _, g := range r.Roles {
		out.Roles = append(out.Roles, GrantJSON{Role: string(g.Role), Level: int(g.Level), ViaGroup: string(g.ViaGroup), GrantedBy: g.GrantedBy, GrantedAt: g.GrantedAt})
	}
	return out
}

func planJSON(p migrate.Plan) PlanJSON {
	out := PlanJSON{Kind: string(p.Kind), From: p.From, To: p.To, Subsystems: subsJSON(p.Subsystems), Rows: map[string]int64{},
		Total: p.Rows.Total(), TargetBefore: map[string]int64{}, Rights: make([]RightsChangeJSON, 0, len(p.Rights)), LegacyDisabled: subsJSON(p.Legacy)}
	for k, v := range p.Rows {
		out.Rows[k] = v
	}
	for k, v := range p.TargetBefore {
		out.TargetBefore[k] = v
	}
	for _, rc := range p.Rights {
		j := RightsChangeJSON{Subsystem: string(rc.Subsystem), TargetBefore: rightsJSON(rc.TargetBefore), TargetAfter: rightsJSON(rc.TargetAfter)}
		if rc.SourceBefore != nil {
			sb := rightsJSON(*rc.SourceBefore)
			j.SourceBefore = &sb
		}
		out.Rights = append(out.Rights, j)
	}
	return out
}

func conversionJSON(c *migrate.Conversion) ConversionJSON {
	out := ConversionJSON{ID: c.ID, Kind: string(c.Kind), From: c.From, To: c.To, Subsystems: subsJSON(c.Subsystems), Actor: c.Actor,
		Reason: c.Reason, State: string(c.State), Plan: planJSON(c.Plan), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, DoneAt: c.DoneAt}
	for mover, tables := range c.Moved {
		if out.Moved == nil {
			out.Moved = map[string]map[string]int{}
		}
		counts := map[string]int{}
		for label, keys := range tables {
			counts[label] = len(keys.Keys)
		}
		out.Moved[mover] = counts
	}
	return out
}

func legacyJSON(a migrate.LegacyAccount) LegacyAccountJSON {
	return LegacyAccountJSON{Username: a.Username, Subsystem: string(a.Subsystem), Unit: string(a.Unit), Group: string(a.Group),
		Disabled: a.Disabled, ConvertedTo: a.ConvertedTo}
}
