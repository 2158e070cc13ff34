package rbac_test

import (
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
)

func TestMemoryStoreConformance(t *testing.T) {
	rbactest.TestStore(t, func(t *testing.T) rbac.Store { return rbac.NewMemoryStore() })
}
