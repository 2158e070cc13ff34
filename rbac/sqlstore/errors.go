package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/rpkit-vn/rpkit/rbac"
)

// fail turns a driver error from operation op into the error rbac expects:
// no row → rbac.ErrNotFound, duplicate key or broken reference →
// rbac.ErrConflict, anything else wrapped as it is. The driver error stays in
// the chain (two %w), so the retry loop still recognises a serialization
// failure that the rbac layer wrapped on its way out.
//
// It also remembers a serialization failure on the transaction: after one,
// PostgreSQL has aborted the transaction, and whatever the caller does with
// the error, the only way on is to run it again.
func (c *conn) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	if isRetryable(err) && c.retryErr == nil {
		c.retryErr = err
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: %s", rbac.ErrNotFound, op)
	case isUniqueViolation(err), isForeignKeyViolation(err):
		return fmt.Errorf("%w: %s: %w", rbac.ErrConflict, op, err)
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}
