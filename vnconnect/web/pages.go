package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
)

// pageText is one error page: a title, what happened and what to do, in
// Vietnamese for the people who use these services. Code is the identity
// provider's error code, shown small for support staff.
type pageText struct {
	Title   string
	Message string
	Code    string
	Retry   bool // offer a "log in again" link
}

var (
	pageBadReturnTo    = pageText{Title: "Liên kết không hợp lệ", Message: "Địa chỉ quay lại sau khi đăng nhập không hợp lệ. Vui lòng mở lại trang từ cổng dịch vụ."}
	pageBadDeepLink    = pageText{Title: "Liên kết không hợp lệ", Message: "Thông tin dịch vụ công trong liên kết không hợp lệ. Vui lòng mở lại liên kết từ Cổng Dịch vụ công quốc gia."}
	pageStateUnknown   = pageText{Title: "Phiên đăng nhập không hợp lệ", Message: "Phiên đăng nhập đã hết hạn hoặc đã được sử dụng. Vui lòng đăng nhập lại.", Retry: true}
	pageWrongBrowser   = pageText{Title: "Phiên đăng nhập không hợp lệ", Message: "Yêu cầu đăng nhập không xuất phát từ trình duyệt này. Vui lòng đăng nhập lại.", Retry: true}
	pageAuthError      = pageText{Title: "Đăng nhập không thành công", Message: "Vnconnect không hoàn tất được việc đăng nhập.", Retry: true}
	pageTokenFailed    = pageText{Title: "Đăng nhập không thành công", Message: "Không xác minh được kết quả đăng nhập từ Vnconnect. Vui lòng thử lại.", Retry: true}
	pageUserInfoFailed = pageText{Title: "Đăng nhập không thành công", Message: "Không đọc được thông tin tài khoản từ Vnconnect. Vui lòng thử lại.", Retry: true}
	pageLoginRefused   = pageText{Title: "Không được phép truy cập", Message: "Tài khoản của bạn chưa được cấp quyền sử dụng hệ thống này. Vui lòng liên hệ quản trị viên đơn vị."}
	pageCSRF           = pageText{Title: "Yêu cầu không hợp lệ", Message: "Yêu cầu không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang và thử lại."}
	pageSAMLFailed     = pageText{Title: "Đăng nhập không thành công", Message: "Không xác minh được kết quả đăng nhập SAML. Vui lòng thử lại.", Retry: true}
	pageSLOFailed      = pageText{Title: "Đăng xuất chưa hoàn tất", Message: "Không hoàn tất được việc đăng xuất khỏi các hệ thống dùng chung tài khoản. Để bảo đảm an toàn, vui lòng đóng tất cả cửa sổ trình duyệt; nếu bạn dùng máy tính chung, hãy đăng xuất lại từ Cổng Dịch vụ công quốc gia."}
	pageServerError    = pageText{Title: "Lỗi hệ thống", Message: "Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút."}
)

// html/template escapes every field: Code and a RefusalError's message may
// come from outside.
var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
[role=alert]{border-left:4px solid #b3261e;padding:.5rem 1rem;background:#fdecea}small{color:#555}</style></head>
<body>
<main>
<h1>{{.Title}}</h1>
<div role="alert"><p>{{.Message}}</p>{{if .Code}}<p><small>Mã lỗi: {{.Code}}</small></p>{{end}}</div>
{{if .LoginURL}}<p><a href="{{.LoginURL}}">Đăng nhập lại</a></p>{{end}}
<p><a href="{{.Home}}">Về trang chủ</a></p>
</main>
</body>
</html>
`))

type pageData struct {
	pageText
	LoginURL, Home string
}

// page writes an error page. err, if any, goes to the log, never to the
// page.
func (h *Handler) page(w http.ResponseWriter, r *http.Request, status int, p pageText, err error) {
	if err != nil {
		h.log.WarnContext(r.Context(), "web: "+p.Title, "status", status, "path", r.URL.Path, "err", err)
	}
	d := pageData{pageText: p, Home: h.afterLogin}
	if p.Retry && (h.client != nil || h.saml != nil) {
		d.LoginURL = h.basePath() + h.paths.Login
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, d); err != nil {
		h.log.ErrorContext(r.Context(), "web: rendering page", "err", err)
		http.Error(w, p.Title, status)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	hdr.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, what string, err error) {
	h.log.ErrorContext(r.Context(), "web: "+what, "err", err)
	h.page(w, r, http.StatusInternalServerError, pageServerError, nil)
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
}

func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
}

// originOf returns scheme://host of an absolute URL, or "".
func originOf(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
