package adminapi

import (
	"time"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// The JSON shapes of the API. They are declared here, apart from rbac's
// types, so that the wire format is a decision of this package: renaming
// a Go field in rbac must not change what clients receive.

// MembershipJSON is a membership (an account on a subsystem).
type MembershipJSON struct {
	Account    string      `json:"account"`
	Subsystem  string      `json:"subsystem"`
	Unit       string      `json:"unit"`
	Group      string      `json:"group,omitempty"`
	State      string      `json:"state"`       // "pending" | "active"
	StateLabel string      `json:"state_label"` // Chưa kích hoạt | Đã kích hoạt
	Locked     bool        `json:"locked"`
	LockLabel  string      `json:"lock_label"` // Khóa | Mở
	Roles      []GrantJSON `json:"roles"`
	Review     string      `json:"review,omitempty"`
	AddedBy    string      `json:"added_by,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

// GrantJSON is a role held on a membership. Level is the admin level (≥ 1)
// or -1 for a role that is not an admin role.
type GrantJSON struct {
	Role      string    `json:"role"`
	Level     int       `json:"level"`
	ViaGroup  string    `json:"via_group,omitempty"`
	GrantedBy string    `json:"granted_by,omitempty"`
	GrantedAt time.Time `json:"granted_at"`
}

// AccountJSON is a saved Vnconnect account.
type AccountJSON struct {
	TechID     string `json:"tech_id"`
	Type       int    `json:"type"` // LoaiTaiKhoan: 1 citizen, 2 business, 3 organisation
	FullName   string `json:"full_name"`
	CCCD       string `json:"cccd,omitempty"`
	CMND       string `json:"cmnd,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Email      string `json:"email,omitempty"`
	AgencyCode string `json:"agency_code,omitempty"`
	TaxCode    string `json:"mst,omitempty"`
}

// UserJSON is a row of GET /users.
type UserJSON struct {
	MembershipJSON
	Person AccountJSON `json:"person"`
}

// IdentityJSON is a Vnconnect search result.
type IdentityJSON struct {
	TechID         string `json:"tech_id"`
	Type           int    `json:"type"`
	FullName       string `json:"full_name,omitempty"`
	EnterpriseName string `json:"enterprise_name,omitempty"`
	CCCD           string `json:"cccd,omitempty"`
	CMND           string `json:"cmnd,omitempty"`
	Phone          string `json:"phone,omitempty"`
	Email          string `json:"email,omitempty"`
	AgencyCode     string `json:"agency_code,omitempty"`
	TaxCode        string `json:"mst,omitempty"`
}

// UnitJSON is a unit of the tree.
type UnitJSON struct {
	ID         string `json:"id"`
	Parent     string `json:"parent,omitempty"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Code       string `json:"code,omitempty"`
	CodeKind   string `json:"code_kind,omitempty"`
	State      string `json:"state"`
	MergedInto string `json:"merged_into,omitempty"`
}

// AdminJSON is someone with power over a unit. Level 0 is super admin.
type AdminJSON struct {
	Account   string `json:"account"`
	Subsystem string `json:"subsystem,omitempty"`
	Unit      string `json:"unit"`
	Level     int    `json:"level"`
	Active    bool   `json:"active"`
	Review    string `json:"review,omitempty"`
}

// ScopeJSON is a root of the actor's power.
type ScopeJSON struct {
	Subsystem string `json:"subsystem,omitempty"`
	Unit      string `json:"unit"`
	Level     int    `json:"level"`
}

// SuperAdminRequestJSON is a super-admin request.
type SuperAdminRequestJSON struct {
	ID         string    `json:"id"`
	Account    string    `json:"account"`
	Unit       string    `json:"unit"`
	AgencyCode string    `json:"agency_code"`
	CertSerial string    `json:"cert_serial,omitempty"`
	CertIssuer string    `json:"cert_issuer,omitempty"`
	Decision   string    `json:"decision,omitempty"`
	Reason     string    `json:"reason"`
	State      string    `json:"state"`
	CreatedAt  time.Time `json:"created_at"`
	DecidedBy  string    `json:"decided_by,omitempty"`
	DecidedAt  time.Time `json:"decided_at,omitzero"`
	Note       string    `json:"note,omitempty"`
}

// SuperAdminJSON is an appointment.
type SuperAdminJSON struct {
	Account    string    `json:"account"`
	Unit       string    `json:"unit"`
	AgencyCode string    `json:"agency_code,omitempty"`
	Decision   string    `json:"decision,omitempty"`
	RequestID  string    `json:"request_id,omitempty"`
	GrantedBy  string    `json:"granted_by"`
	GrantedAt  time.Time `json:"granted_at"`
}

func membershipJSON(m rbac.Membership) MembershipJSON {
	out := MembershipJSON{Account: m.Account, Subsystem: string(m.Subsystem), Unit: string(m.Unit), Group: string(m.Group),
		State: string(m.State), StateLabel: m.State.Label(), Locked: m.Locked, LockLabel: m.LockLabel(),
		Roles: make([]GrantJSON, 0, len(m.Roles)), Review: m.Review, AddedBy: m.AddedBy, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
	for _, g := range m.Roles {
		out.Roles = append(out.Roles, GrantJSON{Role: string(g.Role), Level: int(g.Level), ViaGroup: string(g.ViaGroup),
			GrantedBy: g.GrantedBy, GrantedAt: g.GrantedAt})
	}
	return out
}

func accountJSON(a rbac.Account) AccountJSON {
	return AccountJSON{TechID: a.TechID, Type: a.Type, FullName: a.FullName, CCCD: a.CCCD, CMND: a.CMND, Phone: a.Phone,
		Email: a.Email, AgencyCode: a.AgencyCode, TaxCode: a.TaxCode}
}

func identityJSON(id *vnconnect.Identity) IdentityJSON {
	out := IdentityJSON{TechID: id.TechID, Type: int(id.AccountType), FullName: id.FullName, EnterpriseName: id.EnterpriseName,
		CMND: string(id.CMND), Phone: string(id.Phone), Email: id.Email}
	if id.CCCD != nil {
		out.CCCD = id.CCCD.Number
	}
	if id.AgencyCode != nil {
		out.AgencyCode = id.AgencyCode.String()
	}
	if id.TaxCode != nil {
		out.TaxCode = id.TaxCode.String()
	}
	return out
}

func unitJSON(u rbac.Unit) UnitJSON {
	st := string(u.State)
	if st == "" {
		st = string(rbac.UnitLive)
	}
	return UnitJSON{ID: string(u.ID), Parent: string(u.Parent), Name: u.Name, Kind: string(u.Kind), Code: u.Code,
		CodeKind: string(u.CodeKind), State: st, MergedInto: string(u.MergedInto)}
}

func requestJSON(r rbac.SuperAdminRequest) SuperAdminRequestJSON {
	return SuperAdminRequestJSON{ID: r.ID, Account: r.Account, Unit: string(r.Unit), AgencyCode: r.Credential.AgencyCode,
		CertSerial: r.Credential.CertSerial, CertIssuer: r.Credential.CertIssuer, Decision: r.Decision, Reason: r.Reason,
		State: string(r.State), CreatedAt: r.CreatedAt, DecidedBy: r.DecidedBy, DecidedAt: r.DecidedAt, Note: r.Note}
}
