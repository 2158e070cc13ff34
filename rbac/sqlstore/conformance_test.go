package sqlstore_test

import (
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
)

func TestConformanceSQLite(t *testing.T) {
	rbactest.TestStore(t, func(t *testing.T) rbac.Store { return newSQLite(t) })
}

func TestConformancePostgres(t *testing.T) {
	requirePostgres(t)
	rbactest.TestStore(t, func(t *testing.T) rbac.Store { return newPostgres(t) })
}
