package ui

import (
	"net/http"

	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// Actor is the TechID of the person signed in on r (vnconnect/web's
// session identity): who every rbac call on the screens acts as.
func Actor(r *http.Request) (string, bool) {
	id, ok := web.IdentityFrom(r.Context())
	if !ok || id.TechID == "" {
		return "", false
	}
	return id.TechID, true
}
