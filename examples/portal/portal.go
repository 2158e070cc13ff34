package main

import (
	"crypto/subtle"
	"errors"
	"io"
	"log"
	"net/http"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

type portalConfig struct {
	Client  *vnconnect.Client
	BaseURL string // where the portal is served, for the post-logout redirect
	Now     func() time.Time
	Rand    io.Reader
}

// logoutState marks the return from Vnconnect's logout page.
const logoutState = "loggedout"

// portal is the relying-party app: a home page, login, callback, logout.
type portal struct {
	client   *vnconnect.Client
	baseURL  string
	sessions *sessionStore
	mux      *http.ServeMux
}

func newPortal(cfg portalConfig) (*portal, error) {
	if cfg.Client == nil || cfg.BaseURL == "" {
		return nil, errors.New("portal: Client and BaseURL are required")
	}
	p := &portal{client: cfg.Client, baseURL: cfg.BaseURL, sessions: newSessionStore(cfg.Now, cfg.Rand), mux: http.NewServeMux()}
	p.mux.HandleFunc("GET /{$}", p.home)
	p.mux.HandleFunc("GET /login", p.login)
	p.mux.HandleFunc("GET /callback", p.callback)
	p.mux.HandleFunc("POST /logout", p.logout)
	return p, nil
}

func (p *portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' "+p.client.Endpoint().EndSessionURL)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	p.mux.ServeHTTP(w, r)
}

func (p *portal) home(w http.ResponseWriter, r *http.Request) {
	v := homeView{}
	if sess := p.sessions.get(r); sess != nil {
		v.CSRF, v.Flash = sess.csrf, sess.flash
		sess.flash = ""
		if sess.identity != nil {
			v.Person = newPersonView(sess.identity, sess.tokens)
		}
	}
	// Vnconnect sends the browser back here with the state the logout sent.
	if r.URL.Query().Get("state") == logoutState {
		v.Flash = "Bạn đã đăng xuất khỏi cổng thông tin và Vnconnect."
	}
	render(w, http.StatusOK, "home", v)
}

// login starts an authorization-code flow: the pending request (state,
// nonce, PKCE verifier) is kept server-side in a fresh session.
func (p *portal) login(w http.ResponseWriter, r *http.Request) {
	req, err := p.client.AuthCodeURL()
	if err != nil {
		p.fail(w, http.StatusInternalServerError, "Không tạo được yêu cầu đăng nhập.", err)
		return
	}
	sess, err := p.sessions.start(w, r)
	if err != nil {
		p.fail(w, http.StatusInternalServerError, "Không tạo được phiên làm việc.", err)
		return
	}
	sess.pending = req
	http.Redirect(w, r, req.URL, http.StatusFound)
}

func (p *portal) callback(w http.ResponseWriter, r *http.Request) {
	sess := p.sessions.get(r)
	if sess == nil || sess.pending == nil {
		p.fail(w, http.StatusBadRequest, "Phiên đăng nhập không tồn tại hoặc đã hết hạn. Vui lòng đăng nhập lại.", nil)
		return
	}
	pending := sess.pending
	sess.pending = nil // single use, whatever happens next
	if e := r.URL.Query().Get("error"); e != "" {
		msg := "Vnconnect từ chối đăng nhập (" + e + ")."
		if e == "access_denied" {
			msg = "Bạn đã hủy đăng nhập."
		}
		p.fail(w, http.StatusForbidden, msg, nil)
		return
	}
	code, err := pending.CodeFromCallback(r.URL.Query())
	if err != nil {
		p.fail(w, http.StatusBadRequest, "Yêu cầu đăng nhập không hợp lệ.", err)
		return
	}
	tokens, err := p.client.Exchange(r.Context(), code, pending)
	if err != nil {
		p.fail(w, http.StatusBadGateway, "Không xác minh được mã thông báo từ Vnconnect.", err)
		return
	}
	id, err := p.client.UserInfo(r.Context(), tokens)
	if err != nil {
		p.fail(w, http.StatusBadGateway, "Không đọc được thông tin tài khoản từ Vnconnect.", err)
		return
	}
	// A new session ID at login: the pre-login ID is worthless now.
	fresh, err := p.sessions.start(w, r)
	if err != nil {
		p.fail(w, http.StatusInternalServerError, "Không tạo được phiên làm việc.", err)
		return
	}
	fresh.tokens, fresh.identity = tokens, id
	fresh.flash = "Đăng nhập thành công."
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// logout ends the local session, then Vnconnect's (RP-initiated logout).
func (p *portal) logout(w http.ResponseWriter, r *http.Request) {
	sess := p.sessions.get(r)
	if sess == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(sess.csrf)) != 1 {
		p.fail(w, http.StatusForbidden, "Yêu cầu không hợp lệ (CSRF).", nil)
		return
	}
	p.sessions.end(w, r)
	if sess.tokens == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	u, err := p.client.LogoutURL(sess.tokens.RawIDToken, p.baseURL+"/", logoutState)
	if err != nil {
		p.fail(w, http.StatusInternalServerError, "Không tạo được yêu cầu đăng xuất.", err)
		return
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// fail shows a clear page; the detailed error goes to the log only.
func (p *portal) fail(w http.ResponseWriter, status int, msg string, err error) {
	if err != nil {
		log.Printf("portal: %s: %v", msg, err)
	}
	render(w, status, "error", msg)
}
