package agency

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// The agency's side: the registration page, the challenge, the answer and
// the confirmation.

type superRow struct {
	Unit, Code, GrantedAt, GrantedBy string
}

type requestRow struct {
	ID, Unit, Code, State, CreatedAt, Note, Reason string
	Agency, CertCode, MST, Serial, Issuer          string
	Pending                                        bool
}

type registerData struct {
	Name, TechID string
	IsOrg        bool
	AgencyCode   string
	Supers       []superRow
	Requests     []requestRow
}

func (s *Screens) registerPage(w http.ResponseWriter, r *http.Request) {
	me, _ := s.cfg.Identity(r)
	d := registerData{Name: displayName(me), TechID: me.TechID, IsOrg: me.AccountType == vnconnect.AccountOrganisation}
	if me.AgencyCode != nil {
		d.AgencyCode = me.AgencyCode.String()
	}
	err := s.cfg.RBAC.Store().View(r.Context(), func(tx rbac.ReadTx) error {
		supers, err := tx.SuperAdminsOf(me.TechID)
		if err != nil {
			return err
		}
		for _, sa := range supers {
			u, _ := tx.Unit(sa.Unit)
			d.Supers = append(d.Supers, superRow{Unit: unitName(u, sa.Unit), Code: u.Code, GrantedAt: vnTime(sa.GrantedAt)})
		}
		// An agency sees its own requests; the list of all is the
		// operator's (rbac.Service.SuperAdminRequests).
		reqs, err := tx.SuperAdminRequests("")
		if err != nil {
			return err
		}
		for _, q := range reqs {
			if q.Account != me.TechID {
				continue
			}
			u, _ := tx.Unit(q.Unit)
			d.Requests = append(d.Requests, newRequestRow(q, u))
		}
		return nil
	})
	if err != nil {
		s.cfg.Logger.ErrorContext(r.Context(), "agency: registration page", "err", err)
		s.fail(w, r, http.StatusInternalServerError, msgInternal, "/")
		return
	}
	p := s.page(r, "Đăng ký tài khoản quản trị cấp cao", d)
	p.Flash = flashes[r.URL.Query().Get("tb")]
	ui.Render(w, s.tpl, http.StatusOK, "register", p)
}

func newRequestRow(q rbac.SuperAdminRequest, u rbac.Unit) requestRow {
	return requestRow{ID: q.ID, Unit: unitName(u, q.Unit), Code: u.Code, State: stateLabel(q.State),
		CreatedAt: vnTime(q.CreatedAt), Note: q.Note, Agency: q.Credential.Name, CertCode: q.Credential.AgencyCode, MST: q.Credential.MST,
		Serial: q.Credential.CertSerial, Issuer: q.Credential.CertIssuer, Reason: q.Reason,
		Pending: q.State == rbac.RequestPending}
}

func unitName(u rbac.Unit, id rbac.UnitID) string {
	if u.Name != "" {
		return u.Name
	}
	return string(id)
}

func displayName(id *vnconnect.Identity) string {
	switch {
	case id.EnterpriseName != "":
		return id.EnterpriseName
	case id.FullName != "":
		return id.FullName
	}
	return id.TechID
}

type challengeData struct {
	ID, Input, InputB64, Expires, PluginPath string
}

// sign issues a challenge and shows it with the button that hands it to
// the signing plugin.
func (s *Screens) sign(w http.ResponseWriter, r *http.Request) {
	if !s.postForm(w, r, 16<<10, PathRegister) {
		return
	}
	me, _ := s.cfg.Identity(r)
	if me.AccountType != vnconnect.AccountOrganisation {
		s.fail(w, r, http.StatusForbidden, msgNotOrg, PathRegister)
		return
	}
	c, err := s.cfg.Challenger.Issue(r.Context(), Purpose)
	if err != nil {
		s.cfg.Logger.ErrorContext(r.Context(), "agency: issue challenge", "err", err)
		s.fail(w, r, http.StatusServiceUnavailable, msgInternal, PathRegister)
		return
	}
	in := c.SigningInput()
	d := challengeData{ID: c.ID, Input: string(in), InputB64: base64.StdEncoding.EncodeToString(in),
		Expires: vnTime(c.ExpiresAt), PluginPath: s.cfg.PluginPath}
	ui.Render(w, s.tpl, http.StatusOK, "challenge", s.page(r, "Ký số bằng USB token", d))
}

// pendingReg is a verified certificate identity waiting for the
// representative's confirmation, bound to the account that verified it.
type pendingReg struct {
	TechID   string                `json:"t"`
	Cred     rbac.AgencyCredential `json:"c"`
	NotAfter time.Time             `json:"n"`
}

type confirmData struct {
	Token    string
	Cred     rbac.AgencyCredential
	NotAfter string
	Units    []unitOption
	Reason   string
}

type unitOption struct {
	ID, Label string
	Selected  bool
}

// answer verifies the plugin's answer and shows what the certificate says.
func (s *Screens) answer(w http.ResponseWriter, r *http.Request) {
	if !s.postForm(w, r, maxFormBytes, PathRegister) {
		return
	}
	me, _ := s.cfg.Identity(r)
	ans := pki.Answer{ChallengeID: r.PostFormValue("challenge_id"), CMS: []byte(r.PostFormValue("cms"))}
	if js := r.PostFormValue("answer"); js != "" {
		// A plugin answering with a raw signature (PKCS#1 v1.5, PSS,
		// ECDSA) sends it with the certificates as the JSON that
		// pki.ParseAnswer reads, in the "answer" field.
		a, err := pki.ParseAnswer([]byte(js))
		if err != nil {
			st, msg := challengeRefusal(err)
			s.fail(w, r, st, msg, PathRegister)
			return
		}
		a.ChallengeID = ans.ChallengeID
		ans = *a
	}
	id, err := s.cfg.Challenger.VerifyAnswer(r.Context(), Purpose, ans)
	if err != nil {
		st, msg := challengeRefusal(err)
		s.cfg.Logger.InfoContext(r.Context(), "agency: answer refused", "account", me.TechID, "err", err)
		s.fail(w, r, st, msg, PathRegister)
		return
	}
	if id.AgencyCode == "" {
		s.fail(w, r, http.StatusForbidden, msgNoCode, PathRegister)
		return
	}
	if msg := sameAgency(me, id); msg != "" {
		s.cfg.Logger.InfoContext(r.Context(), "agency: certificate of another agency", "account", me.TechID, "agency_code", id.AgencyCode)
		s.fail(w, r, http.StatusForbidden, msg, PathRegister)
		return
	}
	pend := pendingReg{TechID: me.TechID, Cred: rbac.AgencyCredential(id.Credential()), NotAfter: id.NotAfter}
	s.confirm(w, r, http.StatusOK, pend, "Đăng ký tài khoản quản trị cấp cao", "")
}

// sameAgency checks that the certificate is the logged-in organisation
// account's: same agency code (or, without one on Vnconnect, same tax
// code). It returns the refusal, or "".
func sameAgency(me *vnconnect.Identity, id *pki.AgencyIdentity) string {
	if me.AccountType != vnconnect.AccountOrganisation {
		return msgNotOrg
	}
	switch {
	case me.AgencyCode != nil:
		if me.AgencyCode.String() != id.AgencyCode {
			return msgOtherAgency
		}
	case me.TaxCode != nil && id.MST != "":
		if me.TaxCode.String() != id.MST {
			return msgOtherAgency
		}
	default:
		return msgOtherAgency
	}
	return ""
}

// confirm stores pend under a fresh token and shows the confirmation form.
func (s *Screens) confirm(w http.ResponseWriter, r *http.Request, status int, pend pendingReg, reason, refusal string) {
	val, err := json.Marshal(pend)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, msgInternal, PathRegister)
		return
	}
	tok, err := randomToken()
	if err == nil {
		err = s.cfg.Pending.Put(r.Context(), "reg-"+tok, val, pendingTTL)
	}
	if err != nil {
		s.cfg.Logger.ErrorContext(r.Context(), "agency: keep verified identity", "err", err)
		s.fail(w, r, http.StatusServiceUnavailable, msgInternal, PathRegister)
		return
	}
	units, err := s.candidateUnits(r.Context(), pend.Cred.AgencyCode)
	if err != nil {
		s.cfg.Logger.ErrorContext(r.Context(), "agency: list units", "err", err)
		s.fail(w, r, http.StatusInternalServerError, msgInternal, PathRegister)
		return
	}
	d := confirmData{Token: tok, Cred: pend.Cred, NotAfter: vnTime(pend.NotAfter), Units: units, Reason: reason}
	p := s.page(r, "Xác nhận đăng ký quản trị cấp cao", d)
	p.Error = refusal
	if refusal == "" {
		p.Flash = "Chữ ký số hợp lệ. Kiểm tra thông tin đọc từ chứng thư số, chọn đơn vị rồi bấm “Đăng ký”."
	}
	ui.Render(w, s.tpl, status, "confirm", p)
}

// candidateUnits lists the ministries and provinces (the units a super
// admin is registered for) and any unit carrying the certificate's code,
// the latter selected.
func (s *Screens) candidateUnits(ctx context.Context, code string) ([]unitOption, error) {
	var out []unitOption
	err := s.cfg.RBAC.Store().View(ctx, func(tx rbac.ReadTx) error {
		level, _ := tx.Children("")
		for depth := 0; depth < 3 && len(level) > 0; depth++ {
			var next []rbac.Unit
			for _, u := range level {
				if !u.Live() {
					continue
				}
				top := u.Kind == rbac.KindMinistry || u.Kind == rbac.KindProvince
				if u.CodeKind == rbac.CodeAgency && (top || u.Code == code) {
					out = append(out, unitOption{ID: string(u.ID), Label: u.Name + " – " + u.Code, Selected: u.Code == code})
				}
				if depth < 2 {
					kids, err := tx.Children(u.ID)
					if err != nil {
						return err
					}
					next = append(next, kids...)
				}
			}
			level = next
		}
		return nil
	})
	return out, err
}

// submit records the request: RequestSuperAdmin.
func (s *Screens) submit(w http.ResponseWriter, r *http.Request) {
	if !s.postForm(w, r, 16<<10, PathRegister) {
		return
	}
	me, _ := s.cfg.Identity(r)
	tok := r.PostFormValue("ma-xac-nhan")
	var val []byte
	var err error
	if tok != "" && len(tok) <= 64 {
		val, err = s.cfg.Pending.Take(r.Context(), "reg-"+tok)
	}
	if err != nil {
		s.cfg.Logger.ErrorContext(r.Context(), "agency: pending store", "err", err)
		s.fail(w, r, http.StatusServiceUnavailable, msgInternal, PathRegister)
		return
	}
	var pend pendingReg
	if val == nil || json.Unmarshal(val, &pend) != nil || pend.TechID != me.TechID {
		s.fail(w, r, http.StatusForbidden, msgPendingGone, PathRegister)
		return
	}
	reason := clip(strings.TrimSpace(r.PostFormValue("ly-do")), maxReason)
	if reason == "" {
		reason = "Đăng ký tài khoản quản trị cấp cao"
	}
	unit := rbac.UnitID(r.PostFormValue("don-vi"))
	req, err := s.cfg.RBAC.RequestSuperAdmin(r.Context(), pend.Cred, unit, reason)
	if err != nil {
		st, msg := rbacRefusal(err)
		if st == http.StatusInternalServerError {
			s.cfg.Logger.ErrorContext(r.Context(), "agency: request super admin", "err", err)
		}
		// The verified identity stays usable: the representative may
		// pick the right unit without signing again.
		s.confirm(w, r, st, pend, reason, msg)
		return
	}
	if req.Account != me.TechID {
		s.cfg.Logger.WarnContext(r.Context(), "agency: Vnconnect maps the agency code to another account",
			"account", me.TechID, "request_account", req.Account, "request", req.ID)
	}
	http.Redirect(w, r, PathRegister+"?tb=da-gui", http.StatusSeeOther)
}
