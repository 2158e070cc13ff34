package adminapi

import (
	"encoding/json"
	"net/http"

	"github.com/rpkit-vn/rpkit/rbac"
)

// Problem is an RFC 9457 problem details object. Type and Code are stable:
// clients branch on them, never on Title or Detail.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Instance is the request path.
	Instance string `json:"instance,omitempty"`
	// Code is the stable machine-readable code (rbac.Code… for rbac's
	// errors, the Code… constants of this package for the rest).
	Code string `json:"code"`
	// Rule names the delegation rule that refused a forbidden request
	// (rbac.Rule…).
	Rule string `json:"rule,omitempty"`
	// Errors lists the per-field problems of an invalid request.
	Errors []FieldError `json:"errors,omitempty"`
}

// FieldError is one invalid field.
type FieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// ProblemContentType is the media type of every error response.
const ProblemContentType = "application/problem+json"

// problemTypePrefix makes Type a URI (RFC 9457 §3.1.1) that names the
// problem without promising a page behind it.
const problemTypePrefix = "urn:rpkit:problem:"

// Codes of the problems this package raises itself; rbac's errors carry
// rbac.CodeForbidden, CodeNotFound, CodeConflict, CodeInvalid.
const (
	CodeBadJSON          = "request.bad_json"
	CodeTooLarge         = "request.too_large"
	CodeUnsupportedMedia = "request.unsupported_media_type"
	CodeBadParameter     = "request.bad_parameter"
	CodeNoRoute          = "request.no_route"
	CodeMethod           = "request.method_not_allowed"
	CodeUnauthenticated  = "auth.unauthenticated"
	CodeCSRF             = "auth.csrf"
	CodeNotConfigured    = "server.not_configured"
	CodeUpstream         = "vnconnect.unavailable"
	CodeInternal         = "server.internal"
	CodeBadForm          = "changeform.bad_file"
	CodePlanMismatch     = "changeform.plan_mismatch"
)

// kindOf gives the type's last segment, the title and the status of a
// code.
func kindOf(code string) (slug, title string, status int, ok bool) {
	switch code {
	case rbac.CodeForbidden:
		return "forbidden", "Forbidden", http.StatusForbidden, true
	case rbac.CodeNotFound:
		return "not-found", "Not found", http.StatusNotFound, true
	case rbac.CodeConflict:
		return "conflict", "Conflict with the current state", http.StatusConflict, true
	case rbac.CodeInvalid:
		return "invalid", "Invalid request", http.StatusUnprocessableEntity, true
	case CodeBadJSON:
		return "bad-json", "Malformed JSON body", http.StatusBadRequest, true
	case CodeTooLarge:
		return "too-large", "Request body too large", http.StatusRequestEntityTooLarge, true
	case CodeUnsupportedMedia:
		return "unsupported-media-type", "Unsupported media type", http.StatusUnsupportedMediaType, true
	case CodeBadParameter:
		return "bad-parameter", "Invalid query parameter", http.StatusBadRequest, true
	case CodeNoRoute:
		return "no-route", "No such resource", http.StatusNotFound, true
	case CodeMethod:
		return "method-not-allowed", "Method not allowed", http.StatusMethodNotAllowed, true
	case CodeUnauthenticated:
		return "unauthenticated", "Login required", http.StatusUnauthorized, true
	case CodeCSRF:
		return "csrf", "Missing or invalid CSRF token", http.StatusForbidden, true
	case CodeNotConfigured:
		return "not-configured", "Not available on this server", http.StatusNotImplemented, true
	case CodeUpstream:
		return "upstream", "Vnconnect is unavailable", http.StatusBadGateway, true
	case CodeInternal:
		return "internal", "Internal error", http.StatusInternalServerError, true
	case CodeBadForm:
		return "bad-file", "The change form could not be read", http.StatusUnprocessableEntity, true
	case CodePlanMismatch:
		return "plan-mismatch", "The file or unit differs from the one planned", http.StatusConflict, true
	}
	return "", "", 0, false
}

// newProblem builds the problem for code with a detail.
func newProblem(code, detail string) Problem {
	slug, title, status, ok := kindOf(code)
	if !ok {
		code = CodeInternal
		slug, title, status, _ = kindOf(code)
	}
	return Problem{Type: problemTypePrefix + slug, Title: title, Status: status, Code: code, Detail: detail}
}

// writeProblem sends p. Error responses are never cached: they depend on
// who asks.
func writeProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	h := w.Header()
	h.Set("Content-Type", ProblemContentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
