package rbac

import (
	"context"
	"errors"
)

// This file is the one place where rights are decided. Can (the public
// question), every mutation (inside its transaction) and Authorize (the
// application's hot path) all come here, so there is no second,
// differently-worded copy of a rule to drift.

// Can reports whether actor may do action on target: nil if allowed, an
// error wrapping ErrForbidden (a *DeniedError saying why) if not, or
// ErrNotFound when the target does not exist. It checks rights only; a
// mutation may still fail on state (ErrConflict: already active, unit
// merged…). Mutations run the same check again inside their transaction.
//
// With the memory store it costs one map look-up per account (actor and
// target) and an O(depth) integer walk, and allocates nothing when the
// answer is yes.
func (s *Service) Can(ctx context.Context, actor string, action Action, target Target) error {
	if s.fast != nil {
		tx := s.fast.AcquireRead()
		err := s.can(tx, actor, action, target)
		s.fast.ReleaseRead()
		return err
	}
	return s.canView(ctx, actor, action, target)
}

func (s *Service) canView(ctx context.Context, actor string, action Action, target Target) error {
	return s.store.View(ctx, func(tx ReadTx) error { return s.can(tx, actor, action, target) })
}

// CanTx is Can answered from tx, a transaction of this service's store that
// the caller holds (inside Store().View or Store().Update). A caller that
// checks in an Update and writes in the same Update — as every mutation of
// this package does — has no window between the check and the act: under
// the store's serializable isolation the rights it read are still true
// when it commits (or the Update runs again).
func (s *Service) CanTx(tx ReadTx, actor string, action Action, target Target) error {
	return s.can(tx, actor, action, target)
}

// CanAddTo reports whether actor may add accounts to subsystem sub in unit,
// before knowing who: the pre-check of a bulk import or an "add" screen. It
// is ActAdd without the target's own standing, which Add still checks
// against the account it finds (an account that outranks the actor is
// refused there). Unknown subsystems and units answer ErrNotFound.
func (s *Service) CanAddTo(ctx context.Context, actor string, sub SubsystemID, unit UnitID) error {
	if s.fast != nil {
		tx := s.fast.AcquireRead()
		err := s.canAddTo(tx, actor, sub, unit)
		s.fast.ReleaseRead()
		return err
	}
	return s.store.View(ctx, func(tx ReadTx) error { return s.canAddTo(tx, actor, sub, unit) })
}

func (s *Service) canAddTo(tx ReadTx, actor string, sub SubsystemID, unit UnitID) error {
	t := Target{Subsystem: sub, Unit: unit}
	if actor == "" {
		return deny(actor, ActAdd, t, RuleNoActor, "no actor")
	}
	if sub == "" || unit == "" {
		return invalid("add needs a subsystem and a unit")
	}
	v := viewOf(tx)
	def, err := v.subsystemDef(sub)
	if err != nil {
		return notFoundErr(err, "subsystem "+string(sub))
	}
	if _, err := tx.Unit(unit); err != nil {
		return notFoundErr(err, "unit "+string(unit))
	}
	if s.IsOperator(actor) {
		return nil
	}
	if _, ok := powerAt(v, actor, sub, def, v.ref(unit)); !ok {
		return deny(actor, ActAdd, t, RuleOutsideScope, "not an admin of "+string(sub)+" over unit "+string(unit))
	}
	return nil
}

// can dispatches on the kind of action.
func (s *Service) can(tx ReadTx, actor string, action Action, t Target) error {
	if actor == "" {
		return deny(actor, action, t, RuleNoActor, "no actor")
	}
	switch action {
	case ActView, ActAdd, ActActivate, ActLock, ActOpen, ActChangeUnit, ActSetGroup, ActGrant, ActRevoke, ActRemove, ActClearReview:
		return s.canMember(tx, actor, action, t)
	case ActConvert:
		return s.canConvert(tx, actor, t)
	case ActCreateUnit, ActRenameUnit, ActMoveUnit, ActMergeUnit:
		return s.canUnit(tx, actor, action, t)
	case ActApproveSuperAdmin, ActRejectSuperAdmin, ActRegisterSubsystem, ActListSuperAdminRequests:
		if !s.IsOperator(actor) {
			return deny(actor, action, t, RuleOperatorOnly, "only the platform operator may do this")
		}
		return nil
	case ActExportAudit:
		if !s.IsOperator(actor) {
			return deny(actor, action, t, RuleOperatorOnly, "only the platform operator exports the audit log")
		}
		return nil
	case ActRemoveSuperAdmin:
		return s.canRemoveSuper(tx, actor, t)
	}
	return invalid("unknown action %q", action)
}

// power is the actor's best (lowest) level over unit on sub: 0 through a
// super-admin record whose unit covers it, otherwise the lowest level of an
// admin grant on the actor's membership of sub, if that membership is
// active, open, and its unit covers unit. ok is false when the actor has no
// power there. A grant counts only while its role is still an admin role of
// the subsystem, so editing a role definition cannot leave stale powers.
func power(tx ReadTx, actor string, sub SubsystemID, unit UnitID) (lvl Level, ok bool) {
	v := viewOf(tx)
	return powerAt(v, actor, sub, nil, v.ref(unit))
}

// powerAt is power on a ruleView with the unit already resolved. def is
// sub's definition when the caller has it, else nil.
func powerAt(v ruleView, actor string, sub SubsystemID, def *Subsystem, unit unitRef) (lvl Level, ok bool) {
	h, err := v.holding(actor, sub)
	for _, su := range h.supers {
		if v.coversRef(su, unit) {
			return LevelSuper, true
		}
	}
	if sub == "" || err != nil || h.m.State != Active || h.m.Locked {
		return 0, false
	}
	if def == nil {
		if def, err = v.subsystemDef(sub); err != nil {
			return 0, false
		}
	}
	lvl, ok = adminLevelIn(def, h.m)
	if !ok || !v.coversRef(h.at, unit) {
		return 0, false
	}
	return lvl, true
}

// adminLevel is the lowest level among m's grants of roles that are admin
// roles of its subsystem.
func adminLevel(tx ReadTx, m *Membership) (Level, bool) {
	def, err := viewOf(tx).subsystemDef(m.Subsystem)
	if err != nil {
		return 0, false
	}
	return adminLevelIn(def, m)
}

// adminLevelIn is adminLevel with m's subsystem definition in hand.
func adminLevelIn(def *Subsystem, m *Membership) (Level, bool) {
	var best Level
	found := false
	for i := range m.Roles {
		g := &m.Roles[i]
		if g.Level < 1 || (found && g.Level >= best) {
			continue
		}
		if r, ok := def.role(g.Role); ok && r.Admin {
			best, found = g.Level, true
		}
	}
	return best, found
}

// standing is how high account stands on sub, whatever its state: 0 if it
// is a super admin anywhere, else its lowest admin grant level on sub, else
// (false) an ordinary user. A locked or pending admin keeps its standing:
// locking an admin must not let its subordinates act on it.
func standing(v ruleView, account string, sub SubsystemID) (Level, bool) {
	h, _ := v.holding(account, sub)
	return standingOf(h)
}

// standingOf is standing from what the account holds (h.m nil when it has
// no membership of the subsystem).
func standingOf(h holding) (Level, bool) {
	if len(h.supers) > 0 {
		return LevelSuper, true
	}
	if h.m == nil {
		return 0, false
	}
	var best Level
	found := false
	for _, g := range h.m.Roles {
		// Any levelled grant counts here, admin role or not: when in doubt
		// the target stands higher, which only ever refuses more.
		if g.Level >= 1 && (!found || g.Level < best) {
			best, found = g.Level, true
		}
	}
	return best, found
}

// canMember checks an action on the membership t.Account × t.Subsystem.
func (s *Service) canMember(tx ReadTx, actor string, action Action, t Target) error {
	if t.Account == actor && action != ActView {
		return deny(actor, action, t, RuleSelf, "no one acts on their own account")
	}
	if t.Account == "" || t.Subsystem == "" {
		return invalid("target needs an account and a subsystem")
	}
	v := viewOf(tx)
	sub, err := v.subsystemDef(t.Subsystem)
	if err != nil {
		return notFoundErr(err, "subsystem "+string(t.Subsystem))
	}
	// Where the target is: its membership's unit, or for Add the unit it
	// is to join.
	var target holding
	var at unitRef
	if action == ActAdd {
		if t.Unit == "" {
			return invalid("add needs a unit")
		}
		// Only the account's super-admin units count here, not a
		// membership it may already hold on the subsystem: Add refuses
		// that one as ErrAlreadyMember whoever holds it, and the change
		// form (rbac/changeform) relies on a lower admin who names its
		// superior learning "already there", not the superior's rank.
		target, _ = v.holding(t.Account, "")
		at = v.ref(t.Unit)
	} else if target, err = v.holding(t.Account, t.Subsystem); err == nil {
		at = target.at
	} else {
		return notFoundErr(err, "membership of "+t.Account+" on "+string(t.Subsystem))
	}
	if action == ActView && t.Account == actor {
		return nil
	}
	op := s.IsOperator(actor)
	var mine Level
	if !op {
		if mine, err = over(v, actor, action, t, sub, target, at); err != nil {
			return err
		}
	}
	switch action {
	case ActChangeUnit:
		if t.Unit == "" {
			return invalid("change-unit needs the new unit")
		}
		if !op {
			there, ok := powerAt(v, actor, t.Subsystem, sub, v.ref(t.Unit))
			if !ok {
				return deny(actor, action, t, RuleOutsideScope, "the new unit "+string(t.Unit)+" is outside the actor's scope")
			}
			if theirs, ok := standing(v, t.Account, t.Subsystem); ok && theirs <= there {
				return deny(actor, action, t, RulePeerOrSuperior, "the target would be a peer or superior at the new unit")
			}
		}
	case ActGrant:
		return s.canGrantRole(tx, actor, action, t, sub, at.id, mine, op, t.Role, t.Level)
	case ActSetGroup:
		if t.Group == "" {
			return nil
		}
		g, ok := sub.group(t.Group)
		if !ok {
			return invalid("subsystem %s has no group %q", t.Subsystem, t.Group)
		}
		if g.Role == "" {
			return nil
		}
		// Joining a group that carries a role is a grant of that role, at
		// the level just below the actor's: the same check, no side door.
		return s.canGrantRole(tx, actor, action, t, sub, at.id, mine, op, g.Role, groupLevel(sub, g, mine))
	case ActRevoke:
		if _, ok := sub.role(t.Role); !ok {
			return invalid("subsystem %s has no role %q", t.Subsystem, t.Role)
		}
	}
	return nil
}

// over checks that actor has power on sub over unit at and that target
// (what the account acted on holds) ranks strictly below it there, and
// returns the actor's level.
func over(v ruleView, actor string, action Action, t Target, sub *Subsystem, target holding, at unitRef) (Level, error) {
	mine, ok := powerAt(v, actor, sub.ID, sub, at)
	if !ok {
		return 0, deny(actor, action, t, RuleOutsideScope, "not an admin of "+string(sub.ID)+" over unit "+string(at.id))
	}
	if theirs, ok := standingOf(target); ok && theirs <= mine {
		return 0, deny(actor, action, t, RulePeerOrSuperior, "the target is a peer or a superior")
	}
	return mine, nil
}

// groupLevel is the level a group's role is granted at when actor (at
// level mine) puts someone in the group.
func groupLevel(sub *Subsystem, g *Group, mine Level) Level {
	r, ok := sub.role(g.Role)
	if !ok || !r.Admin {
		return LevelNone
	}
	lo, _ := r.levels()
	return max(mine+1, lo)
}

// canGrantRole checks granting role at level to a member at unit.
func (s *Service) canGrantRole(tx ReadTx, actor string, action Action, t Target, sub *Subsystem, at UnitID, mine Level, op bool, role RoleID, level Level) error {
	r, ok := sub.role(role)
	if !ok {
		return invalid("subsystem %s has no role %q", sub.ID, role)
	}
	if !r.Admin {
		return nil // any admin over the member may hand out ordinary roles
	}
	lo, hi := r.levels()
	if level < lo || level > hi {
		return invalid("role %s is granted at levels %d–%d, not %d", role, lo, hi, level)
	}
	if !op && level <= mine {
		return deny(actor, action, t, RuleLevel, "a level-"+itoa(int(mine))+" admin grants level "+itoa(int(mine)+1)+" and below only")
	}
	if len(r.UnitKinds) > 0 {
		u, err := tx.Unit(at)
		if err != nil {
			return notFoundErr(err, "unit "+string(at))
		}
		okKind := false
		for _, k := range r.UnitKinds {
			okKind = okKind || k == u.Kind
		}
		if !okKind {
			return deny(actor, action, t, RuleRoleNotGrantable, "role "+string(role)+" is not held in a unit of kind "+string(u.Kind))
		}
	}
	return nil
}

// canConvert checks ActConvert: t.Account's membership of t.Subsystem (and
// the data that goes with it) passes to t.ToAccount. Handing over rights is
// granting them, so it takes what a grant takes, on both accounts: the
// actor manages the receiving membership (power over its unit, the holder
// ranks below), manages the giving one when there is one (a legacy account
// may have none), and may grant the receiver every role it gets, at the
// level it gets it, in the receiver's unit. A role the receiver already
// holds through the same group is not a new grant; a role the subsystem no
// longer defines carries no right and is not checked.
func (s *Service) canConvert(tx ReadTx, actor string, t Target) error {
	if t.Account == "" || t.ToAccount == "" || t.Subsystem == "" {
		return invalid("convert needs an account, a receiving account and a subsystem")
	}
	if t.Account == t.ToAccount {
		return invalid("an account is not converted to itself")
	}
	if actor == t.Account || actor == t.ToAccount {
		return deny(actor, ActConvert, t, RuleSelf, "no one converts their own account")
	}
	v := viewOf(tx)
	sub, err := v.subsystemDef(t.Subsystem)
	if err != nil {
		return notFoundErr(err, "subsystem "+string(t.Subsystem))
	}
	to, err := v.holding(t.ToAccount, t.Subsystem)
	if err != nil {
		return notFoundErr(err, "membership of "+t.ToAccount+" on "+string(t.Subsystem))
	}
	from, err := v.holding(t.Account, t.Subsystem)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	op := s.IsOperator(actor)
	var mine Level
	if !op {
		if mine, err = over(v, actor, ActConvert, t, sub, to, to.at); err != nil {
			return err
		}
		at := to.at // no membership: its super-admin standing, judged where it lands
		if from.m != nil {
			at = from.at
		}
		if _, err := over(v, actor, ActConvert, t, sub, from, at); err != nil {
			return err
		}
	}
	if from.m == nil {
		return nil
	}
	for _, g := range from.m.Roles {
		if g.ViaGroup != "" && g.ViaGroup == to.m.Group {
			continue
		}
		if _, ok := sub.role(g.Role); !ok {
			continue
		}
		if err := s.canGrantRole(tx, actor, ActConvert, t, sub, to.at.id, mine, op, g.Role, g.Level); err != nil {
			return err
		}
	}
	return nil
}

// canUnit checks the unit operations. Units are shared by every subsystem,
// so changing the tree changes every admin's scope: only super admins (over
// both ends) and the operator may do it.
func (s *Service) canUnit(tx ReadTx, actor string, action Action, t Target) error {
	if s.IsOperator(actor) {
		return nil
	}
	supers, _ := tx.SuperAdminsOf(actor)
	if len(supers) == 0 {
		return deny(actor, action, t, RuleSuperAdminOnly, "only a super admin or the operator changes units")
	}
	coversAny := func(u UnitID, strict bool) bool {
		for _, sa := range supers {
			if (strict && strictlyCovers(tx, sa.Unit, u)) || (!strict && covers(tx, sa.Unit, u)) {
				return true
			}
		}
		return false
	}
	switch action {
	case ActCreateUnit:
		if t.Unit == "" || !coversAny(t.Unit, false) {
			return deny(actor, action, t, RuleOutsideScope, "the parent unit is outside the actor's scope")
		}
	case ActRenameUnit:
		if !coversAny(t.Unit, true) {
			return deny(actor, action, t, RuleOutsideScope, "the unit is not below the actor's unit")
		}
	case ActMoveUnit, ActMergeUnit:
		// Rights at both ends: the unit leaves a place the actor rules (and
		// is not the actor's own unit or above it), and lands in one.
		if !coversAny(t.Unit, true) {
			return deny(actor, action, t, RuleOutsideScope, "the unit is not below the actor's unit")
		}
		if !coversAny(t.ToUnit, false) {
			return deny(actor, action, t, RuleOutsideScope, "the destination is outside the actor's scope")
		}
		if action == ActMergeUnit {
			// A merge hands the source's super admins the destination's
			// scope; only the operator appoints super admins.
			if held, _ := tx.SuperAdmins(t.Unit); len(held) > 0 {
				return deny(actor, action, t, RuleOperatorOnly, "the unit has its own super admin; only the operator merges it")
			}
		}
	}
	return nil
}

// canRemoveSuper: the operator may remove anyone; a super admin may resign
// unless it is the unit's last; no one else.
func (s *Service) canRemoveSuper(tx ReadTx, actor string, t Target) error {
	if s.IsOperator(actor) {
		return nil
	}
	if actor != t.Account {
		return deny(actor, ActRemoveSuperAdmin, t, RuleOperatorOnly, "only the operator removes another's super admin")
	}
	held, _ := tx.SuperAdmins(t.Unit)
	if len(held) <= 1 {
		return deny(actor, ActRemoveSuperAdmin, t, RuleLastSuperAdmin, "the last super admin of a unit can only be removed by the operator")
	}
	return nil
}

// deny builds the refusal. Only this path allocates.
func deny(actor string, action Action, t Target, rule, reason string) error {
	target := t.Account
	if target == "" {
		target = "unit " + string(t.Unit)
	} else if t.Subsystem != "" {
		target += " on " + string(t.Subsystem)
	}
	return &DeniedError{Actor: actor, Action: action, Target: target, Reason: reason, Rule: rule}
}

func itoa(n int) string {
	if n >= 0 && n < 10 {
		return string(rune('0' + n))
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
