// Package rbac is the platform's hierarchical administration ("phân
// quyền"): units in a tree, subsystems with their roles and user groups,
// Vnconnect accounts and their memberships, the delegation rules, and an
// append-only, hash-chained audit log.
//
// # Model
//
// The platform operator (Văn phòng Chính phủ) appoints a super admin (Quản
// trị cấp cao, level 0) for a ministry or province: the agency registers
// its account with its VGCA certificate, requests (RequestSuperAdmin, or
// RequestDelegatedSuperAdmin for a subordinate body authorised by a written
// decision), and the operator approves once the certificate's agency code
// matches the unit's. A super admin manages every user of its unit's
// subtree on every subsystem and grants level-1 admins (Admin của Bộ /
// Admin của Tỉnh); a level-N admin grants level N+1 and below, inside its
// own unit's subtree, on the subsystems where it is admin. A membership
// (account × subsystem) goes Chưa kích hoạt → Đã kích hoạt, Khóa / Mở,
// carries a unit, a group and role grants; a group may carry a role, and
// joining it is a grant checked as one.
//
// # One check
//
// Can (and Authorize, the application's per-request question) and every
// mutation go through the same functions in check.go. Mutations run them
// inside Store.Update against the transaction's own reads, so a right is
// checked and used atomically; the audit entry is written in the same
// transaction. No one acts on a peer or a superior (a locked admin keeps
// its standing), on itself, outside its subtree, or grants at or above its
// own level; only the operator removes a unit's last super admin or merges
// a unit holding a super admin; only super admins (over both ends) and the
// operator change the unit tree.
//
// Callers that write their own records together with rights — rpkit/migrate
// moving an account's data and memberships — do it inside one
// Store().Update: CanTx asks the same rules against that transaction
// (ActConvert is the conversion's own action), and AuditTx appends their
// step to the chain the way the service does, so it is there exactly when
// the transaction commits (AuditBatchTx appends several at once, in one
// statement on a store implementing AuditAppender). rbac/sqlstore.SQLTx
// hands such a caller the SQL transaction for its own tables.
//
// # Errors
//
// Every error wraps one sentinel (ErrForbidden, ErrNotFound, ErrConflict,
// ErrInvalid; ErrAlreadyMember is a kind of ErrConflict), ErrorCode maps it
// to a stable code, and PublicMessage returns the part rbac wrote for the
// actor — a refusal's Reason, a conflict's detail — leaving out whatever
// a store or a driver put in the chain.
//
// # Stores
//
// Store holds data only; MemoryStore is the default and rbac/sqlstore
// keeps the same on SQLite and PostgreSQL. rbac/rbactest.TestStore is the
// conformance suite both pass. With the memory store, Can and Authorize
// allocate nothing: the rules read it through an internal view (view.go)
// that the memory store answers from compact indexes — one map look-up per
// account reaches its memberships (stored as values) and super-admin units,
// units are dense numbers with a parent array, so "A covers B" is a walk of
// a few integers. Other stores are read through plain ReadTx calls, each
// answer remembered for the rest of the check, and through the optional
// Ancestry and HoldingReader when the store has them (rbac/sqlstore answers
// each with one query); the rules are the same code either way
// (TestFastPathAgrees).
//
// # Merges
//
// MergeUnits moves a source's children, members and super admins to the
// destination and keeps the source as a merged unit. A partial source (a
// split commune, a removed district) still moves everything — every
// membership must end in a live unit — but flags each membership for
// review. rbac/rbacgen applies the 2025 reorganisation this way.
//
// Simplifications, where the code chose a simpler shape than DESIGN.md:
// operators are configured TechIDs (Config.Operators), not records; super
// admins are records (SuperAdmin), not role grants; GSO-coded units have no
// agency code to match a certificate against, so the operator appoints
// their super admins directly (AppointSuperAdmin, with a decision
// reference).
package rbac
