package admin

import (
	"context"
	"net/http"
	"strings"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// searchInput is the add screen's search, as typed. The save form sends
// it again (hidden fields): rbac.Add looks the account up on Vnconnect
// itself and saves only what the directory returns.
type searchInput struct {
	ID    string // so-giay-to: CCCD (12 digits) or CMND (9)
	Phone string // dien-thoai
	Email string // email
	Name  string // ho-ten
	Kind  string // doi-tuong: "" any, "nguoi-dan", "to-chuc"
}

func readSearch(r *http.Request) searchInput {
	return searchInput{
		ID:    strings.ReplaceAll(clean(r.PostFormValue("so-giay-to"), 20), " ", ""),
		Phone: clean(r.PostFormValue("dien-thoai"), 30),
		Email: clean(r.PostFormValue("email"), 254),
		Name:  clean(r.PostFormValue("ho-ten"), 100),
		Kind:  clean(r.PostFormValue("doi-tuong"), 20),
	}
}

func (in searchInput) empty() bool {
	return in.ID == "" && in.Phone == "" && in.Email == "" && in.Name == ""
}

func (in searchInput) query() vnconnect.Query {
	q := vnconnect.Query{Phone: in.Phone, Email: in.Email, Name: in.Name}
	if len(in.ID) == 9 {
		q.CMND = in.ID
	} else {
		q.CCCD = in.ID
	}
	switch in.Kind {
	case "nguoi-dan":
		q.Type = vnconnect.AccountCitizen
	case "to-chuc":
		q.Type = vnconnect.AccountOrganisation
	}
	return q
}

type foundRow struct {
	TechID, Name, ID, Phone, Email string
}

type unitOption struct {
	ID, Label string
	Selected  bool
}

type addBody struct {
	In       searchInput
	Fields   SearchFields
	Searched bool
	Found    []foundRow
	Units    []unitOption
	// WithGroup: PAKN's group and status choosers.
	WithGroup bool
	Groups    []unitOption
}

// addForm is "Thêm mới": the Vnconnect search form.
func (s *Screens) addForm(w http.ResponseWriter, r *http.Request, actor string) {
	// Refuse at once someone who manages no unit here.
	if _, err := s.managedUnits(r.Context(), actor, ""); err != nil {
		s.failScope(w, r, actor, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin-add", s.labels.Add, addBody{Fields: s.cfg.Search}, nil)
}

// search runs the search on Vnconnect (rbac.Search: admins only) and shows
// the results with the save form. It is a POST so that identity numbers
// stay out of URLs and logs.
func (s *Screens) search(w http.ResponseWriter, r *http.Request, actor string) {
	b := addBody{In: readSearch(r), Fields: s.cfg.Search}
	if b.In.empty() {
		s.render(w, r, http.StatusBadRequest, "admin-add", s.labels.Add, b, func(p *ui.Page) {
			p.Error = queryMessage("")
		})
		return
	}
	units, err := s.managedUnits(r.Context(), actor, "")
	if err != nil {
		s.failScope(w, r, actor, err)
		return
	}
	found, err := s.cfg.RBAC.Search(r.Context(), actor, b.In.query())
	if err != nil {
		status, msg, _ := explain(err)
		if status == http.StatusBadRequest {
			s.render(w, r, status, "admin-add", s.labels.Add, b, func(p *ui.Page) { p.Error = msg })
			return
		}
		s.failErr(w, r, err)
		return
	}
	b.Searched, b.Units = true, units
	for _, id := range found {
		if id == nil || id.TechID == "" {
			continue
		}
		row := foundRow{TechID: id.TechID, Name: id.FullName, ID: string(id.CMND), Phone: string(id.Phone), Email: id.Email}
		if row.Name == "" {
			row.Name = id.EnterpriseName
		}
		if id.CCCD != nil {
			row.ID = id.CCCD.Number
		}
		if row.ID == "" && id.AgencyCode != nil {
			row.ID = id.AgencyCode.String()
		}
		b.Found = append(b.Found, row)
	}
	if s.cfg.WithGroup {
		b.WithGroup = true
		b.Groups = s.groupOptions(r.Context(), s.cfg.Group)
	}
	s.render(w, r, http.StatusOK, "admin-add", s.labels.Add, b, nil)
}

// add saves the chosen account (rbac.Add: Chưa kích hoạt). With WithGroup
// the same call also activates it, puts it in the chosen group and, for
// Khóa, locks it: rbac checks and audits each of these as its own step, in
// the transaction that adds, so a refused step leaves nothing saved.
func (s *Screens) add(w http.ResponseWriter, r *http.Request, actor string) {
	in := readSearch(r)
	techID := clean(r.PostFormValue("techid"), 100)
	unit := rbac.UnitID(clean(r.PostFormValue("don-vi"), 100))
	switch {
	case in.empty():
		s.fail(w, r, http.StatusBadRequest, queryMessage(""), "")
		return
	case techID == "":
		s.fail(w, r, http.StatusBadRequest, "Hãy chọn một tài khoản trong kết quả tìm kiếm.", "")
		return
	case unit == "":
		s.fail(w, r, http.StatusBadRequest, "Hãy chọn "+strings.ToLower(s.labels.Unit)+".", "")
		return
	}
	req := rbac.AddRequest{Subsystem: s.cfg.Subsystem, Unit: unit, Query: in.query(), TechID: techID,
		Reason: s.reason(r, "Thêm mới từ Vnconnect")}
	if s.cfg.WithGroup {
		req.Activate = true
		req.Group = rbac.GroupID(clean(r.PostFormValue("nhom"), 100))
		req.Lock = r.PostFormValue("trang-thai") == "khoa"
		status := "Mở"
		if req.Lock {
			status = "Khóa"
		}
		req.Reason = s.reason(r, "Thêm mới từ Vnconnect với trạng thái "+status)
	}
	m, err := s.cfg.RBAC.Add(r.Context(), actor, req)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.done(w, r, s.userURL(m.Account), "them")
}

// managedUnits lists the units where actor manages the subsystem's users,
// indented by depth, with selected preselected; an actor who manages none
// is refused as rbac refuses it.
func (s *Screens) managedUnits(ctx context.Context, actor string, selected rbac.UnitID) ([]unitOption, error) {
	units, err := s.cfg.RBAC.ManagedUnits(ctx, actor, s.cfg.Subsystem)
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		// ListUsers explains the refusal the way rbac words it.
		if _, err := s.cfg.RBAC.ListUsers(ctx, actor, rbac.UserFilter{Subsystem: s.cfg.Subsystem, Limit: 1}); err != nil {
			return nil, err
		}
		return nil, &rbac.DeniedError{Actor: actor, Action: rbac.ActAdd, Reason: "the actor manages no unit", Rule: rbac.RuleOutsideScope}
	}
	depth := map[rbac.UnitID]int{}
	out := make([]unitOption, 0, len(units))
	for _, u := range units {
		d, ok := depth[u.Parent]
		if ok {
			d++
		}
		depth[u.ID] = d
		out = append(out, unitOption{ID: string(u.ID), Label: strings.Repeat("— ", d) + u.Name, Selected: u.ID == selected})
	}
	return out, nil
}

// groupOptions lists the subsystem's user groups, "" first (no group).
func (s *Screens) groupOptions(ctx context.Context, selected rbac.GroupID) []unitOption {
	out := []unitOption{{ID: "", Label: "— Không chọn nhóm —", Selected: selected == ""}}
	_ = s.read(ctx, func(n *names) error {
		for _, g := range n.def.Groups {
			out = append(out, unitOption{ID: string(g.ID), Label: g.Name, Selected: g.ID == selected})
		}
		return nil
	})
	return out
}
