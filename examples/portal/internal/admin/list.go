package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
)

// names resolves unit and role names for display, from one read of the
// store. It reads only names: whether the actor may see a row was decided
// by rbac before.
type names struct {
	units map[rbac.UnitID]rbac.Unit
	def   rbac.Subsystem
	tx    rbac.ReadTx
}

func (n *names) unit(id rbac.UnitID) rbac.Unit {
	if u, ok := n.units[id]; ok {
		return u
	}
	u, err := n.tx.Unit(id)
	if err != nil {
		u = rbac.Unit{ID: id, Name: string(id)}
	}
	n.units[id] = u
	return u
}

func (n *names) unitName(id rbac.UnitID) string {
	if id == "" {
		return ""
	}
	return n.unit(id).Name
}

func (n *names) role(id rbac.RoleID) rbac.Role {
	for _, r := range n.def.Roles {
		if r.ID == id {
			return r
		}
	}
	return rbac.Role{ID: id, Name: string(id)}
}

func (n *names) groupName(id rbac.GroupID) string {
	if id == "" {
		return ""
	}
	for _, g := range n.def.Groups {
		if g.ID == id {
			return g.Name
		}
	}
	return string(id)
}

// grantLabel names a held role: "Admin của Tỉnh/thành phố", "Quản trị đơn
// vị (cấp 2)", "Cán bộ xử lý (theo nhóm)".
func (n *names) grantLabel(g rbac.RoleGrant) string {
	r := n.role(g.Role)
	label := r.Name
	if r.Admin && g.Level >= 1 && !(r.MinLevel == r.MaxLevel && r.MinLevel >= 1) {
		label += " (cấp " + itoa(int(g.Level)) + ")"
	}
	if g.ViaGroup != "" {
		label += " – theo " + n.groupName(g.ViaGroup)
	}
	return label
}

// read runs fn with the names of the screens' subsystem.
func (s *Screens) read(ctx context.Context, fn func(n *names) error) error {
	return s.cfg.RBAC.Store().View(ctx, func(tx rbac.ReadTx) error {
		def, err := tx.Subsystem(s.cfg.Subsystem)
		if err != nil {
			return err
		}
		return fn(&names{units: map[rbac.UnitID]rbac.Unit{}, def: def, tx: tx})
	})
}

func stateLabel(m rbac.Membership) string {
	if m.Locked {
		return "Khóa"
	}
	return m.State.Label()
}

// The list's state filter, by its value in the query.
var stateFilters = []struct{ Value, Label string }{
	{"", "Tất cả"},
	{"chua-kich-hoat", "Chưa kích hoạt"},
	{"da-kich-hoat", "Đã kích hoạt"},
	{"khoa", "Khóa"},
}

type listRow struct {
	Name, TechID, URL, Unit, State, Group string
	Pending                               bool
	Roles                                 []string
}

type listBody struct {
	Name, State string
	States      []struct{ Value, Label string }
	Rows        []listRow
	Next, First string // page links, "" when none
	Searched    bool
}

// list is "Quản lý người dùng": the users of the subsystem within the
// actor's scope, filtered by name and state, a page at a time.
func (s *Screens) list(w http.ResponseWriter, r *http.Request, actor string) {
	q := r.URL.Query()
	b := listBody{Name: clean(q.Get("ten"), 100), State: q.Get("trang-thai"), States: stateFilters}
	f := rbac.UserFilter{Subsystem: s.cfg.Subsystem, Name: b.Name, Limit: s.cfg.PageSize}
	no, yes := false, true
	switch b.State {
	case "chua-kich-hoat":
		f.State = rbac.Pending
	case "da-kich-hoat":
		f.State, f.Locked = rbac.Active, &no
	case "khoa":
		f.Locked = &yes
	default:
		b.State = ""
	}
	after := clean(q.Get("sau"), 100)
	if after != "" {
		f.After = rbac.MembershipKey{Account: after, Subsystem: s.cfg.Subsystem}
	}
	b.Searched = b.Name != "" || b.State != ""
	page, err := s.cfg.RBAC.ListUsers(r.Context(), actor, f)
	if err != nil {
		s.failScope(w, r, actor, err)
		return
	}
	err = s.read(r.Context(), func(n *names) error {
		for _, u := range page.Users {
			row := listRow{Name: u.Account.FullName, TechID: u.Membership.Account, URL: s.userURL(u.Membership.Account),
				Unit: n.unitName(u.Unit), State: stateLabel(u.Membership), Group: n.groupName(u.Group),
				Pending: u.State == rbac.Pending && !u.Locked}
			if row.Name == "" {
				row.Name = row.TechID
			}
			for _, g := range u.Roles {
				row.Roles = append(row.Roles, n.grantLabel(g))
			}
			b.Rows = append(b.Rows, row)
		}
		return nil
	})
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	keep := url.Values{}
	if b.Name != "" {
		keep.Set("ten", b.Name)
	}
	if b.State != "" {
		keep.Set("trang-thai", b.State)
	}
	if page.Next.Account != "" {
		next := url.Values{}
		for k, v := range keep {
			next[k] = v
		}
		next.Set("sau", page.Next.Account)
		b.Next = s.cfg.Prefix + "?" + next.Encode()
	}
	if after != "" {
		b.First = s.cfg.Prefix
		if len(keep) > 0 {
			b.First += "?" + keep.Encode()
		}
	}
	s.render(w, r, http.StatusOK, "admin-list", s.labels.Title, b, func(p *ui.Page) { p.Flash = flash(r) })
}

func itoa(i int) string { return strconv.Itoa(i) }
