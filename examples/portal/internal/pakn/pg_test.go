package pakn_test

import (
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/rpkit-vn/rpkit/internal/testenv"
)

// pgDSN returns a DSN whose search_path is a schema of the test's own,
// dropped when the test ends.
func pgDSN(t *testing.T) string { return testenv.PostgresSchema(t, "pakn_test") }
