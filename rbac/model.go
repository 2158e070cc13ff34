package rbac

import "time"

// This file holds the data the stores keep. The types are plain values with
// string-typed enums, so that a SQL store maps them to columns one to one and
// the audit log can name them. The rules that give them meaning live in the
// rest of the package, never in a store.

// UnitID identifies a unit. The application chooses it (a GSO code, an agency
// code, a UUID…); it never changes, even when the unit is renamed, moved or
// merged, so that audit entries keep pointing at the same thing.
type UnitID string

// UnitKind says what an administrative unit is.
type UnitKind string

const (
	KindNational   UnitKind = "national"   // the platform's root (VPCP / the whole country)
	KindMinistry   UnitKind = "ministry"   // Bộ, ngành
	KindProvince   UnitKind = "province"   // Tỉnh, thành phố trực thuộc trung ương
	KindDepartment UnitKind = "department" // Sở, Tổng cục, Cục, Vụ, đơn vị thuộc Bộ
	KindDistrict   UnitKind = "district"   // Quận, huyện, thị xã (removed in 2025)
	KindCommune    UnitKind = "commune"    // Xã, phường, thị trấn
	KindOther      UnitKind = "other"
)

// CodeKind says which register a unit's Code comes from.
type CodeKind string

const (
	// CodeNone: the unit has no code.
	CodeNone CodeKind = ""
	// CodeAgency: mã định danh cơ quan (QCVN 102:2016), "NNN.NN.NN.Lnn",
	// stored in canonical form. It is what a VGCA agency certificate
	// carries, so super-admin registration compares against it.
	CodeAgency CodeKind = "agency"
	// CodeGSO: the General Statistics Office code of an administrative unit
	// (2 digits province, 3 district, 5 commune).
	CodeGSO CodeKind = "gso"
)

// UnitState: live, or merged into another unit. Merged units are kept (never
// deleted) so that history, audit entries and split communes stay readable.
type UnitState string

const (
	UnitLive   UnitState = "live"
	UnitMerged UnitState = "merged"
)

// Unit is one node of the unit tree.
type Unit struct {
	ID       UnitID
	Parent   UnitID // "" for a root
	Code     string
	CodeKind CodeKind
	Name     string
	Kind     UnitKind
	State    UnitState // "" is read as UnitLive
	// MergedInto is the unit that received this one's members when State
	// is UnitMerged (for a split unit: the first that did).
	MergedInto UnitID
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Live reports whether the unit may hold members and children.
func (u Unit) Live() bool { return u.State == "" || u.State == UnitLive }

// SubsystemID identifies a subsystem (phân hệ): "quantri", "pakn", "csdl", …
type SubsystemID string

// RoleID identifies a role within its subsystem.
type RoleID string

// GroupID identifies a user group within its subsystem.
type GroupID string

// Permission is an application-defined right checked by Authorize,
// e.g. "pakn.process" or "csdl.publish".
type Permission string

// Level is an administrator's rank: the platform grants super admin
// (LevelSuper, 0) to a ministry or province; super admin grants level 1
// (Admin của Bộ / Admin của Tỉnh); a level-N admin grants level N+1 and
// below. A smaller number is a higher rank.
type Level int

const (
	// LevelSuper is Quản trị cấp cao. It is held through a SuperAdmin
	// record, never through a role grant.
	LevelSuper Level = 0
	// LevelNone marks a grant of a role that is not an admin role. It is
	// negative on purpose: were a role definition later changed to an
	// admin role, its old grants must not read as level 0 (super admin).
	LevelNone Level = -1
	// MaxLevel bounds admin levels; deeper delegation is refused.
	MaxLevel Level = 9
)

// Subsystem is a part of the platform with its own users, roles and groups.
// The application registers it (RegisterSubsystem); presets for the
// platform's subsystems are in presets.go.
type Subsystem struct {
	ID     SubsystemID
	Name   string
	Roles  []Role
	Groups []Group
}

// Role is a set of permissions on one subsystem.
type Role struct {
	ID   RoleID
	Name string
	// Admin roles let their holder manage the subsystem's users within its
	// unit's subtree, at the level of the grant.
	Admin bool
	// MinLevel and MaxLevel bound the levels an admin role may be granted
	// at; 0 means 1 and MaxLevel respectively. Ignored for other roles.
	MinLevel, MaxLevel Level
	// UnitKinds, when set, restricts the units whose members may hold the
	// role ("Admin của Bộ" only in a ministry).
	UnitKinds   []UnitKind
	Permissions []Permission
}

// Group is a user group (nhóm người dùng) of a subsystem. A group may carry
// a role ("Nhóm admin đơn vị" carries the unit-admin role): putting someone
// in it is then a grant of that role and is checked as one.
type Group struct {
	ID   GroupID
	Name string
	Role RoleID // "" for a plain group
}

// Account is a Vnconnect account saved to the system, keyed by TechID. Only
// accounts found on Vnconnect are saved; the identifiers are what the
// directory returned, kept for search and display.
type Account struct {
	TechID     string
	Type       int // LoaiTaiKhoan: 1 citizen, 2 business, 3 organisation
	FullName   string
	CCCD       string
	CMND       string
	Phone      string // E.164
	Email      string
	AgencyCode string
	TaxCode    string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// MemberState is the activation state of a membership.
type MemberState string

const (
	// Pending: Chưa kích hoạt — saved from Vnconnect, not yet activated.
	Pending MemberState = "pending"
	// Active: Đã kích hoạt.
	Active MemberState = "active"
)

// Label returns the state's label in the platform's user interface.
func (s MemberState) Label() string {
	switch s {
	case Pending:
		return "Chưa kích hoạt"
	case Active:
		return "Đã kích hoạt"
	}
	return string(s)
}

// MembershipKey identifies a membership; memberships are listed in its
// order (Account, then Subsystem).
type MembershipKey struct {
	Account   string
	Subsystem SubsystemID
}

// Membership is one account on one subsystem.
type Membership struct {
	Account   string
	Subsystem SubsystemID
	Unit      UnitID
	Group     GroupID
	State     MemberState
	// Locked: Khóa (true) / Mở (false).
	Locked bool
	Roles  []RoleGrant
	// Review, when not empty, says why an administrator should look at this
	// membership (a partial merge moved it somewhere that may be wrong).
	Review    string
	AddedBy   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Key returns the membership's key.
func (m Membership) Key() MembershipKey { return MembershipKey{m.Account, m.Subsystem} }

// LockLabel returns Khóa or Mở.
func (m Membership) LockLabel() string {
	if m.Locked {
		return "Khóa"
	}
	return "Mở"
}

// RoleGrant is a role held on a membership. Its scope is the membership's
// unit and everything below it.
type RoleGrant struct {
	Role  RoleID
	Level Level // ≥ 1 for admin roles, LevelNone otherwise
	// ViaGroup is set when the grant came with the membership's group and
	// goes when the group changes.
	ViaGroup  GroupID
	GrantedBy string
	GrantedAt time.Time
}

// AgencyCredential is an agency's identity as proved by its VGCA
// certificate (USB token or SIM PKI) in the platform's challenge login. The
// pki package produces it; rbac takes it as plain data so that it does not
// depend on pki.
type AgencyCredential struct {
	AgencyCode string // mã định danh cơ quan from the certificate (UID MDV: / registry)
	MST        string // tax code from the certificate
	Name       string // organisation name (CN/O)
	CertSerial string // hex serial of the certificate
	CertIssuer string // issuer DN
}

// SuperAdmin is a super-admin (Quản trị cấp cao) appointment: an agency
// account holding level 0 over a unit's subtree on every subsystem.
type SuperAdmin struct {
	Account    string // TechID of the agency account
	Unit       UnitID
	Credential AgencyCredential
	// Decision is the reference of the written decision by which the unit
	// authorised a subordinate body to hold its super admin ("" when the
	// unit's own account holds it).
	Decision  string
	RequestID string
	GrantedBy string
	GrantedAt time.Time
	// Review: see Membership.Review.
	Review string
}

// RequestState is the state of a super-admin request.
type RequestState string

const (
	RequestPending  RequestState = "pending"
	RequestApproved RequestState = "approved"
	RequestRejected RequestState = "rejected"
)

// SuperAdminRequest is an agency's request, after certificate registration,
// to be made super admin of a unit; the platform operator decides.
type SuperAdminRequest struct {
	ID         string
	Account    string // TechID of the agency account found on Vnconnect
	Unit       UnitID
	Credential AgencyCredential
	Decision   string // authorisation reference for a subordinate body
	Reason     string
	State      RequestState
	CreatedAt  time.Time
	DecidedBy  string
	DecidedAt  time.Time
	Note       string // the operator's reason
}

// AuditEntry is one entry of the append-only, hash-chained audit log. Hash
// is SHA-256 over the canonical JSON of (Prev, Seq, Time, Actor, Action,
// Target, Reason, Details); see audit.go. Time is UTC with microsecond
// precision so that every store round-trips it exactly.
type AuditEntry struct {
	Seq     uint64            `json:"seq"`
	Time    time.Time         `json:"time"`
	Actor   string            `json:"actor"`
	Action  string            `json:"action"`
	Target  string            `json:"target"`
	Reason  string            `json:"reason"`
	Details map[string]string `json:"details,omitempty"`
	Prev    string            `json:"prev"` // hex hash of entry Seq-1, "" for Seq 1
	Hash    string            `json:"hash"` // hex
}
