package pakn

import (
	"net/http"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/migrate"
)

// "Liên kết tài khoản cũ": migrate.LinkHandler does the work (limits,
// CSRF, Linker.Link, its security headers); its Render hook puts the
// built-in form (LinkPage.Body) inside the app's frame, like every other
// PAKN page.

// linkTitle is the linking page's title and menu entry.
const linkTitle = "Liên kết tài khoản cũ"

// linkHandler is migrate's linking page for linker: the form carries the
// frame's CSRF token and is checked by the app's Auth; a link lands on
// the cases the person now holds.
func (s *Screens) linkHandler(linker *migrate.Linker) (http.Handler, error) {
	return migrate.NewLinkHandler(migrate.LinkHandlerConfig{
		Linker:   linker,
		Identity: s.id,
		CSRF: migrate.CSRFFuncs{
			Token:  func(r *http.Request) string { return s.cfg.Frame(r).CSRF },
			Verify: s.cfg.Auth.VerifyCSRF,
		},
		Done:   PathProcess,
		Render: s.renderLink,
	})
}

// renderLink shows migrate's page p in the app's frame.
func (s *Screens) renderLink(w http.ResponseWriter, r *http.Request, p migrate.LinkPage) {
	body, err := p.Body()
	if err != nil {
		s.internal(w, r, "link page", err)
		return
	}
	page := s.page(r, linkTitle)
	page.Data = body
	ui.Render(w, tpl, p.Status, "framed", page)
}
