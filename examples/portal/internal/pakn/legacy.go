package pakn

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/migrate"
)

// "Đăng nhập bằng tên đăng nhập": the legacy username/password login the
// platform is retiring. It keeps no session: it checks the credentials
// and, when they are right and the account is still in use, shows the
// cases the account handles in its answer. Once the account has been
// converted to Vnconnect the same password is refused with a message
// that sends the person to Vnconnect.
//
// The person has no session yet, so the form's CSRF token is a
// double-submit cookie. Attempts are limited per username and per client
// address before any hashing; an unknown username and a wrong password
// get the same answer after the same work (a bcrypt comparison).

const (
	legacyCSRFCookie = "pakn_legacy_csrf"
	maxUsername      = 100
	maxPassword      = 1024
)

type legacyData struct {
	CSRF     string
	Username string
	// After a successful check:
	LoggedIn bool
	Accounts []string
	Cases    []caseView
}

func (s *Screens) legacyToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(legacyCSRFCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: legacyCSRFCookie, Value: tok, Path: PathLegacyLogin, HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil})
	return tok
}

func (s *Screens) legacyPage(w http.ResponseWriter, r *http.Request, status int, d legacyData, flashMsg, errMsg string) {
	d.CSRF = s.legacyToken(w, r)
	s.render(w, r, status, "legacy", "Đăng nhập bằng tên đăng nhập", func(p *ui.Page) {
		p.Flash, p.Error = flashMsg, errMsg
		p.Data = d
	})
}

func (s *Screens) legacyForm(w http.ResponseWriter, r *http.Request) {
	s.legacyPage(w, r, http.StatusOK, legacyData{}, "", "")
}

const badCredentials = "Tên đăng nhập hoặc mật khẩu không đúng."

func validUsername(u string) bool {
	if u == "" || len(u) > maxUsername || !utf8.ValidString(u) {
		return false
	}
	return !strings.ContainsFunc(u, unicode.IsControl)
}

func (s *Screens) legacyLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusRequestEntityTooLarge, "Dữ liệu gửi lên không hợp lệ", "Nội dung gửi lên quá lớn hoặc không hợp lệ.")
		return
	}
	c, err := r.Cookie(legacyCSRFCookie)
	got := r.PostFormValue("csrf")
	if err != nil || got == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(got)) != 1 {
		s.legacyPage(w, r, http.StatusForbidden, legacyData{}, "",
			"Yêu cầu bị từ chối vì thiếu mã xác thực biểu mẫu (CSRF). Hãy tải lại trang và thử lại.")
		return
	}
	ctx := r.Context()
	username := strings.TrimSpace(r.PostFormValue("ten_dang_nhap"))
	password := r.PostFormValue("mat_khau")
	d := legacyData{Username: clip(username, maxUsername)}
	if !validUsername(username) || password == "" || len(password) > maxPassword {
		s.legacyPage(w, r, http.StatusUnprocessableEntity, d, "", "Hãy nhập tên đăng nhập và mật khẩu.")
		return
	}
	// Limits first: a refused attempt costs no hashing.
	now := s.now()
	for _, t := range []struct {
		lim migrate.Limiter
		key string
	}{{s.clients, clientOf(r)}, {s.users, strings.ToLower(username)}} {
		wait, err := t.lim.Take(ctx, t.key, now)
		if err != nil {
			s.internal(w, r, "rate limit", err)
			return
		}
		if wait > 0 {
			s.legacyPage(w, r, http.StatusTooManyRequests, d, "",
				"Bạn đã nhập sai quá nhiều lần. Hãy thử lại sau "+strconv.Itoa(int(wait.Minutes())+1)+" phút.")
			return
		}
	}
	accts, err := s.cfg.Legacy.Accounts(ctx, s.cfg.DB, username)
	if err != nil {
		s.internal(w, r, "legacy accounts", err)
		return
	}
	var matched []migrate.LegacyAccount
	compared := map[string]bool{}
	for _, a := range accts {
		ok, done := compared[a.PasswordHash]
		if !done {
			if h := s.hasher(a.PasswordHash); h != nil {
				ok, _ = h.Compare(a.PasswordHash, []byte(password))
			}
			compared[a.PasswordHash] = ok
		}
		if ok {
			matched = append(matched, a)
		}
	}
	if len(compared) == 0 {
		_, _ = s.dummy.Compare(migrate.DefaultDummyHash, []byte(password)) // same work as a wrong password
	}
	if len(matched) == 0 {
		s.legacyPage(w, r, http.StatusUnauthorized, d, "", badCredentials)
		return
	}
	if err := s.users.Forgive(ctx, strings.ToLower(username)); err != nil {
		s.internal(w, r, "rate limit", err)
		return
	}
	var usable []string
	convertedTo := ""
	for _, a := range matched {
		switch {
		case a.ConvertedTo != "":
			convertedTo = a.ConvertedTo
		case a.Disabled:
		default:
			usable = append(usable, string(a.Subsystem))
		}
	}
	if len(usable) == 0 {
		msg := "Tài khoản " + username + " đã bị vô hiệu hóa: không thể đăng nhập bằng tên đăng nhập và mật khẩu."
		if convertedTo != "" {
			msg = "Tài khoản " + username + " đã được chuyển đổi sang tài khoản Vnconnect: không thể đăng nhập bằng tên đăng nhập và mật khẩu nữa. Hãy đăng nhập bằng Vnconnect."
		}
		s.legacyPage(w, r, http.StatusForbidden, d, "", msg)
		return
	}
	cases, err := s.st.byOwner(ctx, username)
	if err != nil {
		s.internal(w, r, "legacy cases", err)
		return
	}
	d.LoggedIn, d.Accounts, d.Cases = true, usable, s.views(ctx, cases)
	s.legacyPage(w, r, http.StatusOK, d, "Đăng nhập thành công bằng tài khoản "+username+".", "")
}

func (s *Screens) hasher(hash string) migrate.PasswordHasher {
	for _, h := range s.hash {
		if h.Recognizes(hash) {
			return h
		}
	}
	return nil
}

// clientOf is the client's address as the server saw it (a demo on
// loopback: no proxy header is trusted).
func clientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
