package adminapi

import (
	"net/http"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// The user lifecycle on a subsystem, one route per step of the platform's
// screens: save from Vnconnect (POST /users) → Kích hoạt → Khóa / Mở →
// Thay đổi đơn vị → nhóm → Gán quyền / thu hồi → remove. Every body carries
// a reason: rbac writes it into the audit log.

// QueryJSON is a Vnconnect search, as the search route's parameters.
type QueryJSON struct {
	CCCD       string `json:"cccd,omitempty"`
	CMND       string `json:"cmnd,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Name       string `json:"name,omitempty"`
	Email      string `json:"email,omitempty"`
	AgencyCode string `json:"agency_code,omitempty"`
	TaxCode    string `json:"mst,omitempty"`
	Type       int    `json:"type,omitempty"`
}

func (q QueryJSON) query() vnconnect.Query {
	return vnconnect.Query{CCCD: q.CCCD, CMND: q.CMND, Phone: q.Phone, Name: q.Name, Email: q.Email,
		AgencyCode: q.AgencyCode, TaxCode: q.TaxCode, Type: vnconnect.AccountType(q.Type)}
}

// AddBody is POST /users: "Thêm mới từ Vnconnect" — save the account the
// query finds (TechID picks one when several match) to the subsystem in
// the unit, pending activation. Activate, Group and Lock are
// rbac.AddRequest's initial settings: applied in the same transaction,
// each checked and audited as its own route would, all or nothing.
type AddBody struct {
	Subsystem string    `json:"subsystem"`
	Unit      string    `json:"unit"`
	Query     QueryJSON `json:"query"`
	TechID    string    `json:"tech_id,omitempty"`
	Reason    string    `json:"reason"`
	Activate  bool      `json:"activate,omitempty"`
	Group     string    `json:"group,omitempty"`
	Lock      bool      `json:"lock,omitempty"`
}

func (a *api) addUser(w http.ResponseWriter, r *http.Request) {
	var b AddBody
	if !a.decodeJSON(w, r, &b) {
		return
	}
	m, err := a.svc.Add(r.Context(), actorOf(r).TechID, rbac.AddRequest{Subsystem: rbac.SubsystemID(b.Subsystem),
		Unit: rbac.UnitID(b.Unit), Query: b.Query.query(), TechID: b.TechID, Reason: b.Reason,
		Activate: b.Activate, Group: rbac.GroupID(b.Group), Lock: b.Lock})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, membershipJSON(m))
}

// ReasonBody is the body of the routes that need nothing but a reason.
type ReasonBody struct {
	Reason string `json:"reason"`
}

// memberStep runs one lifecycle step that takes only a reason.
func (a *api) memberStep(step func(r *http.Request, actor, account string, sub rbac.SubsystemID, reason string) (rbac.Membership, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var b ReasonBody
		if !a.decodeJSON(w, r, &b) {
			return
		}
		m, err := step(r, actorOf(r).TechID, r.PathValue("account"), rbac.SubsystemID(r.PathValue("subsystem")), b.Reason)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, membershipJSON(m))
	}
}

func (a *api) activate(w http.ResponseWriter, r *http.Request) {
	a.memberStep(func(r *http.Request, actor, account string, sub rbac.SubsystemID, reason string) (rbac.Membership, error) {
		return a.svc.Activate(r.Context(), actor, account, sub, reason)
	})(w, r)
}

func (a *api) lock(w http.ResponseWriter, r *http.Request) {
	a.memberStep(func(r *http.Request, actor, account string, sub rbac.SubsystemID, reason string) (rbac.Membership, error) {
		return a.svc.Lock(r.Context(), actor, account, sub, reason)
	})(w, r)
}

func (a *api) open(w http.ResponseWriter, r *http.Request) {
	a.memberStep(func(r *http.Request, actor, account string, sub rbac.SubsystemID, reason string) (rbac.Membership, error) {
		return a.svc.Open(r.Context(), actor, account, sub, reason)
	})(w, r)
}

// UnitBody is POST /users/{account}/{subsystem}/unit (Thay đổi đơn vị).
type UnitBody struct {
	Unit   string `json:"unit"`
	Reason string `json:"reason"`
}

func (a *api) changeUnit(w http.ResponseWriter, r *http.Request) {
	var b UnitBody
	if !a.decodeJSON(w, r, &b) {
		return
	}
	m, err := a.svc.ChangeUnit(r.Context(), actorOf(r).TechID, r.PathValue("account"),
		rbac.SubsystemID(r.PathValue("subsystem")), rbac.UnitID(b.Unit), b.Reason)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, membershipJSON(m))
}

// GroupBody is POST /users/{account}/{subsystem}/group; "" takes the
// membership out of its group.
type GroupBody struct {
	Group  string `json:"group"`
	Reason string `json:"reason"`
}

func (a *api) setGroup(w http.ResponseWriter, r *http.Request) {
	var b GroupBody
	if !a.decodeJSON(w, r, &b) {
		return
	}
	m, err := a.svc.SetGroup(r.Context(), actorOf(r).TechID, r.PathValue("account"),
		rbac.SubsystemID(r.PathValue("subsystem")), rbac.GroupID(b.Group), b.Reason)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, membershipJSON(m))
}

// GrantBody is POST /users/{account}/{subsystem}/roles (Gán quyền). Level
// is the admin level granted, for an admin role; ignored otherwise.
type GrantBody struct {
	Role   string `json:"role"`
	Level  int    `json:"level,omitempty"`
	Reason string `json:"reason"`
}

func (a *api) grant(w http.ResponseWriter, r *http.Request) {
	var b GrantBody
	if !a.decodeJSON(w, r, &b) {
		return
	}
	m, err := a.svc.Grant(r.Context(), actorOf(r).TechID, r.PathValue("account"),
		rbac.SubsystemID(r.PathValue("subsystem")), rbac.RoleID(b.Role), rbac.Level(b.Level), b.Reason)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, membershipJSON(m))
}

func (a *api) revoke(w http.ResponseWriter, r *http.Request) {
	var b ReasonBody
	if !a.decodeJSON(w, r, &b) {
		return
	}
	m, err := a.svc.Revoke(r.Context(), actorOf(r).TechID, r.PathValue("account"),
		rbac.SubsystemID(r.PathValue("subsystem")), rbac.RoleID(r.PathValue("role")), b.Reason)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, membershipJSON(m))
}

func (a *api) remove(w http.ResponseWriter, r *http.Request) {
	var b ReasonBody
	if !a.decodeJSON(w, r, &b) {
		return
	}
	err := a.svc.Remove(r.Context(), actorOf(r).TechID, r.PathValue("account"), rbac.SubsystemID(r.PathValue("subsystem")), b.Reason)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}
