package migrate

import (
	"context"
	"errors"

	"github.com/rpkit-vn/rpkit/rbac"
)

var errProbe = errors.New("migrate: probe")

// sharedTx reports whether rbac's store runs its transactions on the
// application's database (its Tx implements SQLTx). It asks once, with an
// empty transaction that is rolled back.
func (c *Converter) sharedTx(ctx context.Context) bool {
	switch c.shared.Load() {
	case 1:
		return true
	case 2:
		return false
	}
	_ = c.store.Update(ctx, func(tx rbac.Tx) error {
		if st, ok := tx.(SQLTx); ok {
			if _, d := st.SQLQuerier(); d == c.d {
				c.shared.Store(1)
				return errProbe
			}
		}
		c.shared.Store(2)
		return errProbe
	})
	return c.shared.Load() == 1
}

func sqlOf(tx rbac.Tx) Querier {
	q, _ := tx.(SQLTx).SQLQuerier()
	return q
}

// executeShared runs every step of the conversion in one rbac
// transaction, which is also the application's: it commits whole or not
// at all, and the journal row it leaves is already done.
func (c *Converter) executeShared(ctx context.Context, req Request, self bool) (*Conversion, error) {
	var out *Conversion
	err := c.store.Update(ctx, func(tx rbac.Tx) error {
		q := sqlOf(tx)
		if j, err := c.loadJournal(ctx, q, req.ID, true); err == nil {
			if j.Kind != req.Kind || j.From != req.From || j.To != req.To {
				return conflict("conversion %s exists for another request", req.ID)
			}
			out = &j.Conversion
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		j, err := c.begin(ctx, q, tx, req, self)
		if err != nil {
			return err
		}
		if err := c.moveApp(ctx, q, j); err != nil {
			return err
		}
		if err := c.moveRights(tx, j); err != nil {
			return err
		}
		if err := c.markRights(ctx, q, j); err != nil {
			return err
		}
		if err := c.finish(ctx, q, j); err != nil {
			return err
		}
		out = &j.Conversion
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out.State != StateDone {
		return c.Resume(ctx, out.ID) // begun by a journal-mode run
	}
	return out, nil
}

// revertShared is Revert in one transaction.
func (c *Converter) revertShared(ctx context.Context, actor, id, reason string) (*Conversion, error) {
	var out *Conversion
	err := c.store.Update(ctx, func(tx rbac.Tx) error {
		q := sqlOf(tx)
		j, err := c.loadJournal(ctx, q, id, true)
		if err != nil {
			return err
		}
		if err := c.beginRevert(ctx, q, tx, j, actor, reason); err != nil {
			return err
		}
		if err := c.revertRights(tx, j); err != nil {
			return err
		}
		if err := c.endRevert(ctx, q, j); err != nil {
			return err
		}
		out = &j.Conversion
		return nil
	})
	return out, err
}
