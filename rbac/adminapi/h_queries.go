package adminapi

import (
	"errors"
	"net/http"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// MeJSON is GET /me: who the API thinks is calling, where its power lies,
// and the CSRF token to send with changes.
type MeJSON struct {
	TechID    string      `json:"tech_id"`
	Name      string      `json:"name,omitempty"`
	Operator  bool        `json:"operator"`
	Scopes    []ScopeJSON `json:"scopes"`
	CSRFToken string      `json:"csrf_token,omitempty"`
}

func (a *api) me(w http.ResponseWriter, r *http.Request) {
	if !readParams(r).ok(w, r) {
		return
	}
	actor := actorOf(r)
	scopes, err := a.svc.Scopes(r.Context(), actor.TechID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := MeJSON{TechID: actor.TechID, Name: actor.Name, Operator: a.svc.IsOperator(actor.TechID), Scopes: make([]ScopeJSON, 0, len(scopes))}
	for _, s := range scopes {
		out.Scopes = append(out.Scopes, ScopeJSON{Subsystem: string(s.Subsystem), Unit: string(s.Unit), Level: int(s.Level)})
	}
	if t, ok := a.auth.(CSRFTokener); ok {
		out.CSRFToken = t.CSRFToken(r)
	}
	writeJSON(w, http.StatusOK, out)
}

// SubsystemJSON describes a subsystem with its roles and groups, for the
// grant and group pickers.
type SubsystemJSON struct {
	ID     string      `json:"id"`
	Name   string      `json:"name"`
	Roles  []RoleJSON  `json:"roles"`
	Groups []GroupJSON `json:"groups"`
}

// RoleJSON is a role of a subsystem.
type RoleJSON struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Admin     bool     `json:"admin"`
	MinLevel  int      `json:"min_level,omitempty"`
	MaxLevel  int      `json:"max_level,omitempty"`
	UnitKinds []string `json:"unit_kinds,omitempty"`
}

// GroupJSON is a user group of a subsystem.
type GroupJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role,omitempty"`
}

func (a *api) subsystems(w http.ResponseWriter, r *http.Request) {
	if !readParams(r).ok(w, r) {
		return
	}
	var subs []rbac.Subsystem
	if err := a.svc.Store().View(r.Context(), func(tx rbac.ReadTx) error {
		var err error
		subs, err = tx.Subsystems()
		return err
	}); err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]SubsystemJSON, 0, len(subs))
	for _, s := range subs {
		sj := SubsystemJSON{ID: string(s.ID), Name: s.Name, Roles: []RoleJSON{}, Groups: []GroupJSON{}}
		for _, ro := range s.Roles {
			rj := RoleJSON{ID: string(ro.ID), Name: ro.Name, Admin: ro.Admin, MinLevel: int(ro.MinLevel), MaxLevel: int(ro.MaxLevel)}
			for _, k := range ro.UnitKinds {
				rj.UnitKinds = append(rj.UnitKinds, string(k))
			}
			sj.Roles = append(sj.Roles, rj)
		}
		for _, g := range s.Groups {
			sj.Groups = append(sj.Groups, GroupJSON{ID: string(g.ID), Name: g.Name, Role: string(g.Role)})
		}
		out = append(out, sj)
	}
	writeJSON(w, http.StatusOK, map[string]any{"subsystems": out})
}

// search is "Tìm kiếm trên Vnconnect": the step before saving a person or
// an organisation to the system.
func (a *api) search(w http.ResponseWriter, r *http.Request) {
	p := readParams(r, "cccd", "cmnd", "phone", "name", "email", "agency_code", "mst", "type", "limit")
	q := vnconnect.Query{CCCD: p.str("cccd"), CMND: p.str("cmnd"), Phone: p.str("phone"), Name: p.str("name"),
		Email: p.str("email"), AgencyCode: p.str("agency_code"), TaxCode: p.str("mst"),
		Type: vnconnect.AccountType(p.int("type")), Limit: p.int("limit")}
	if !p.ok(w, r) {
		return
	}
	found, err := a.svc.Search(r.Context(), actorOf(r).TechID, q)
	if err != nil {
		var qe *vnconnect.QueryError
		if errors.Is(err, rbac.ErrForbidden) || errors.Is(err, rbac.ErrInvalid) || errors.As(err, &qe) || r.Context().Err() != nil {
			a.fail(w, r, err)
			return
		}
		a.log.ErrorContext(r.Context(), "adminapi: Vnconnect search failed", "err", err)
		writeProblem(w, r, newProblem(CodeUpstream, "the Vnconnect directory did not answer; try again"))
		return
	}
	out := make([]IdentityJSON, 0, len(found))
	for _, id := range found {
		if id != nil {
			out = append(out, identityJSON(id))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": out})
}

// UserPageJSON is GET /users. Next, when not empty, is the cursor to pass
// as after= for the following page.
type UserPageJSON struct {
	Users []UserJSON `json:"users"`
	Next  string     `json:"next,omitempty"`
}

func (a *api) listUsers(w http.ResponseWriter, r *http.Request) {
	p := readParams(r, "subsystem", "unit", "state", "locked", "role", "group", "review", "name", "after", "limit")
	f := rbac.UserFilter{Subsystem: rbac.SubsystemID(p.str("subsystem")), Unit: rbac.UnitID(p.str("unit")),
		State: rbac.MemberState(p.str("state")), Locked: p.bool("locked"), Role: rbac.RoleID(p.str("role")),
		Group: rbac.GroupID(p.str("group")), Name: p.str("name"), After: p.cursor("after"), Limit: p.int("limit")}
	if rv := p.bool("review"); rv != nil {
		f.Review = *rv
	}
	switch f.State {
	case "", rbac.Pending, rbac.Active:
	default:
		p.bad = append(p.bad, FieldError{Field: "state", Detail: "must be pending or active"})
	}
	if !p.ok(w, r) {
		return
	}
	page, err := a.svc.ListUsers(r.Context(), actorOf(r).TechID, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := UserPageJSON{Users: make([]UserJSON, 0, len(page.Users)), Next: encodeCursor(page.Next)}
	for _, u := range page.Users {
		out.Users = append(out.Users, UserJSON{MembershipJSON: membershipJSON(u.Membership), Person: accountJSON(u.Account)})
	}
	writeJSON(w, http.StatusOK, out)
}

// memberships lists the account's memberships the actor may see.
func (a *api) memberships(w http.ResponseWriter, r *http.Request) {
	if !readParams(r).ok(w, r) {
		return
	}
	ms, err := a.svc.Memberships(r.Context(), actorOf(r).TechID, r.PathValue("account"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]MembershipJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, membershipJSON(m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"memberships": out})
}

// membership is one membership, if the actor may see it. A membership the
// actor may not see answers 404, like one that does not exist, so the
// route cannot be used to probe who is on which subsystem.
func (a *api) membership(w http.ResponseWriter, r *http.Request) {
	if !readParams(r).ok(w, r) {
		return
	}
	sub := rbac.SubsystemID(r.PathValue("subsystem"))
	ms, err := a.svc.Memberships(r.Context(), actorOf(r).TechID, r.PathValue("account"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for _, m := range ms {
		if m.Subsystem == sub {
			writeJSON(w, http.StatusOK, membershipJSON(m))
			return
		}
	}
	writeProblem(w, r, newProblem(rbac.CodeNotFound, "no such membership in your scope"))
}

// units lists the units where the actor manages users.
func (a *api) units(w http.ResponseWriter, r *http.Request) {
	p := readParams(r, "subsystem")
	sub := rbac.SubsystemID(p.str("subsystem"))
	if !p.ok(w, r) {
		return
	}
	units, err := a.svc.ManagedUnits(r.Context(), actorOf(r).TechID, sub)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]UnitJSON, 0, len(units))
	for _, u := range units {
		out = append(out, unitJSON(u))
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": out})
}

// admins lists who has power over a unit, nearest first.
func (a *api) admins(w http.ResponseWriter, r *http.Request) {
	if !readParams(r).ok(w, r) {
		return
	}
	admins, err := a.svc.AdminsOf(r.Context(), actorOf(r).TechID, rbac.UnitID(r.PathValue("unit")))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]AdminJSON, 0, len(admins))
	for _, ad := range admins {
		out = append(out, AdminJSON{Account: ad.Account, Subsystem: string(ad.Subsystem), Unit: string(ad.Unit),
			Level: int(ad.Level), Active: ad.Active, Review: ad.Review})
	}
	writeJSON(w, http.StatusOK, map[string]any{"admins": out})
}
