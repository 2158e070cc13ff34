package agency_test

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/agency"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/pki/pkitest"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

const (
	csrfToken = "csrf-of-the-session"
	naCode    = "000.00.00.H41" // rbactest: Tỉnh Nghệ An, account ag-na
	htCode    = "000.00.00.H30" // rbactest: Tỉnh Hà Tĩnh, account ag-ht
	naMST     = "0400260612"
)

// clock is real time shifted by an offset the test moves (pkcs7 stamps
// the CMS signing time with the real clock).
type clock struct{ off atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) Advance(d time.Duration) { c.off.Add(int64(d)) }

type env struct {
	t     *testing.T
	world *rbactest.World
	pki   *pkitest.PKI
	clock *clock
	mux   *http.ServeMux
	na    *pkitest.Leaf // UBND tỉnh Nghệ An's certificate
	ht    *pkitest.Leaf // UBND tỉnh Hà Tĩnh's
	users map[string]*vnconnect.Identity
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, clock: &clock{}, world: rbactest.NewWorld(t, rbac.NewMemoryStore())}
	e.pki = pkitest.NewPKI(t, pkitest.WithClock(e.clock.Now))
	e.na = e.pki.Issue(t, pkitest.LeafSpec{Subject: pkitest.AgencySubject("UBND tỉnh Nghệ An", naCode, naMST)})
	e.ht = e.pki.Issue(t, pkitest.LeafSpec{Subject: pkitest.AgencySubject("UBND tỉnh Hà Tĩnh", htCode, "")})
	v, err := pki.NewVerifier(pki.Config{Roots: []*x509.Certificate{e.pki.Root()}, Clock: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := pki.NewChallenger(pki.ChallengeConfig{Verifier: v, Audience: "https://cong.example", Clock: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	org := func(tech, code string) *vnconnect.Identity {
		a, err := vnid.ParseAgencyCode(code)
		if err != nil {
			t.Fatal(err)
		}
		return &vnconnect.Identity{TechID: tech, AccountType: vnconnect.AccountOrganisation, EnterpriseName: "Cơ quan " + code, AgencyCode: &a}
	}
	e.users = map[string]*vnconnect.Identity{
		"ag-na":              org("ag-na", naCode),
		"ag-ht":              org("ag-ht", htCode),
		rbactest.Operator:    {TechID: rbactest.Operator, AccountType: vnconnect.AccountCitizen, FullName: "Cán bộ VPCP"},
		rbactest.PersonID(1): rbactest.Person(1),
	}
	identity := func(r *http.Request) (*vnconnect.Identity, bool) {
		id, ok := e.users[r.Header.Get("X-Test-User")]
		return id, ok
	}
	verifyCSRF := func(r *http.Request) error {
		if r.PostFormValue("csrf") != csrfToken {
			return errors.New("csrf")
		}
		return nil
	}
	s, err := agency.New(agency.Config{
		RBAC: e.world.Svc, Challenger: ch, Identity: identity, VerifyCSRF: verifyCSRF, Clock: e.clock.Now,
		Frame: func(r *http.Request) ui.Page { return ui.Page{App: "Cổng thử", CSRF: csrfToken} },
	})
	if err != nil {
		t.Fatal(err)
	}
	plugin, err := agency.NewPlugin(agency.PluginConfig{VerifyCSRF: verifyCSRF, Signers: []agency.Signer{
		{Cert: e.na.Cert, Intermediates: e.na.Intermediates(), Key: e.na.Key},
		{Cert: e.ht.Cert, Intermediates: e.ht.Intermediates(), Key: e.ht.Key},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.mux = http.NewServeMux()
	s.Mount(e.mux)
	plugin.Mount(e.mux)
	return e
}

type resp struct {
	code int
	loc  string
	body string
}

func (e *env) do(user, method, path string, form url.Values) resp {
	e.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	if user != "" {
		req.Header.Set("X-Test-User", user)
	}
	rec := httptest.NewRecorder()
	e.mux.ServeHTTP(rec, req)
	return resp{code: rec.Code, loc: rec.Header().Get("Location"), body: html.UnescapeString(rec.Body.String())}
}

func (e *env) post(user, path string, kv ...string) resp {
	e.t.Helper()
	f := url.Values{"csrf": {csrfToken}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return e.do(user, http.MethodPost, path, f)
}

func (e *env) get(user, path string) resp { e.t.Helper(); return e.do(user, http.MethodGet, path, nil) }

func (r resp) want(t *testing.T, code int, texts ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("status %d, want %d; body:\n%s", r.code, code, r.body)
	}
	for _, s := range texts {
		if !strings.Contains(r.body, s) {
			t.Fatalf("page lacks %q:\n%s", s, r.body)
		}
	}
}

// hidden reads a hidden field's value from a page.
func hidden(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no hidden field %q in:\n%s", name, body)
	}
	return m[1]
}

// challenge asks the portal for a challenge as user; it returns ma and du-lieu.
func (e *env) challenge(user string) (string, string) {
	e.t.Helper()
	r := e.post(user, agency.PathSign)
	r.want(e.t, 200, "Ký số bằng USB token", "rpkit-challenge-v1", "purpose=dang-ky-quan-tri")
	return hidden(e.t, r.body, "ma"), hidden(e.t, r.body, "du-lieu")
}

// signWith goes through the simulated plugin with certificate i and
// returns the answer's fields.
func (e *env) signWith(user, ma, data, cert string) (string, string) {
	e.t.Helper()
	r := e.post(user, agency.PluginPrefix+"/chon-chung-thu", "ma", ma, "du-lieu", data)
	r.want(e.t, 200, "Chọn chứng thư số", "UBND tỉnh Nghệ An – Mã định danh: "+naCode, "chỉ có trong bản demo")
	r = e.post(user, agency.PluginPrefix+"/ky", "ma", ma, "du-lieu", data, "chung-thu", cert, "pin", agency.DemoPIN)
	r.want(e.t, 200, "Đã ký số", "Gửi kết quả ký")
	return hidden(e.t, r.body, "challenge_id"), hidden(e.t, r.body, "cms")
}

// verified runs challenge → plugin → answer and returns the confirmation page.
func (e *env) verified(user, cert string) resp {
	e.t.Helper()
	ma, data := e.challenge(user)
	id, cms := e.signWith(user, ma, data, cert)
	return e.post(user, agency.PathAnswer, "challenge_id", id, "cms", cms)
}

func TestRegisterApproveBecomesSuperAdmin(t *testing.T) {
	e := newEnv(t)
	e.get("ag-na", agency.PathRegister).want(t, 200, "Đăng ký tài khoản quản trị cấp cao", "Chưa đăng ký", "Đăng ký bằng USB ký số")

	r := e.verified("ag-na", "0")
	r.want(t, 200, "Thông tin đọc từ chứng thư số", "UBND tỉnh Nghệ An", naCode, naMST, "Tỉnh Nghệ An – "+naCode)
	if !strings.Contains(r.body, `<option value="p-na" selected>`) {
		t.Fatalf("the certificate's unit is not preselected:\n%s", r.body)
	}
	tok := hidden(t, r.body, "ma-xac-nhan")
	r = e.post("ag-na", agency.PathSubmit, "ma-xac-nhan", tok, "don-vi", "p-na", "ly-do", "Đăng ký quản trị cấp cao của tỉnh")
	if r.code != http.StatusSeeOther || r.loc != agency.PathRegister+"?tb=da-gui" {
		t.Fatalf("submit: %d %q\n%s", r.code, r.loc, r.body)
	}
	e.get("ag-na", r.loc).want(t, 200, "Chờ phê duyệt", "Đã gửi đăng ký")

	// The confirmation is single use.
	e.post("ag-na", agency.PathSubmit, "ma-xac-nhan", tok, "don-vi", "p-na").want(t, 403, "Phiên xác nhận đăng ký đã hết hạn")

	// Only the operator sees and decides.
	e.get("ag-na", agency.PathApprove).want(t, 403, "Chỉ Văn phòng Chính phủ")
	page := e.get(rbactest.Operator, agency.PathApprove)
	page.want(t, 200, "Phê duyệt đăng ký quản trị", "UBND tỉnh Nghệ An – Tỉnh Nghệ An", "Chờ phê duyệt", "Đăng ký quản trị cấp cao của tỉnh")
	id := regexp.MustCompile(`action="/quan-tri/phe-duyet-dang-ky/([^"]+)"`).FindStringSubmatch(page.body)
	if id == nil {
		t.Fatal("no request form on the operator's page")
	}
	e.post("ag-na", "/quan-tri/phe-duyet-dang-ky/"+id[1], "quyet-dinh", "phe-duyet").want(t, 403, "Chỉ Văn phòng Chính phủ")
	e.post(rbactest.Operator, "/quan-tri/phe-duyet-dang-ky/"+id[1], "quyet-dinh", "phe-duyet", "ly-do", "Mã định danh khớp")
	e.get(rbactest.Operator, agency.PathApprove+"?tb=da-phe-duyet").want(t, 200, "Đã phê duyệt", "Không có đăng ký nào chờ phê duyệt")

	e.get("ag-na", agency.PathRegister).want(t, 200, "Quản trị cấp cao (đã phê duyệt)", "Quản lý người dùng")
	scopes, err := e.world.Svc.Scopes(t.Context(), "ag-na")
	if err != nil || len(scopes) != 1 || scopes[0].Unit != "p-na" || scopes[0].Level != rbac.LevelSuper {
		t.Fatalf("scopes %+v, %v", scopes, err)
	}
	// Deciding again is refused: the request is no longer pending.
	e.post(rbactest.Operator, "/quan-tri/phe-duyet-dang-ky/"+id[1], "quyet-dinh", "tu-choi", "ly-do", "x").want(t, 409, "đã được xử lý")
}

func TestReplayedAnswerRefused(t *testing.T) {
	e := newEnv(t)
	ma, data := e.challenge("ag-na")
	id, cms := e.signWith("ag-na", ma, data, "0")
	e.post("ag-na", agency.PathAnswer, "challenge_id", id, "cms", cms).want(t, 200, "Thông tin đọc từ chứng thư số")
	e.post("ag-na", agency.PathAnswer, "challenge_id", id, "cms", cms).want(t, 403, "đã được sử dụng", `role="alert"`)
}

// A plugin that answers with a raw PKCS#1 signature and the certificates
// (pki.ParseAnswer's JSON) is accepted too.
func TestRawSignatureAnswer(t *testing.T) {
	e := newEnv(t)
	ma, data := e.challenge("ag-na")
	in, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(in)
	sig, err := e.na.Key.Sign(rand.Reader, sum[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(map[string]any{"signature": base64.StdEncoding.EncodeToString(sig), "algorithm": "RS256",
		"certificates": []string{base64.StdEncoding.EncodeToString(e.na.Cert.Raw), base64.StdEncoding.EncodeToString(e.na.Chain[1].Raw)}})
	e.post("ag-na", agency.PathAnswer, "challenge_id", ma, "answer", string(js)).want(t, 200, "Thông tin đọc từ chứng thư số", naCode)
}

func TestExpiredChallengeRefused(t *testing.T) {
	e := newEnv(t)
	ma, data := e.challenge("ag-na")
	id, cms := e.signWith("ag-na", ma, data, "0")
	e.clock.Advance(pki.DefaultChallengeTTL + time.Second)
	e.post("ag-na", agency.PathAnswer, "challenge_id", id, "cms", cms).want(t, 403, "Yêu cầu ký số đã hết hạn")
}

func TestTamperedAnswerRefused(t *testing.T) {
	e := newEnv(t)
	ma, data := e.challenge("ag-na")
	_, cms := e.signWith("ag-na", ma, data, "0")
	// The signature of one challenge does not answer another.
	ma2, _ := e.challenge("ag-na")
	e.post("ag-na", agency.PathAnswer, "challenge_id", ma2, "cms", cms).want(t, 403, "Chữ ký số không hợp lệ")
	e.post("ag-na", agency.PathAnswer, "challenge_id", ma, "cms", "không phải CMS").want(t, 400, "Không đọc được kết quả ký số")
}

func TestRevokedCertificateRefused(t *testing.T) {
	e := newEnv(t)
	e.pki.Revoke(e.na.Cert, 1)
	e.verified("ag-na", "0").want(t, 403, "Chứng thư số đã bị thu hồi")
}

func TestWrongUnitRefusedThenRightUnit(t *testing.T) {
	e := newEnv(t)
	r := e.verified("ag-na", "0")
	r = e.post("ag-na", agency.PathSubmit, "ma-xac-nhan", hidden(t, r.body, "ma-xac-nhan"), "don-vi", "p-ht")
	r.want(t, 403, "không khớp với mã định danh của đơn vị đã chọn", "Thông tin đọc từ chứng thư số")
	// The verified identity is kept under a new token: pick again.
	r = e.post("ag-na", agency.PathSubmit, "ma-xac-nhan", hidden(t, r.body, "ma-xac-nhan"), "don-vi", "p-na")
	if r.code != http.StatusSeeOther {
		t.Fatalf("second pick: %d\n%s", r.code, r.body)
	}
}

func TestCertificateOfAnotherAgencyRefused(t *testing.T) {
	e := newEnv(t)
	// Hà Tĩnh's account signs with Nghệ An's certificate.
	e.verified("ag-ht", "0").want(t, 403, "không phải của cơ quan đang đăng nhập")
}

func TestConfirmationBoundToItsAccount(t *testing.T) {
	e := newEnv(t)
	r := e.verified("ag-na", "0")
	e.post("ag-ht", agency.PathSubmit, "ma-xac-nhan", hidden(t, r.body, "ma-xac-nhan"), "don-vi", "p-na").want(t, 403, "Phiên xác nhận")
}

func TestCitizenCannotRegister(t *testing.T) {
	e := newEnv(t)
	e.get(rbactest.PersonID(1), agency.PathRegister).want(t, 200, "dành cho tài khoản tổ chức")
	e.post(rbactest.PersonID(1), agency.PathSign).want(t, 403, "dành cho tài khoản tổ chức")
}

func TestRejectNeedsReasonAndShows(t *testing.T) {
	e := newEnv(t)
	r := e.verified("ag-na", "0")
	e.post("ag-na", agency.PathSubmit, "ma-xac-nhan", hidden(t, r.body, "ma-xac-nhan"), "don-vi", "p-na")
	page := e.get(rbactest.Operator, agency.PathApprove)
	id := regexp.MustCompile(`action="/quan-tri/phe-duyet-dang-ky/([^"]+)"`).FindStringSubmatch(page.body)[1]
	e.post(rbactest.Operator, "/quan-tri/phe-duyet-dang-ky/"+id, "quyet-dinh", "tu-choi").want(t, 400, "Vui lòng nhập lý do từ chối")
	r = e.post(rbactest.Operator, "/quan-tri/phe-duyet-dang-ky/"+id, "quyet-dinh", "tu-choi", "ly-do", "Thiếu văn bản đề nghị")
	if r.code != http.StatusSeeOther {
		t.Fatalf("reject: %d\n%s", r.code, r.body)
	}
	e.get("ag-na", agency.PathRegister).want(t, 200, "Bị từ chối", "Thiếu văn bản đề nghị")
}

func TestCSRFMissingRefused(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{agency.PathSign, agency.PathAnswer, agency.PathSubmit, "/quan-tri/phe-duyet-dang-ky/sar-x",
		agency.PluginPrefix + "/chon-chung-thu", agency.PluginPrefix + "/ky"} {
		r := e.do("ag-na", http.MethodPost, p, url.Values{"ma": {"x"}})
		r.want(t, 403, "mã chống giả mạo")
	}
	if r := e.get("", agency.PathRegister); r.code != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", r.code)
	}
}

func TestPluginRefusals(t *testing.T) {
	e := newEnv(t)
	ma, data := e.challenge("ag-na")
	e.post("ag-na", agency.PluginPrefix+"/ky", "ma", ma, "du-lieu", data, "chung-thu", "0", "pin", "000000").want(t, 403, "Mã PIN không đúng")
	e.post("ag-na", agency.PluginPrefix+"/ky", "ma", ma, "du-lieu", data, "pin", agency.DemoPIN).want(t, 400, "Vui lòng chọn một chứng thư số")
	// It signs only the portal's challenges.
	e.post("ag-na", agency.PluginPrefix+"/ky", "ma", ma, "du-lieu", "aGVsbG8=", "chung-thu", "0", "pin", agency.DemoPIN).want(t, 400, "chỉ ký yêu cầu ký số")
}

// TestPluginSignsOnlyTheChallenge: the simulated plugin holds every demo
// agency's key, so it must sign nothing but a challenge of the
// registration, exactly as the portal wrote it: not any text that merely
// starts with the challenge's first line, not a challenge of another
// purpose (a certificate login), not one whose ID is not the one posted.
func TestPluginSignsOnlyTheChallenge(t *testing.T) {
	e := newEnv(t)
	ma, data := e.challenge("ag-na")
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	in := string(raw)
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for name, tc := range map[string]struct{ ma, input string }{
		"prefix then anything": {ma, "rpkit-challenge-v1\nTôi, UBND tỉnh Nghệ An, đồng ý chuyển 1.000.000.000 đồng.\n"},
		"challenge then more":  {ma, in + "amount=1000000000\n"},
		"other purpose":        {ma, strings.Replace(in, "purpose=dang-ky-quan-tri", "purpose=dang-nhap", 1)},
		"other challenge ID":   {"other-id", in},
		"no final newline":     {ma, strings.TrimSuffix(in, "\n")},
		"lines reordered":      {ma, strings.Replace(in, "purpose=dang-ky-quan-tri\n", "", 1) + "purpose=dang-ky-quan-tri\n"},
	} {
		for _, p := range []string{"/chon-chung-thu", "/ky"} {
			r := e.post("ag-na", agency.PluginPrefix+p, "ma", tc.ma, "du-lieu", b64(tc.input), "chung-thu", "0", "pin", agency.DemoPIN)
			if r.code != http.StatusBadRequest || !strings.Contains(r.body, "chỉ ký yêu cầu ký số") {
				t.Errorf("%s via %s: status %d, want 400 refusal; body:\n%s", name, p, r.code, r.body)
			}
		}
	}
	// The real challenge still signs.
	e.signWith("ag-na", ma, data, "0")
}
