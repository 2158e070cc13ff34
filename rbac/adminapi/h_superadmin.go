package adminapi

import (
	"net/http"

	"github.com/rpkit-vn/rpkit/rbac"
)

// Super admin (Quản trị cấp cao): the agency asks, after logging in with
// its VGCA certificate; the platform operator approves or rejects.

func (a *api) superRequests(w http.ResponseWriter, r *http.Request) {
	p := readParams(r, "state")
	state := rbac.RequestState(p.str("state"))
	switch state {
	case "", rbac.RequestPending, rbac.RequestApproved, rbac.RequestRejected:
	default:
		p.bad = append(p.bad, FieldError{Field: "state", Detail: "must be pending, approved or rejected"})
	}
	if !p.ok(w, r) {
		return
	}
	reqs, err := a.svc.SuperAdminRequests(r.Context(), actorOf(r).TechID, state)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]SuperAdminRequestJSON, 0, len(reqs))
	for _, q := range reqs {
		out = append(out, requestJSON(q))
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": out})
}

// SuperRequestBody is POST /super-admin/requests. Decision, when set, is
// the reference of the unit's written decision authorising a subordinate
// body (whose certificate is the caller's) to hold its super admin.
type SuperRequestBody struct {
	Unit     string `json:"unit"`
	Decision string `json:"decision,omitempty"`
	Reason   string `json:"reason"`
}

func (a *api) requestSuper(w http.ResponseWriter, r *http.Request) {
	if a.creds == nil {
		writeProblem(w, r, newProblem(CodeNotConfigured, "agency certificate login is not configured"))
		return
	}
	var b SuperRequestBody
	if !a.decodeJSON(w, r, &b) {
		return
	}
	cred, err := a.creds.AgencyCredential(r)
	if err != nil {
		a.log.InfoContext(r.Context(), "adminapi: super-admin request without a certificate", "err", err)
		a.fail(w, r, &rbac.DeniedError{Actor: actorOf(r).TechID, Action: rbac.ActRequestSuperAdmin, Target: "unit " + b.Unit,
			Reason: "log in with the agency's VGCA certificate (USB token or SIM PKI) first", Rule: rbac.RuleCodeMismatch})
		return
	}
	var req rbac.SuperAdminRequest
	if b.Decision != "" {
		req, err = a.svc.RequestDelegatedSuperAdmin(r.Context(), cred, rbac.UnitID(b.Unit), b.Decision, b.Reason)
	} else {
		req, err = a.svc.RequestSuperAdmin(r.Context(), cred, rbac.UnitID(b.Unit), b.Reason)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, requestJSON(req))
}

func (a *api) approveSuper(w http.ResponseWriter, r *http.Request) {
	var b ReasonBody
	if !a.decodeJSON(w, r, &b) {
		return
	}
	sa, err := a.svc.ApproveSuperAdmin(r.Context(), actorOf(r).TechID, r.PathValue("id"), b.Reason)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, SuperAdminJSON{Account: sa.Account, Unit: string(sa.Unit), AgencyCode: sa.Credential.AgencyCode,
		Decision: sa.Decision, RequestID: sa.RequestID, GrantedBy: sa.GrantedBy, GrantedAt: sa.GrantedAt})
}

func (a *api) rejectSuper(w http.ResponseWriter, r *http.Request) {
	var b ReasonBody
	if !a.decodeJSON(w, r, &b) {
		return
	}
	req, err := a.svc.RejectSuperAdmin(r.Context(), actorOf(r).TechID, r.PathValue("id"), b.Reason)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, requestJSON(req))
}
