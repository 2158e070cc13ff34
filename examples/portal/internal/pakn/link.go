package pakn

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
)

// "Liên kết tài khoản cũ": migrate.LinkHandler does the work (limits,
// CSRF, Linker.Link); LinkTemplate makes it render only the page's body,
// which the screens then put inside the app's frame (header, menu, the
// other apps), like every other PAKN page.

// LinkTemplate is the migrate.LinkHandlerConfig Template for the PAKN
// app: the body of the linking page, for a migrate.LinkPage. Mounted by
// Screens (Config.Link), it is shown inside the app's frame.
var LinkTemplate = template.Must(template.New("link").Parse(`<h1>Liên kết tài khoản cũ</h1>
{{if .Error}}<div class="alert" role="alert"><p>{{.Error}}</p>{{if .Code}}<p><small>Mã lỗi: {{.Code}}</small></p>{{end}}</div>{{end}}
{{if .Form}}<p>Nếu bạn có tài khoản cũ (tên đăng nhập và mật khẩu) của hệ thống PAKN, hãy nhập để chuyển dữ liệu và quyền sang tài khoản Vnconnect của bạn. Việc này chỉ cần làm một lần.</p>
<form method="post" action="{{.Action}}" autocomplete="off">
<input type="hidden" name="{{.CSRFField}}" value="{{.CSRFToken}}">
<label for="username">Tên đăng nhập</label>
<input id="username" name="username" autocomplete="username" maxlength="200" required>
<label for="password">Mật khẩu</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<p><button type="submit">Liên kết</button></p>
</form>{{end}}`))

// linkTitle is the linking page's title and menu entry.
const linkTitle = "Liên kết tài khoản cũ"

// maxLinkPage bounds what the linking handler may answer: its page is a
// short form.
const maxLinkPage = 64 << 10

// framed serves h, which renders LinkTemplate, and puts its HTML answer
// inside the app's frame with h's status and headers (no-store, its
// Content-Security-Policy, Retry-After). Redirects and anything that is
// not an HTML page pass through unchanged.
func (s *Screens) framed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &captured{header: http.Header{}, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		if rec.overflow {
			s.internal(w, r, "link page", errLinkPageTooLarge)
			return
		}
		dst := w.Header()
		for k, v := range rec.header {
			if k != "Content-Length" {
				dst[k] = v
			}
		}
		html := strings.HasPrefix(rec.header.Get("Content-Type"), "text/html")
		if !html || r.Method == http.MethodHead || rec.status >= 300 && rec.status < 400 {
			w.WriteHeader(rec.status)
			_, _ = w.Write(rec.body.Bytes())
			return
		}
		p := s.page(r, linkTitle)
		// The body was rendered by html/template (LinkTemplate): it is
		// already escaped for an HTML body.
		p.Data = template.HTML(rec.body.String())
		ui.Render(w, tpl, rec.status, "framed", p)
	})
}

type linkPageError string

func (e linkPageError) Error() string { return string(e) }

const errLinkPageTooLarge = linkPageError("pakn: the link page is larger than expected")

// captured is a ResponseWriter that keeps the answer to frame it.
type captured struct {
	header   http.Header
	status   int
	wrote    bool
	body     bytes.Buffer
	overflow bool
}

func (c *captured) Header() http.Header { return c.header }

func (c *captured) WriteHeader(status int) {
	if !c.wrote {
		c.status, c.wrote = status, true
	}
}

func (c *captured) Write(b []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	if c.body.Len()+len(b) > maxLinkPage {
		c.overflow = true
		return len(b), nil
	}
	return c.body.Write(b)
}
