package migrate

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/sqlstore"
)

// TxMode says how a conversion commits (Config.Transactions).
type TxMode int

const (
	// TxAuto (the zero value) runs each conversion in one transaction when
	// rbac's store is proven to share the application's database, and
	// through the journal otherwise. The proof is made once per Converter,
	// by the probe described at TxShared; anything short of proof means the
	// journal, which is correct on any pair of databases.
	TxAuto TxMode = iota
	// TxJournal always uses the journal: planned → moved-app →
	// moved-rights → done, each a committed step.
	TxJournal
	// TxShared requires the shared path and fails with ErrNotShared when it
	// is not available. It is available when rbac's store is
	// rbac/sqlstore (whose Update hands out its SQL transaction, see
	// sqlstore.SQLTx) on the same dialect, and when that transaction sees a
	// row this Converter has just committed to Config.DB: a random key
	// written to the journal's lock table and looked up from inside an
	// rbac Update. A DSN comparison could not tell two databases behind
	// one host name apart, nor one database behind two names; the row can.
	TxShared
)

func (m TxMode) String() string {
	switch m {
	case TxAuto:
		return "auto"
	case TxJournal:
		return "journal"
	case TxShared:
		return "shared"
	}
	return fmt.Sprintf("TxMode(%d)", int(m))
}

// ErrNotShared: Config.Transactions is TxShared but rbac's store does not
// run its transactions on the application's database.
var ErrNotShared = errors.New("migrate: rbac's store does not share the application's database")

// errProbe rolls the probe's Update back.
var errProbe = errors.New("migrate: probe")

// Probe results cached in Converter.shared.
const (
	probeUnknown int32 = iota
	probeShared
	probeApart
)

// sharedTx reports whether conversions take the shared path. A probe that
// fails for a passing reason (the database down, ctx cancelled) is not
// cached and returns the error.
func (c *Converter) sharedTx(ctx context.Context) (bool, error) {
	if c.mode == TxJournal {
		return false, nil
	}
	switch c.shared.Load() {
	case probeShared:
		return true, nil
	case probeApart:
		if c.mode == TxShared {
			return false, ErrNotShared
		}
		return false, nil
	}
	same, err := c.probe(ctx)
	if err != nil {
		return false, err
	}
	if same {
		c.shared.Store(probeShared)
	} else {
		c.shared.Store(probeApart)
	}
	return c.sharedTx(ctx)
}

// probe writes a random lock row to Config.DB, looks for it from inside an
// rbac Update, and removes it. The row names no account a conversion could
// hold ("probe:" prefix), and the Update writes nothing.
func (c *Converter) probe(ctx context.Context) (bool, error) {
	var b [12]byte
	if _, err := io.ReadFull(c.rand, b[:]); err != nil {
		return false, fmt.Errorf("migrate: probe id: %w", err)
	}
	key := "probe:" + hex.EncodeToString(b[:])
	if _, err := c.db.ExecContext(ctx, c.d.rebind(`INSERT INTO rpkit_conversion_locks (account, conversion_id) VALUES (?, ?)`), key, key); err != nil {
		return false, fmt.Errorf("migrate: probe: %w", err)
	}
	defer func() {
		_, _ = c.db.ExecContext(context.WithoutCancel(ctx), c.d.rebind(`DELETE FROM rpkit_conversion_locks WHERE account = ?`), key)
	}()
	same := false
	err := c.store.Update(ctx, func(tx rbac.Tx) error {
		same = false
		q, d, ok := sqlTxOf(tx)
		if !ok || d != c.d.String() {
			return errProbe
		}
		var got string
		// An error here (no such table: another database) is an answer,
		// not a failure.
		if q.QueryRowContext(ctx, c.d.rebind(`SELECT conversion_id FROM rpkit_conversion_locks WHERE account = ?`), key).Scan(&got) == nil {
			same = got == key
		}
		return errProbe
	})
	if err != nil && !errors.Is(err, errProbe) {
		return false, err
	}
	return same, nil
}

// sqlTxOf is the SQL transaction behind an rbac Update: rbac/sqlstore's,
// or that of a store implementing the older SQLTx interface.
func sqlTxOf(tx rbac.Tx) (Querier, string, bool) {
	if q, d, ok := sqlstore.SQLTx(tx); ok {
		return q, d, true
	}
	if st, ok := tx.(SQLTx); ok {
		q, d := st.SQLQuerier()
		return q, d.String(), true
	}
	return nil, "", false
}

// sqlOf is sqlTxOf for a transaction the probe already accepted.
func sqlOf(tx rbac.Tx) (Querier, error) {
	q, _, ok := sqlTxOf(tx)
	if !ok {
		return nil, ErrNotShared
	}
	return q, nil
}
