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
}
