package rbac

import "context"

// Store keeps units, subsystems, accounts, memberships, super-admin records
// and the audit log. It holds data only: every rule is checked by Service,
// inside Update, against the transaction's own reads, so that the check and
// the write are one atomic step.
//
// Implementations: NewMemoryStore (the default), rbac/sqlstore (SQLite,
// PostgreSQL). rbac/rbactest.TestStore is the conformance suite every
// implementation must pass.
type Store interface {
	// View runs fn with a read-only, consistent view of the data.
	View(ctx context.Context, fn func(tx ReadTx) error) error

	// Update runs fn in a serializable read-write transaction. If fn returns
	// an error (or panics), nothing it wrote is kept and Update returns that
	// error (or re-panics). Concurrent Updates behave as if run one after
	// the other. A store may run fn more than once (a SQL store retries on a
	// serialization failure), so fn must have no effects outside tx.
	Update(ctx context.Context, fn func(tx Tx) error) error
}

// ReadTx is the read side of a transaction.
//
// Getters return an error wrapping ErrNotFound when the record does not
// exist. Lists return an empty (possibly nil) slice, never ErrNotFound.
// Returned values must be treated as read-only: a store may share slices
// (Membership.Roles, Subsystem.Roles…) with its own state.
type ReadTx interface {
	Unit(id UnitID) (Unit, error)
	// Children lists the units whose Parent is id, ordered by ID;
	// Children("") lists the roots.
	Children(id UnitID) ([]Unit, error)

	Subsystem(id SubsystemID) (Subsystem, error)
	// Subsystems lists every subsystem, ordered by ID.
	Subsystems() ([]Subsystem, error)

	Account(techID string) (Account, error)

	Membership(account string, sub SubsystemID) (Membership, error)
	// MembershipsOf lists an account's memberships, ordered by subsystem.
	MembershipsOf(account string) ([]Membership, error)
	// MembershipsIn lists the memberships whose Unit is exactly unit (not
	// its subtree), ordered by key.
	MembershipsIn(unit UnitID) ([]Membership, error)
	// AdminsIn is MembershipsIn restricted to memberships holding at least
	// one grant with Level ≥ 1 (an admin grant).
	AdminsIn(unit UnitID) ([]Membership, error)
	// ListMemberships answers a scoped, filtered, paged query; see
	// MembershipQuery for the exact semantics.
	ListMemberships(q MembershipQuery) ([]Membership, error)

	// SuperAdmins lists the super admins of exactly unit, ordered by account.
	SuperAdmins(unit UnitID) ([]SuperAdmin, error)
	// SuperAdminsOf lists the units an account is super admin of, ordered
	// by unit.
	SuperAdminsOf(account string) ([]SuperAdmin, error)

	SuperAdminRequest(id string) (SuperAdminRequest, error)
	// SuperAdminRequests lists requests in the given state ("" = all),
	// ordered by CreatedAt then ID.
	SuperAdminRequests(state RequestState) ([]SuperAdminRequest, error)

	// LastAudit returns the newest audit entry, or ErrNotFound when the
	// log is empty.
	LastAudit() (AuditEntry, error)
	// Audit lists up to limit entries with Seq > after, in Seq order;
	// limit ≤ 0 means all.
	Audit(after uint64, limit int) ([]AuditEntry, error)
}

// Tx is a read-write transaction. Put methods insert or replace the whole
// record under its key; Delete methods return ErrNotFound when there is
// nothing to delete. A store keeps its indexes (children, memberships by
// unit and account, admins by unit) in step with every Put.
type Tx interface {
	ReadTx

	PutUnit(u Unit) error
	PutSubsystem(s Subsystem) error
	PutAccount(a Account) error
	PutMembership(m Membership) error
	DeleteMembership(account string, sub SubsystemID) error
	PutSuperAdmin(s SuperAdmin) error
	DeleteSuperAdmin(account string, unit UnitID) error
	PutSuperAdminRequest(r SuperAdminRequest) error

	// AppendAudit appends e. The store checks only the chain's shape:
	// e.Seq must be LastAudit().Seq+1 (1 for the first entry) and e.Prev
	// the last entry's Hash (""); otherwise it returns an error wrapping
	// ErrConflict. Entries are never changed or removed.
	AppendAudit(e AuditEntry) error
}

// Scope is a unit subtree on one subsystem, or on every subsystem when
// Subsystem is "".
type Scope struct {
	Subsystem SubsystemID
	Unit      UnitID
}

// MembershipQuery selects memberships for ListMemberships.
//
// A membership matches when its (Subsystem, Unit) lies in at least one of
// Scopes (the unit is the scope's unit or a descendant of it) and it passes
// every filter that is set. Results are ordered by MembershipKey (Account,
// then Subsystem), start strictly after After when After.Account != "", and
// number at most Limit (≤ 0: no limit).
type MembershipQuery struct {
	Scopes []Scope // required; no scopes, no results
	State  MemberState
	Locked *bool
	Role   RoleID
	Group  GroupID
	// Review: only memberships flagged for review.
	Review bool
	// Name matches the account's FullName with vnid.NameContains
	// (diacritic- and case-insensitive, words in order, prefixes).
	Name  string
	After MembershipKey
	Limit int
}

// FastReader is an optional Store interface for the hot path (Authorize,
// Can): a consistent read view without a closure, so that a check allocates
// nothing. AcquireRead returns a view valid until the matching ReleaseRead,
// which must be called exactly once, on the same goroutine, with no other
// AcquireRead or Update in between on that goroutine. The memory store
// implements it; Service falls back to View for stores that do not.
type FastReader interface {
	AcquireRead() ReadTx
	ReleaseRead()
}
