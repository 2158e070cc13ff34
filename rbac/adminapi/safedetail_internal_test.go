package adminapi

import (
	"errors"
	"fmt"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// driverError stands for a database driver's error, which must never
// reach a client.
type driverError struct{}

func (driverError) Error() string {
	return `pq: duplicate key value violates unique constraint "memberships_pkey"`
}

func TestSafeDetail(t *testing.T) {
	_, vnidErr := vnid.ParseCCCD("12")
	cases := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("%w: membership is active, not pending", rbac.ErrConflict), "membership is active, not pending"},
		{fmt.Errorf("%w: credential: %v", rbac.ErrInvalid, vnidErr), "credential: " + vnidErr.Error()},
		{fmt.Errorf("%w: put membership: %w", rbac.ErrConflict, driverError{}), "fallback"},
		{fmt.Errorf("sqlstore: %w", errors.Join(rbac.ErrNotFound, driverError{})), "fallback"},
	}
	for _, c := range cases {
		if got := safeDetail(c.err, "fallback"); got != c.want {
			t.Errorf("safeDetail(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
