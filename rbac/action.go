package rbac

// Action is what an actor asks to do; Can and every mutation take one.
type Action string

// Membership actions (on Target.Account × Target.Subsystem).
const (
	ActView        Action = "view"        // see the membership
	ActAdd         Action = "add"         // Thêm mới từ Vnconnect, into Target.Unit
	ActActivate    Action = "activate"    // Kích hoạt
	ActLock        Action = "lock"        // Khóa
	ActOpen        Action = "open"        // Mở
	ActChangeUnit  Action = "change-unit" // Thay đổi đơn vị, to Target.Unit
	ActSetGroup    Action = "set-group"   // to Target.Group
	ActGrant       Action = "grant"       // Gán quyền: Target.Role at Target.Level
	ActRevoke      Action = "revoke"      // Target.Role
	ActRemove      Action = "remove"
	ActClearReview Action = "clear-review"
	// ActConvert passes Target.Account's membership of Target.Subsystem —
	// its roles, and with them its data — to Target.ToAccount (rpkit/migrate's
	// Chuyển đổi tài khoản). See canConvert for what it takes.
	ActConvert Action = "convert"
)

// Unit actions (on Target.Unit; Target.ToUnit for move and merge).
const (
	ActCreateUnit Action = "create-unit" // under Target.Unit ("" = a root)
	ActRenameUnit Action = "rename-unit"
	ActMoveUnit   Action = "move-unit"  // Target.Unit under Target.ToUnit
	ActMergeUnit  Action = "merge-unit" // Target.Unit into Target.ToUnit
)

// Super-admin actions.
const (
	ActRequestSuperAdmin Action = "request-super-admin"
	ActApproveSuperAdmin Action = "approve-super-admin"
	ActRejectSuperAdmin  Action = "reject-super-admin"
	ActRemoveSuperAdmin  Action = "remove-super-admin" // Target.Account of Target.Unit
	ActRegisterSubsystem Action = "register-subsystem"
	// ActListSuperAdminRequests reads the queue of super-admin requests.
	ActListSuperAdminRequests Action = "list-super-admin-requests"
)

// Audit-log actions.
const (
	// ActExportAudit reads the audit log, which names every account and
	// unit: the operator's alone.
	ActExportAudit Action = "export-audit"
)

// Target is what an Action applies to. Only the fields the action needs are
// read; it is passed by value so that Can allocates nothing.
type Target struct {
	Account   string
	Subsystem SubsystemID
	Unit      UnitID
	ToUnit    UnitID
	Role      RoleID
	Level     Level
	Group     GroupID
	// ToAccount is the receiving account of ActConvert.
	ToAccount string
}

// builtin reports whether a is one of rbac's own actions. AuditTx refuses
// them, so that an entry under one of these names was always written by a
// rule-checked path of this package.
func (a Action) builtin() bool {
	switch a {
	case ActView, ActAdd, ActActivate, ActLock, ActOpen, ActChangeUnit, ActSetGroup, ActGrant, ActRevoke,
		ActRemove, ActClearReview, ActConvert, ActCreateUnit, ActRenameUnit, ActMoveUnit, ActMergeUnit,
		ActRequestSuperAdmin, ActApproveSuperAdmin, ActRejectSuperAdmin, ActRemoveSuperAdmin,
		ActRegisterSubsystem, ActListSuperAdminRequests, ActExportAudit:
		return true
	}
	return false
}
