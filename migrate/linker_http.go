package migrate

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
)

// CSRFGuard hands out a request's CSRF token for the form and checks it on
// the POST. *web.Handler (vnconnect/web) satisfies it with the session's
// token; CSRFFuncs adapts two functions.
type CSRFGuard interface {
	// CSRFToken returns the token to embed in the form, "" if there is none.
	CSRFToken(r *http.Request) string
	// VerifyCSRF returns an error unless the request carries the right
	// token. The LinkHandler has already parsed the (size-limited) form.
	VerifyCSRF(r *http.Request) error
}

// CSRFFuncs is a CSRFGuard made of two functions; both are required.
type CSRFFuncs struct {
	Token  func(r *http.Request) string
	Verify func(r *http.Request) error
}

// CSRFToken implements CSRFGuard.
func (f CSRFFuncs) CSRFToken(r *http.Request) string { return f.Token(r) }

// VerifyCSRF implements CSRFGuard.
func (f CSRFFuncs) VerifyCSRF(r *http.Request) error { return f.Verify(r) }

// DefaultLinkFormBytes bounds a link form's body when
// LinkHandlerConfig.MaxFormBytes is zero: room for a 200-byte username, a
// 1 KiB password (percent-encoded, three times that) and a token.
const DefaultLinkFormBytes = 8 << 10

// LinkHandlerConfig configures a LinkHandler. Linker, Identity and CSRF
// are required; the rest have safe defaults.
type LinkHandlerConfig struct {
	Linker *Linker
	// Identity returns the logged-in Vnconnect person; with vnconnect/web,
	// mount the handler behind RequireLogin and pass
	//
	//	func(r *http.Request) (*vnconnect.Identity, bool) { return web.IdentityFrom(r.Context()) }
	Identity func(r *http.Request) (*vnconnect.Identity, bool)
	// CSRF is the token source and check, e.g. the *web.Handler.
	CSRF CSRFGuard
	// CSRFField is the form field the token travels in; default "csrf"
	// (web.CSRFField).
	CSRFField string
	// ClientIP is the address the request came from as the application
	// trusts it (see Linker.Link); default the host of RemoteAddr. Behind
	// a proxy, read the header that proxy sets — never one a client could.
	ClientIP func(r *http.Request) string
	// Done is the local path a successful link redirects to (303); default
	// "/". It must start with a single "/".
	Done string
	// Template, if set, renders the page instead of the built-in one; it
	// is executed with a LinkPage. It must post the fields "username",
	// "password" and CSRFField to Action.
	Template *template.Template
	// Render, if set, writes the page in the application's own layout
	// instead of Template: it must answer with p.Status, and p.Body gives
	// the built-in heading, message and form to put in it. The security
	// headers are already set on w.
	Render func(w http.ResponseWriter, r *http.Request, p LinkPage)
	// MaxFormBytes limits the POST body; default DefaultLinkFormBytes.
	MaxFormBytes int64
	// Logger receives failures that are not the person's (storage, the
	// limiter's Redis); default discards.
	Logger *slog.Logger
}

// LinkPage is what the page template is given.
type LinkPage struct {
	Status    int    // the HTTP status being answered
	Form      bool   // whether to show the form (false: not logged in)
	Action    string // where the form posts: this page's own path
	CSRFField string
	CSRFToken string
	// Error is a sentence in Vietnamese saying what went wrong, "" on the
	// first view. It never says whether a username exists.
	Error string
	// Code is a precondition's stable code (already-converted,
	// unit-mismatch…), for support staff, if any.
	Code string
	// RetryAfter is set on a rate-limited attempt.
	RetryAfter time.Duration
}

// LinkHandler is the self-service linking page: where a person lands
// after their first Vnconnect login when the application found they still
// have a legacy account. GET shows a form (username, password, CSRF
// token); POST checks the token and runs Linker.Link, then redirects to
// Done.
//
// It is strict: only POST changes anything, and only with a valid CSRF
// token in a url-encoded body of at most MaxFormBytes; credentials are
// read from the body only (a query string is ignored, on GET and on POST);
// every answer is no-store. A rate-limited attempt answers 429 with
// Retry-After; an unknown username and a wrong password answer the same
// page, byte for byte (the username is not echoed back, so even that does
// not differ). Any failure that is not the person's — the database, the
// limiter's Redis — answers 500 and nothing is linked.
type LinkHandler struct {
	linker   *Linker
	identity func(*http.Request) (*vnconnect.Identity, bool)
	csrf     CSRFGuard
	field    string
	clientIP func(*http.Request) string
	done     string
	tmpl     *template.Template
	renderFn func(http.ResponseWriter, *http.Request, LinkPage)
	maxBytes int64
	log      *slog.Logger
}

var _ http.Handler = (*LinkHandler)(nil)

// NewLinkHandler returns a LinkHandler for cfg.
func NewLinkHandler(cfg LinkHandlerConfig) (*LinkHandler, error) {
	switch {
	case cfg.Linker == nil:
		return nil, invalid("LinkHandlerConfig.Linker is required")
	case cfg.Identity == nil:
		return nil, invalid("LinkHandlerConfig.Identity is required")
	case cfg.CSRF == nil:
		return nil, invalid("LinkHandlerConfig.CSRF is required")
	}
	if f, ok := cfg.CSRF.(CSRFFuncs); ok && (f.Token == nil || f.Verify == nil) {
		return nil, invalid("CSRFFuncs needs both Token and Verify")
	}
	h := &LinkHandler{linker: cfg.Linker, identity: cfg.Identity, csrf: cfg.CSRF, field: cfg.CSRFField, clientIP: cfg.ClientIP,
		done: cfg.Done, tmpl: cfg.Template, renderFn: cfg.Render, maxBytes: cfg.MaxFormBytes, log: cfg.Logger}
	if h.field == "" {
		h.field = "csrf"
	}
	if h.field == "username" || h.field == "password" {
		return nil, invalid("CSRFField %q is a credential field", h.field)
	}
	if h.clientIP == nil {
		h.clientIP = remoteHost
	}
	if h.done == "" {
		h.done = "/"
	}
	if !localPath(h.done) {
		return nil, invalid("Done %q is not a local path", clip(h.done, 64))
	}
	if h.tmpl != nil && h.renderFn != nil {
		return nil, invalid("set Template or Render, not both")
	}
	if h.tmpl == nil {
		h.tmpl = linkTemplate
	}
	if h.maxBytes <= 0 {
		h.maxBytes = DefaultLinkFormBytes
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	return h, nil
}

// localPath accepts "/…" but not "//host" or "/\host", which browsers
// read as another origin.
func localPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, `/\`) {
		return false
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && strings.IndexFunc(p, func(r rune) bool { return r < ' ' || r == 0x7f }) < 0
}

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ServeHTTP implements http.Handler.
func (h *LinkHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	noStoreHeaders(w)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	id, ok := h.identity(r)
	if !ok || id == nil || id.TechID == "" {
		h.render(w, r, LinkPage{Status: http.StatusUnauthorized, Error: msgLinkLogin})
		return
	}
	if r.Method != http.MethodPost {
		// Whatever the query holds — even a username and password someone
		// put there — is ignored: GET only shows the form.
		h.render(w, r, LinkPage{Status: http.StatusOK, Form: true})
		return
	}
	h.post(w, r, id)
}

func (h *LinkHandler) post(w http.ResponseWriter, r *http.Request, id *vnconnect.Identity) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		h.render(w, r, LinkPage{Status: http.StatusUnsupportedMediaType, Form: true, Error: msgLinkBadRequest})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.maxBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.render(w, r, LinkPage{Status: http.StatusRequestEntityTooLarge, Form: true, Error: msgLinkTooLarge})
			return
		}
		h.render(w, r, LinkPage{Status: http.StatusBadRequest, Form: true, Error: msgLinkBadRequest})
		return
	}
	for _, f := range []string{"username", "password", h.field} {
		if len(r.PostForm[f]) > 1 {
			h.render(w, r, LinkPage{Status: http.StatusBadRequest, Form: true, Error: msgLinkBadRequest})
			return
		}
	}
	if err := h.csrf.VerifyCSRF(r); err != nil {
		h.render(w, r, LinkPage{Status: http.StatusForbidden, Form: true, Error: msgLinkCSRF})
		return
	}
	ip := h.clientIP(r)
	if _, err := netip.ParseAddr(ip); err != nil {
		// The application's proxy set-up, not the person: nothing to retry.
		h.fail(w, r, "client IP", fmt.Errorf("%q is not an IP address", clip(ip, 64)))
		return
	}
	// PostForm only: credentials in the query string are never used.
	_, err := h.linker.Link(r.Context(), id, r.PostForm.Get("username"), r.PostForm.Get("password"), ip)
	if err != nil {
		h.linkError(w, r, err)
		return
	}
	http.Redirect(w, r, h.done, http.StatusSeeOther)
}

// linkError answers a refused Link; the mapping keeps Link's rule that an
// account's state is told only after the right password (Link returns a
// *PreconditionError only then).
func (h *LinkHandler) linkError(w http.ResponseWriter, r *http.Request, err error) {
	var rl *RateLimitError
	switch code := PreconditionCode(err); {
	case errors.As(err, &rl):
		secs := max(int64((rl.RetryAfter+time.Second-1)/time.Second), 1)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		mins := (secs + 59) / 60
		h.render(w, r, LinkPage{Status: http.StatusTooManyRequests, Form: true, RetryAfter: rl.RetryAfter,
			Error: fmt.Sprintf(msgLinkRateLimited, mins)})
	case errors.Is(err, ErrBadCredentials):
		h.render(w, r, LinkPage{Status: http.StatusBadRequest, Form: true, Error: msgLinkBadCredentials})
	case errors.Is(err, ErrInvalid):
		h.render(w, r, LinkPage{Status: http.StatusBadRequest, Form: true, Error: msgLinkInvalid})
	case code == CodeAlreadyConverted:
		h.render(w, r, LinkPage{Status: http.StatusConflict, Error: msgLinkConverted, Code: code})
	case code == CodeLegacyDisabled:
		h.render(w, r, LinkPage{Status: http.StatusForbidden, Error: msgLinkDisabled, Code: code})
	case code != "":
		h.render(w, r, LinkPage{Status: http.StatusConflict, Error: msgLinkPrecondition, Code: code})
	default:
		h.fail(w, r, "link", err)
	}
}

func (h *LinkHandler) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	h.log.ErrorContext(r.Context(), "migrate: link page: "+what, "err", err)
	h.render(w, r, LinkPage{Status: http.StatusInternalServerError, Error: msgLinkServer})
}

// render writes p through the template, filling in what every page needs.
// A form gets a fresh token from the guard; without one it cannot be
// posted, so the page says to reload instead.
func (h *LinkHandler) render(w http.ResponseWriter, r *http.Request, p LinkPage) {
	p.CSRFField, p.Action = h.field, selfPath(r)
	if p.Form {
		if p.CSRFToken = h.csrf.CSRFToken(r); p.CSRFToken == "" {
			h.log.WarnContext(r.Context(), "migrate: link page: no CSRF token for the form")
			p = LinkPage{Status: http.StatusForbidden, Error: msgLinkCSRF, CSRFField: h.field, Action: p.Action}
		}
	}
	if h.renderFn != nil {
		h.renderFn(w, r, p)
		return
	}
	var buf bytes.Buffer
	if err := h.tmpl.Execute(&buf, p); err != nil {
		h.log.ErrorContext(r.Context(), "migrate: link page: rendering", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(p.Status)
	_, _ = w.Write(buf.Bytes())
}

// selfPath is the path the browser asked for (RequestURI, so it holds
// under http.StripPrefix), without the query: the form posts back here
// and never carries a query along. A path starting "//" (a request for
// https://app//evil.example/…, which a router that does not clean paths
// passes on) would be read by the browser as another host, to which the
// form would post the password: "/." keeps it a path on this one.
func selfPath(r *http.Request) string {
	p := r.URL.EscapedPath()
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && u.Path != "" {
		p = u.EscapedPath()
	}
	if strings.HasPrefix(p, "//") {
		p = "/." + p
	}
	return p
}

func noStoreHeaders(w http.ResponseWriter) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hdr.Set("Referrer-Policy", "no-referrer")
}

// The page's sentences, for the people who use these services.
const (
	msgLinkLogin          = "Vui lòng đăng nhập bằng Vnconnect trước khi liên kết tài khoản cũ."
	msgLinkBadRequest     = "Yêu cầu không hợp lệ. Vui lòng tải lại trang và thử lại."
	msgLinkTooLarge       = "Dữ liệu gửi lên quá lớn."
	msgLinkCSRF           = "Yêu cầu không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang và thử lại."
	msgLinkInvalid        = "Vui lòng nhập tên đăng nhập và mật khẩu hợp lệ."
	msgLinkBadCredentials = "Tên đăng nhập hoặc mật khẩu không đúng."
	msgLinkRateLimited    = "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau %d phút."
	msgLinkConverted      = "Tài khoản cũ này đã được liên kết với một tài khoản Vnconnect. Vui lòng đăng nhập bằng Vnconnect."
	msgLinkDisabled       = "Tài khoản cũ này đã bị khóa. Vui lòng liên hệ quản trị viên đơn vị."
	msgLinkPrecondition   = "Chưa thể liên kết tài khoản cũ với tài khoản Vnconnect của bạn. Vui lòng liên hệ quản trị viên đơn vị."
	msgLinkServer         = "Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút."
)

// linkTemplate is the built-in page around "body", the heading, message
// and form that LinkPage.Body gives applications with their own layout;
// html/template escapes every field.
var linkTemplate = template.Must(template.New("link").Parse(`{{define "body"}}<h1>Liên kết tài khoản cũ</h1>
{{if .Error}}<div role="alert"><p>{{.Error}}</p>{{if .Code}}<p><small>Mã lỗi: {{.Code}}</small></p>{{end}}</div>{{end}}
{{if .Form}}<p>Nếu bạn có tài khoản cũ (tên đăng nhập và mật khẩu) của hệ thống này, hãy nhập để chuyển dữ liệu và quyền sang tài khoản Vnconnect của bạn. Việc này chỉ cần làm một lần.</p>
<form method="post" action="{{.Action}}" autocomplete="off">
<input type="hidden" name="{{.CSRFField}}" value="{{.CSRFToken}}">
<label for="username">Tên đăng nhập</label>
<input id="username" name="username" autocomplete="username" maxlength="200" required>
<label for="password">Mật khẩu</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Liên kết</button>
</form>{{end}}{{end}}<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Liên kết tài khoản cũ</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
label{display:block;margin-top:1rem}input{width:100%;padding:.4rem;box-sizing:border-box}button{margin-top:1.5rem;padding:.5rem 1.5rem}
[role=alert]{border-left:4px solid #b3261e;padding:.5rem 1rem;background:#fdecea}small{color:#555}</style></head>
<body>
<main>
{{template "body" .}}
</main>
</body>
</html>
`))

// Body is the built-in page's heading, message and form for p, as HTML to
// place in an application's own layout (LinkHandlerConfig.Render). The
// form posts the fields the handler reads.
func (p LinkPage) Body() (template.HTML, error) {
	var buf bytes.Buffer
	if err := linkTemplate.ExecuteTemplate(&buf, "body", p); err != nil {
		return "", err
	}
	// html/template escaped every field while producing it.
	return template.HTML(buf.String()), nil
}
