package redisstore

import (
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/saml"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// Compile-time checks: each store satisfies the interface of the package
// that consumes it.
var (
	_ web.SessionStore          = (*SessionStore)(nil)
	_ web.SessionRefresher      = (*SessionStore)(nil)
	_ web.SessionSubjectDeleter = (*SessionStore)(nil)
	_ web.PendingStore          = (*PendingStore)(nil)
	_ saml.RequestStore         = (*PendingStore)(nil)
	_ vnconnect.ReplayCache     = (*ReplayCache)(nil)
)
