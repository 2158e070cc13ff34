package adminapi

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

// publicDetail shows rbac's own text, then what safeDetail lets through,
// and never a store's driver text.
func TestPublicDetail(t *testing.T) {
	svc, err := rbac.New(rbac.Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, noReason := svc.Activate(context.Background(), "op", "u01", "quantri", "")
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"rbac's text", noReason, "a reason is required"},
		{"rbac's text inside another package's", fmt.Errorf("changeform: line 3: %w", noReason), "a reason is required"},
		{"another package's own text", fmt.Errorf("%w: line 3 names no subsystem", rbac.ErrInvalid), "line 3 names no subsystem"},
		{"store failure", &sqlstore.DBError{Op: "put account", Err: driverError{}}, "fallback"},
		{"store failure under rbac's sentinel", fmt.Errorf("%w: %w", rbac.ErrConflict, &sqlstore.DBError{Op: "x", Err: driverError{}}), "fallback"},
		{"bare sentinel", errors.Join(rbac.ErrNotFound, driverError{}), "fallback"},
	}
	for _, c := range cases {
		if got := publicDetail(c.err, "fallback"); got != c.want {
			t.Errorf("%s: publicDetail = %q, want %q", c.name, got, c.want)
		}
	}
}
