package platform

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver
)

// freshSchema makes a schema of this run's own (rpkit_demo_<random>) in
// the database dsn names, and returns a DSN whose connections use it as
// search_path and a function that drops it. rbac/sqlstore's and migrate's
// tests isolate themselves the same way in the shared test database.
func freshSchema(ctx context.Context, dsn string) (string, func(), error) {
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, fmt.Errorf("platform: open PostgreSQL: %w", err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		admin.Close()
		return "", nil, err
	}
	schema := "rpkit_demo_" + hex.EncodeToString(b[:])
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(pctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("platform: cannot create a schema in PostgreSQL (%s): %w", redact(dsn), err)
	}
	drop := func() {
		dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(dctx, "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	return withSearchPath(dsn, schema), drop, nil
}

// withSearchPath adds search_path to a URL or key=value DSN (pgx passes
// unknown parameters to the server as run-time settings).
func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " search_path=" + schema
}

// redact drops a password from a URL DSN for messages.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	if strings.Contains(dsn, "password") {
		return "DSN"
	}
	return dsn
}

// Schema is the PostgreSQL schema this Platform's data lives in ("" on
// SQLite).
func (p *Platform) Schema() string {
	if p.dsn == "" {
		return ""
	}
	if u, err := url.Parse(p.dsn); err == nil && u.Query().Get("search_path") != "" {
		return u.Query().Get("search_path")
	}
	if i := strings.LastIndex(p.dsn, "search_path="); i >= 0 {
		return p.dsn[i+len("search_path="):]
	}
	return ""
}
