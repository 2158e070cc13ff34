package admin

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/rbac"
)

// ict is Vietnam's time, for the history's timestamps.
var ict = time.FixedZone("ICT", 7*60*60)

type roleRow struct {
	Label string
	Role  string
}

type historyRow struct {
	Time, Actor, Action, Reason, Details string
}

type userBody struct {
	URL                       string
	Name, TechID, ID, Phone   string
	Email, Unit, Group, State string
	Pending, Active, Locked   bool
	Roles                     []roleRow
	Groups                    []unitOption
	History                   []historyRow
	Review                    string
}

// loadUser reads what the user's page shows, after rbac said actor may see
// the membership.
func (s *Screens) loadUser(ctx context.Context, actor, account string, history bool) (userBody, rbac.Membership, error) {
	if err := s.cfg.RBAC.Can(ctx, actor, rbac.ActView, rbac.Target{Account: account, Subsystem: s.cfg.Subsystem}); err != nil {
		return userBody{}, rbac.Membership{}, err
	}
	var b userBody
	var m rbac.Membership
	err := s.read(ctx, func(n *names) error {
		var err error
		if m, err = n.tx.Membership(account, s.cfg.Subsystem); err != nil {
			return err
		}
		acc, _ := n.tx.Account(account)
		b = userBody{URL: s.userURL(account), Name: acc.FullName, TechID: account, ID: acc.CCCD, Phone: acc.Phone,
			Email: acc.Email, Unit: n.unitName(m.Unit), Group: n.groupName(m.Group), State: stateLabel(m),
			Pending: m.State == rbac.Pending, Active: m.State == rbac.Active, Locked: m.Locked, Review: m.Review}
		if b.Name == "" {
			b.Name = account
		}
		if b.ID == "" {
			b.ID = acc.CMND
		}
		for _, g := range m.Roles {
			b.Roles = append(b.Roles, roleRow{Label: n.grantLabel(g), Role: string(g.Role)})
		}
		if len(n.def.Groups) > 0 {
			b.Groups = append(b.Groups, unitOption{ID: "", Label: "— Không thuộc nhóm nào —", Selected: m.Group == ""})
			for _, g := range n.def.Groups {
				b.Groups = append(b.Groups, unitOption{ID: string(g.ID), Label: g.Name, Selected: g.ID == m.Group})
			}
		}
		if history {
			b.History, err = s.history(n, account)
		}
		return err
	})
	return b, m, err
}

// maxHistory bounds the rows of "Lịch sử thay đổi" (the newest are kept).
const maxHistory = 50

// history is the audit trail of the membership, newest first. rbac's log
// has no index by target, so this reads it through: cheap at the demo's
// size, and a page only an admin of the user opens.
func (s *Screens) history(n *names, account string) ([]historyRow, error) {
	target := "membership:" + account + "/" + string(s.cfg.Subsystem)
	var picked []rbac.AuditEntry
	var after uint64
	for {
		batch, err := n.tx.Audit(after, 1000)
		if err != nil {
			return nil, err
		}
		for _, e := range batch {
			if e.Target == target || (e.Details["to"] == account && strings.HasPrefix(e.Action, "migrate.")) {
				picked = append(picked, e)
			}
		}
		if len(batch) < 1000 {
			break
		}
		after = batch[len(batch)-1].Seq
	}
	if len(picked) > maxHistory {
		picked = picked[len(picked)-maxHistory:]
	}
	out := make([]historyRow, 0, len(picked))
	for i := len(picked) - 1; i >= 0; i-- {
		e := picked[i]
		who := e.Actor
		if acc, err := n.tx.Account(e.Actor); err == nil && acc.FullName != "" {
			who = acc.FullName
		} else if s.cfg.RBAC.IsOperator(e.Actor) {
			who = "Văn phòng Chính phủ (" + e.Actor + ")"
		}
		out = append(out, historyRow{Time: e.Time.In(ict).Format("02/01/2006 15:04:05"), Actor: who,
			Action: actionLabel(e.Action), Reason: e.Reason, Details: s.details(n, e)})
	}
	return out, nil
}

func actionLabel(a string) string {
	switch rbac.Action(a) {
	case rbac.ActAdd:
		return "Thêm mới từ Vnconnect"
	case rbac.ActActivate:
		return "Kích hoạt"
	case rbac.ActLock:
		return "Khóa"
	case rbac.ActOpen:
		return "Mở khóa"
	case rbac.ActChangeUnit:
		return "Thay đổi đơn vị"
	case rbac.ActSetGroup:
		return "Đổi nhóm người dùng"
	case rbac.ActGrant:
		return "Gán quyền"
	case rbac.ActRevoke:
		return "Thu hồi quyền"
	case rbac.ActRemove:
		return "Xóa khỏi hệ thống"
	case rbac.ActClearReview:
		return "Đã rà soát"
	case rbac.ActConvert:
		return "Chuyển đổi tài khoản"
	}
	if strings.HasPrefix(a, "migrate.") {
		return "Chuyển đổi tài khoản"
	}
	return a
}

// details words an entry's details with names instead of IDs.
func (s *Screens) details(n *names, e rbac.AuditEntry) string {
	d := e.Details
	switch rbac.Action(e.Action) {
	case rbac.ActAdd:
		return "Đơn vị: " + n.unitName(rbac.UnitID(d["unit"]))
	case rbac.ActChangeUnit:
		return "Từ " + n.unitName(rbac.UnitID(d["from"])) + " sang " + n.unitName(rbac.UnitID(d["to"]))
	case rbac.ActGrant:
		lvl, _ := strconv.Atoi(d["level"])
		return n.grantLabel(rbac.RoleGrant{Role: rbac.RoleID(d["role"]), Level: rbac.Level(lvl)})
	case rbac.ActRevoke:
		return n.role(rbac.RoleID(d["role"])).Name
	case rbac.ActSetGroup:
		from, to := n.groupName(rbac.GroupID(d["from"])), n.groupName(rbac.GroupID(d["to"]))
		if from == "" {
			from = "không nhóm"
		}
		if to == "" {
			to = "không nhóm"
		}
		return "Từ " + from + " sang " + to
	}
	return ""
}

// user is the user's page: details, actions, history.
func (s *Screens) user(w http.ResponseWriter, r *http.Request, actor string) {
	b, _, err := s.loadUser(r.Context(), actor, r.PathValue("account"), true)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin-user", b.Name, b, func(p *ui.Page) { p.Flash = flash(r) })
}

// step runs one lifecycle change and redirects back to the user's page.
func (s *Screens) step(w http.ResponseWriter, r *http.Request, code string,
	do func(ctx context.Context, account string) (rbac.Membership, error)) {
	account := r.PathValue("account")
	if _, err := do(r.Context(), account); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.done(w, r, s.userURL(account), code)
}

func (s *Screens) activate(w http.ResponseWriter, r *http.Request, actor string) {
	s.step(w, r, "kich-hoat", func(ctx context.Context, account string) (rbac.Membership, error) {
		return s.cfg.RBAC.Activate(ctx, actor, account, s.cfg.Subsystem, s.reason(r, "Kích hoạt"))
	})
}

func (s *Screens) lock(w http.ResponseWriter, r *http.Request, actor string) {
	s.step(w, r, "khoa", func(ctx context.Context, account string) (rbac.Membership, error) {
		return s.cfg.RBAC.Lock(ctx, actor, account, s.cfg.Subsystem, s.reason(r, "Khóa"))
	})
}

func (s *Screens) open(w http.ResponseWriter, r *http.Request, actor string) {
	s.step(w, r, "mo-khoa", func(ctx context.Context, account string) (rbac.Membership, error) {
		return s.cfg.RBAC.Open(ctx, actor, account, s.cfg.Subsystem, s.reason(r, "Mở khóa"))
	})
}

func (s *Screens) setGroup(w http.ResponseWriter, r *http.Request, actor string) {
	group := rbac.GroupID(clean(r.PostFormValue("nhom"), 100))
	s.step(w, r, "nhom", func(ctx context.Context, account string) (rbac.Membership, error) {
		return s.cfg.RBAC.SetGroup(ctx, actor, account, s.cfg.Subsystem, group, s.reason(r, "Đổi nhóm người dùng"))
	})
}

func (s *Screens) revoke(w http.ResponseWriter, r *http.Request, actor string) {
	role := rbac.RoleID(clean(r.PostFormValue("quyen"), 100))
	s.step(w, r, "thu-hoi", func(ctx context.Context, account string) (rbac.Membership, error) {
		return s.cfg.RBAC.Revoke(ctx, actor, account, s.cfg.Subsystem, role, s.reason(r, "Thu hồi quyền"))
	})
}

type unitBody struct {
	User  userBody
	Units []unitOption
}

// unitForm is "Thay đổi đơn vị": the units the actor manages, but the
// user's own.
func (s *Screens) unitForm(w http.ResponseWriter, r *http.Request, actor string) {
	b, m, err := s.loadUser(r.Context(), actor, r.PathValue("account"), false)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	units, err := s.managedUnits(r.Context(), actor, "")
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	units = filterUnits(units, func(u unitOption) bool { return u.ID != string(m.Unit) })
	s.render(w, r, http.StatusOK, "admin-unit", "Thay đổi đơn vị", unitBody{User: b, Units: units}, nil)
}

func filterUnits(in []unitOption, keep func(unitOption) bool) []unitOption {
	out := in[:0]
	for _, u := range in {
		if keep(u) {
			out = append(out, u)
		}
	}
	return out
}

func (s *Screens) changeUnit(w http.ResponseWriter, r *http.Request, actor string) {
	unit := rbac.UnitID(clean(r.PostFormValue("don-vi"), 100))
	if unit == "" {
		s.fail(w, r, http.StatusBadRequest, "Hãy chọn đơn vị mới.", "")
		return
	}
	s.step(w, r, "don-vi", func(ctx context.Context, account string) (rbac.Membership, error) {
		return s.cfg.RBAC.ChangeUnit(ctx, actor, account, s.cfg.Subsystem, unit, s.reason(r, "Thay đổi đơn vị"))
	})
}

type grantOption struct {
	Value, Label string
}

type grantBody struct {
	User    userBody
	Options []grantOption
}

// maxLevelsOffered bounds the levels offered per admin role: the highest
// ranks the actor may give, which are what a person picks from.
const maxLevelsOffered = 3

// grantForm is "Gán quyền": the roles, and levels of admin roles, that
// rbac says the actor may grant this user now.
func (s *Screens) grantForm(w http.ResponseWriter, r *http.Request, actor string) {
	ctx := r.Context()
	b, m, err := s.loadUser(ctx, actor, r.PathValue("account"), false)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	gb := grantBody{User: b}
	var def rbac.Subsystem
	if err := s.read(ctx, func(n *names) error { def = n.def; return nil }); err != nil {
		s.failErr(w, r, err)
		return
	}
	if m.State == rbac.Active {
		held := map[string]bool{}
		for _, g := range m.Roles {
			if g.ViaGroup == "" {
				held[string(g.Role)+"|"+strconv.Itoa(int(g.Level))] = true
			}
		}
		t := rbac.Target{Account: m.Account, Subsystem: s.cfg.Subsystem}
		for _, role := range def.Roles {
			t.Role = role.ID
			if !role.Admin {
				t.Level = rbac.LevelNone
				v := string(role.ID) + "|" + strconv.Itoa(int(rbac.LevelNone))
				if !held[v] && s.cfg.RBAC.Can(ctx, actor, rbac.ActGrant, t) == nil {
					gb.Options = append(gb.Options, grantOption{Value: v, Label: role.Name})
				}
				continue
			}
			lo, hi := role.MinLevel, role.MaxLevel
			if lo < 1 {
				lo = 1
			}
			if hi < 1 || hi > rbac.MaxLevel {
				hi = rbac.MaxLevel
			}
			offered := 0
			for lvl := lo; lvl <= hi && offered < maxLevelsOffered; lvl++ {
				t.Level = lvl
				v := string(role.ID) + "|" + strconv.Itoa(int(lvl))
				if held[v] || s.cfg.RBAC.Can(ctx, actor, rbac.ActGrant, t) != nil {
					continue
				}
				label := role.Name
				if lo != hi {
					label += " (cấp " + strconv.Itoa(int(lvl)) + ")"
				}
				gb.Options = append(gb.Options, grantOption{Value: v, Label: label})
				offered++
			}
		}
	}
	s.render(w, r, http.StatusOK, "admin-grant", "Gán quyền", gb, nil)
}

func (s *Screens) grant(w http.ResponseWriter, r *http.Request, actor string) {
	v := clean(r.PostFormValue("quyen"), 120)
	i := strings.LastIndexByte(v, '|')
	lvl, err := strconv.Atoi(v[i+1:])
	if i <= 0 || err != nil {
		s.fail(w, r, http.StatusBadRequest, "Hãy chọn quyền cần gán.", "")
		return
	}
	role := rbac.RoleID(v[:i])
	s.step(w, r, "gan-quyen", func(ctx context.Context, account string) (rbac.Membership, error) {
		return s.cfg.RBAC.Grant(ctx, actor, account, s.cfg.Subsystem, role, rbac.Level(lvl), s.reason(r, "Gán quyền"))
	})
}
