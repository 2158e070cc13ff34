package adminapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
)

// Codes of the conversion routes' problems. A refused conversion's code is
// "migrate." followed by its migrate.PreconditionError code with "_" for
// "-" (migrate.CodeUnitMismatch "unit-mismatch" → "migrate.unit_mismatch"),
// so clients can branch on migrate's stable codes.
const (
	CodeConversionPrefix = "migrate."
	CodeVerifyFailed     = "migrate.verify_failed"
)

// ConversionCode is the problem code of a precondition code.
func ConversionCode(precondition string) string {
	return CodeConversionPrefix + strings.ReplaceAll(precondition, "-", "_")
}

// preconditionKind gives a precondition its status and title (a switch,
// like kindOf, to keep the package free of globals). 409: the accounts'
// state forbids it now; 422: the request names accounts that cannot be
// converted; 403: the actor may not.
func preconditionKind(code string) (int, string) {
	switch code {
	case migrate.CodeSameAccount:
		return http.StatusUnprocessableEntity, "The source and the target are the same account"
	case migrate.CodeSourceNotFound:
		return http.StatusUnprocessableEntity, "The source account has nothing to convert"
	case migrate.CodeTargetNotFound:
		return http.StatusUnprocessableEntity, "The target account is not saved to the subsystem"
	case migrate.CodeTargetNotOnVN:
		return http.StatusUnprocessableEntity, "Vnconnect no longer knows the target account"
	case migrate.CodeAlreadyConverted:
		return http.StatusConflict, "The source account was already converted"
	case migrate.CodeTargetInactive:
		return http.StatusConflict, "The target account is not active"
	case migrate.CodeUnitMismatch:
		return http.StatusConflict, "The accounts are not in the same unit"
	case migrate.CodeGroupMismatch:
		return http.StatusConflict, "The accounts are not in the same user group"
	case migrate.CodeInFlight:
		return http.StatusConflict, "Another conversion holds one of the accounts"
	case migrate.CodeRevertWindow:
		return http.StatusConflict, "Too late to revert"
	case migrate.CodeLegacyDisabled:
		return http.StatusConflict, "The legacy account is disabled"
	case migrate.CodeForbidden:
		return http.StatusForbidden, "You may not manage both accounts"
	}
	return http.StatusConflict, "The conversion may not run"
}

// conversionProblem builds a problem of this file's codes; they are not
// in kindOf, which knows the rest of the API's.
func conversionProblem(code, title string, status int, detail string) Problem {
	slug := strings.ReplaceAll(strings.ReplaceAll(code, ".", "-"), "_", "-")
	return Problem{Type: problemTypePrefix + slug, Title: title, Status: status, Code: code, Detail: detail}
}

// convFail answers a migrate error. Precondition messages were written to
// be shown; other details go through safeDetail like rbac's.
func (a *api) convFail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *migrate.PreconditionError
	var ve *migrate.VerifyError
	switch {
	case errors.As(err, &pe):
		status, title := preconditionKind(pe.Code)
		detail := pe.Message
		if pe.Subsystem != "" {
			detail += " (subsystem " + pe.Subsystem + ")"
		}
		p := conversionProblem(ConversionCode(pe.Code), title, status, detail)
		var de *rbac.DeniedError
		if errors.As(err, &de) {
			p.Rule = de.Rule
		}
		writeProblem(w, r, p)
	case errors.As(err, &ve):
		p := conversionProblem(CodeVerifyFailed, "The result differs from the plan", http.StatusConflict,
			"the converted data is not complete; see errors")
		for _, s := range ve.Problems {
			p.Errors = append(p.Errors, FieldError{Field: "conversion", Detail: clip(s, 300)})
		}
		writeProblem(w, r, p)
	case errors.Is(err, migrate.ErrNotFound):
		writeProblem(w, r, newProblem(rbac.CodeNotFound, "no such conversion"))
	case errors.Is(err, migrate.ErrConflict):
		writeProblem(w, r, newProblem(rbac.CodeConflict, migrateDetail(err, "the conversion conflicts with the current state")))
	case errors.Is(err, migrate.ErrInvalid):
		writeProblem(w, r, newProblem(rbac.CodeInvalid, migrateDetail(err, "invalid conversion request")))
	default:
		a.fail(w, r, err)
	}
}

// migrateDetail is safeDetail without migrate's sentinel prefixes.
func migrateDetail(err error, fallback string) string {
	msg := safeDetail(err, fallback)
	for _, s := range []error{migrate.ErrConflict, migrate.ErrInvalid} {
		msg = strings.TrimPrefix(msg, s.Error()+": ")
	}
	return msg
}
