package rbac

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error the package returns wraps exactly one of
// them, so callers (and rbac/adminapi's problem+json) branch with errors.Is
// and map to a stable Code.
var (
	// ErrForbidden: the actor may not do this. The error is a *DeniedError
	// saying why.
	ErrForbidden = errors.New("rbac: forbidden")
	// ErrNotFound: a unit, account, membership, request… does not exist.
	ErrNotFound = errors.New("rbac: not found")
	// ErrConflict: the request clashes with the current state (already
	// present, not pending, unit merged, last super admin, chain moved…).
	ErrConflict = errors.New("rbac: conflict")
	// ErrInvalid: the request itself is malformed (bad code, unknown role,
	// empty reason…).
	ErrInvalid = errors.New("rbac: invalid request")

	// ErrAlreadyMember: Add found the account already on the subsystem. It
	// wraps ErrConflict, so errors.Is(err, ErrConflict) and ErrorCode
	// (CodeConflict) answer as before; callers that must tell "already
	// present" from other conflicts (the change-form importer, bulk
	// loaders) test for it instead of reading messages.
	ErrAlreadyMember = fmt.Errorf("%w: already a member", ErrConflict)
)

// Stable error codes, for problem+json "code" members and logs. They never
// change once published.
const (
	CodeForbidden = "rbac.forbidden"
	CodeNotFound  = "rbac.not_found"
	CodeConflict  = "rbac.conflict"
	CodeInvalid   = "rbac.invalid"
	CodeInternal  = "rbac.internal"
)

// ErrorCode returns the stable code of err ("" for nil).
func ErrorCode(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrForbidden):
		return CodeForbidden
	case errors.Is(err, ErrNotFound):
		return CodeNotFound
	case errors.Is(err, ErrConflict):
		return CodeConflict
	case errors.Is(err, ErrInvalid):
		return CodeInvalid
	}
	return CodeInternal
}

// DeniedError explains a refusal. Its message is safe to show to the actor:
// it names only what the actor asked about.
type DeniedError struct {
	Actor  string
	Action Action
	Target string
	// Reason is a short English sentence; Rule a stable identifier of the
	// rule that refused (e.g. "peer-or-superior"), for tests and UIs.
	Reason string
	Rule   string
}

func (e *DeniedError) Error() string {
	return fmt.Sprintf("rbac: forbidden: %s may not %s %s: %s", e.Actor, e.Action, e.Target, e.Reason)
}

// Unwrap returns ErrForbidden.
func (e *DeniedError) Unwrap() error { return ErrForbidden }

// Rules named in DeniedError.Rule.
const (
	RuleNoActor          = "no-actor"
	RuleSelf             = "self"
	RuleNotAdmin         = "not-admin"
	RuleOutsideScope     = "outside-scope"
	RulePeerOrSuperior   = "peer-or-superior"
	RuleLevel            = "level"
	RuleRoleNotGrantable = "role-not-grantable"
	RuleOperatorOnly     = "operator-only"
	RuleSuperAdminOnly   = "super-admin-only"
	RuleLastSuperAdmin   = "last-super-admin"
	RuleInactive         = "inactive"
	RuleNoPermission     = "no-permission"
	RuleCodeMismatch     = "agency-code-mismatch"
)

// invalid returns an error wrapping ErrInvalid.
func invalid(format string, a ...any) error { return newPublic(ErrInvalid, format, a...) }

// conflict returns an error wrapping ErrConflict.
func conflict(format string, a ...any) error { return newPublic(ErrConflict, format, a...) }

// notFound returns an error wrapping ErrNotFound.
func notFound(format string, a ...any) error { return newPublic(ErrNotFound, format, a...) }

// notFoundErr wraps a store's not-found error with what was looked for, and
// passes other errors through. The store's own message is dropped on
// purpose: only rbac's text reaches PublicMessage.
func notFoundErr(err error, what string) error {
	if errors.Is(err, ErrNotFound) {
		return newPublic(ErrNotFound, "%s", what)
	}
	return err
}
