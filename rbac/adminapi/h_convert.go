package adminapi

import (
	"errors"
	"net/http"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// The conversion screen (Chuyển đổi tài khoản): look the two accounts up,
// plan ("Chuyển đổi"), execute ("Đồng ý"), then verify or revert. The
// rules — same unit and group, the actor manages both — are migrate's and
// rbac's; this file only speaks HTTP.

// converter answers 501 and returns false when no Converter is
// configured.
func (a *api) converter(w http.ResponseWriter, r *http.Request) bool {
	if a.conv == nil {
		writeProblem(w, r, newProblem(CodeNotConfigured, "account conversion needs Config.Converter"))
		return false
	}
	return true
}

// convLegacy is "Tra cứu tài khoản username/password".
func (a *api) convLegacy(w http.ResponseWriter, r *http.Request) {
	p := readParams(r, "username")
	user := p.str("username")
	if user == "" {
		p.bad = append(p.bad, FieldError{Field: "username", Detail: "required"})
	}
	if !p.ok(w, r) || !a.converter(w, r) {
		return
	}
	accts, err := a.conv.LookupLegacy(r.Context(), actorOf(r).TechID, user)
	if err != nil {
		a.convFail(w, r, err)
		return
	}
	out := make([]LegacyAccountJSON, 0, len(accts))
	for _, acc := range accts {
		out = append(out, legacyJSON(acc))
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": out})
}

// convVnconnect is "Tra cứu tài khoản Vnconnect": by CCCD or CMND on
// Vnconnect (an admin's search), or by TechID among saved accounts.
func (a *api) convVnconnect(w http.ResponseWriter, r *http.Request) {
	p := readParams(r, "cccd", "cmnd", "techid")
	cccd, cmnd, techID := p.str("cccd"), p.str("cmnd"), p.str("techid")
	given := 0
	for _, v := range []string{cccd, cmnd, techID} {
		if v != "" {
			given++
		}
	}
	if given != 1 {
		p.bad = append(p.bad, FieldError{Field: "query", Detail: "give exactly one of cccd, cmnd, techid"})
	}
	if !p.ok(w, r) || !a.converter(w, r) {
		return
	}
	actor := actorOf(r).TechID
	var out []VnconnectAccountJSON
	if techID != "" {
		res, ok := a.savedAccount(w, r, actor, techID)
		if !ok {
			return
		}
		if res != nil {
			out = append(out, *res)
		}
	} else {
		found, err := a.svc.Search(r.Context(), actor, vnconnect.Query{CCCD: cccd, CMND: cmnd})
		if err != nil {
			a.searchFailed(w, r, err)
			return
		}
		for _, id := range found {
			if id == nil {
				continue
			}
			ms, err := a.svc.Memberships(r.Context(), actor, id.TechID)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			ij := identityJSON(id)
			out = append(out, VnconnectAccountJSON{TechID: id.TechID, Identity: &ij, Memberships: membershipsJSON(ms)})
		}
	}
	if out == nil {
		out = []VnconnectAccountJSON{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": out})
}

// savedAccount looks a TechID up among saved accounts. It answers nothing
// (nil) unless the actor may see one of its memberships, so that the
// route does not tell who is saved where.
func (a *api) savedAccount(w http.ResponseWriter, r *http.Request, actor, techID string) (*VnconnectAccountJSON, bool) {
	ms, err := a.svc.Memberships(r.Context(), actor, techID)
	if err != nil {
		a.fail(w, r, err)
		return nil, false
	}
	if len(ms) == 0 {
		return nil, true
	}
	var acc rbac.Account
	if err := a.svc.Store().View(r.Context(), func(tx rbac.ReadTx) error {
		var err error
		acc, err = tx.Account(techID)
		return err
	}); err != nil {
		a.fail(w, r, err)
		return nil, false
	}
	person := accountJSON(acc)
	return &VnconnectAccountJSON{TechID: techID, Person: &person, Memberships: membershipsJSON(ms)}, true
}

// searchFailed answers a Vnconnect search error as GET /vnconnect/search
// does: the client's fault as such, the directory's as 502.
func (a *api) searchFailed(w http.ResponseWriter, r *http.Request, err error) {
	var qe *vnconnect.QueryError
	if errors.Is(err, rbac.ErrForbidden) || errors.Is(err, rbac.ErrInvalid) || errors.As(err, &qe) || r.Context().Err() != nil {
		a.fail(w, r, err)
		return
	}
	a.log.ErrorContext(r.Context(), "adminapi: Vnconnect search failed", "err", err)
	writeProblem(w, r, newProblem(CodeUpstream, "the Vnconnect directory did not answer; try again"))
}

func membershipsJSON(ms []rbac.Membership) []MembershipJSON {
	out := make([]MembershipJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, membershipJSON(m))
	}
	return out
}

// conversionRequest reads a ConversionBody.
func (a *api) conversionRequest(w http.ResponseWriter, r *http.Request) (migrate.Request, bool) {
	var b ConversionBody
	if !a.decodeJSON(w, r, &b) {
		return migrate.Request{}, false
	}
	req := migrate.Request{Kind: migrate.Kind(b.Kind), From: b.From, To: b.To, Actor: actorOf(r).TechID, Reason: b.Reason}
	for _, s := range b.Subsystems {
		req.Subsystems = append(req.Subsystems, rbac.SubsystemID(s))
	}
	return req, true
}

// convPlan is "Chuyển đổi": the dry run, per table how many rows move.
func (a *api) convPlan(w http.ResponseWriter, r *http.Request) {
	if !readParams(r).ok(w, r) || !a.converter(w, r) {
		return
	}
	req, ok := a.conversionRequest(w, r)
	if !ok {
		return
	}
	plan, err := a.conv.Plan(r.Context(), req)
	if err != nil {
		a.convFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, planJSON(plan))
}

// convExecute is "Đồng ý": the conversion runs; its record comes back.
// The preconditions are checked again: the plan is advice, not a lock.
func (a *api) convExecute(w http.ResponseWriter, r *http.Request) {
	if !readParams(r).ok(w, r) || !a.converter(w, r) {
		return
	}
	req, ok := a.conversionRequest(w, r)
	if !ok {
		return
	}
	cv, err := a.conv.Execute(r.Context(), req)
	if err != nil {
		a.convFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, conversionJSON(cv))
}

// visible returns the conversion in the path if the actor may see it;
// otherwise it has answered 404.
func (a *api) visible(w http.ResponseWriter, r *http.Request) (*migrate.Conversion, bool) {
	cv, err := a.conv.GetFor(r.Context(), actorOf(r).TechID, r.PathValue("id"))
	if err != nil {
		a.convFail(w, r, err)
		return nil, false
	}
	return cv, true
}

func (a *api) convGet(w http.ResponseWriter, r *http.Request) {
	if !readParams(r).ok(w, r) || !a.converter(w, r) {
		return
	}
	if cv, ok := a.visible(w, r); ok {
		writeJSON(w, http.StatusOK, conversionJSON(cv))
	}
}

// convVerify proves the result, as the new holder is asked to check that
// the converted data is complete. It changes nothing, but it is a POST:
// it is an action on the screen, and its answer must not be cached.
func (a *api) convVerify(w http.ResponseWriter, r *http.Request) {
	if !readParams(r).ok(w, r) || !a.converter(w, r) {
		return
	}
	cv, ok := a.visible(w, r)
	if !ok {
		return
	}
	if err := a.conv.Verify(r.Context(), cv.ID); err != nil {
		a.convFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, VerifyJSON{Verified: true, Conversion: conversionJSON(cv)})
}

// convRevert undoes a conversion within the revert window.
func (a *api) convRevert(w http.ResponseWriter, r *http.Request) {
	if !readParams(r).ok(w, r) || !a.converter(w, r) {
		return
	}
	var b ReasonBody
	if !a.decodeJSON(w, r, &b) {
		return
	}
	cv, ok := a.visible(w, r)
	if !ok {
		return
	}
	out, err := a.conv.Revert(r.Context(), actorOf(r).TechID, cv.ID, b.Reason)
	if err != nil {
		a.convFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, conversionJSON(out))
}
