package sqlstore

import (
	"context"

	"github.com/rpkit-vn/rpkit/rbac"
)

var _ rbac.Store = (*Store)(nil)

// View implements rbac.Store: fn reads one consistent snapshot.
func (s *Store) View(ctx context.Context, fn func(tx rbac.ReadTx) error) error {
	return s.read(ctx, func(c *conn) error { return fn(&tx{c: c}) })
}

// Update implements rbac.Store: fn runs in one serializable transaction
// (PostgreSQL SERIALIZABLE, SQLite BEGIN IMMEDIATE) and is run again, up to
// Config.MaxAttempts times, when PostgreSQL reports a serialization failure
// or deadlock. If fn returns an error or panics, everything it wrote is
// rolled back. The audit entry fn appends commits with the rest, or not at
// all.
func (s *Store) Update(ctx context.Context, fn func(tx rbac.Tx) error) error {
	return s.write(ctx, func(c *conn) error { return fn(&tx{c: c, write: true}) })
}

// tx implements rbac.Tx (and so rbac.ReadTx) on one SQL transaction. Its
// methods are spread over the files named after what they store.
type tx struct {
	c *conn
	// write is set for Update's transactions, the only ones SQLTx hands
	// out: a View's snapshot is read-only and always rolled back.
	write bool
	// accounts holds the accounts ListMemberships read along with its
	// page, for Account to answer without a round trip. It is exact for
	// the transaction's lifetime: the snapshot does not move, and
	// PutAccount drops what it replaces.
	accounts map[string]rbac.Account
	// reads remembers what the rules read (fastread.go): exact for the
	// transaction's lifetime in the same way, each Put and Delete dropping
	// what it changes.
	reads readCache
	// tail is the audit log's last entry, once LastAudit has read it
	// (audit.go).
	tail *auditTail
}

func (t *tx) cacheAccount(a rbac.Account) {
	if t.accounts == nil {
		t.accounts = make(map[string]rbac.Account)
	}
	t.accounts[a.TechID] = a
}

var _ rbac.Tx = (*tx)(nil)
