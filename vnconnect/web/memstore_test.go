package web_test

import (
	"testing"

	"github.com/rpkit-vn/rpkit/vnconnect/web"
	"github.com/rpkit-vn/rpkit/vnconnect/web/webstoretest"
)

func TestMemorySessionStoreConformance(t *testing.T) {
	webstoretest.TestSessionStore(t, func(*testing.T) web.SessionStore {
		return web.NewMemorySessionStore(web.MemoryOptions{})
	})
}

func TestMemoryPendingStoreConformance(t *testing.T) {
	webstoretest.TestPendingStore(t, func(*testing.T) web.PendingStore {
		return web.NewMemoryPendingStore(web.MemoryOptions{})
	})
}
