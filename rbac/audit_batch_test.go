package rbac_test

import (
	"errors"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
)

// TestAuditBatchTx: a batch ends the log as one AuditTx per record would,
// on a store without AuditAppender (the memory store), and a refused
// record keeps the whole batch out.
func TestAuditBatchTx(t *testing.T) {
	c := newCast(t)
	w, ctx, svc := c.w, c.w.Ctx, c.w.Svc
	before := w.VerifyChain()
	recs := []rbac.AuditRecord{
		{Actor: c.l3, Action: "migrate.convert", Target: "conversion:c1", Reason: "chuyển đổi", Details: map[string]string{"from": "a"}},
		{Actor: c.l3, Action: "migrate.convert", Target: "conversion:c2", Reason: "chuyển đổi"},
		{Actor: c.l2, Action: "migrate.verify", Target: "conversion:c1", Reason: "kiểm tra"},
	}
	w.Must(svc.Store().Update(ctx, func(tx rbac.Tx) error { return svc.AuditBatchTx(tx, recs) }))
	w.Must(svc.Store().Update(ctx, func(tx rbac.Tx) error { return svc.AuditBatchTx(tx, nil) }))
	if n := w.VerifyChain(); n != before+3 {
		t.Fatalf("chain has %d entries, want %d", n, before+3)
	}
	var got []rbac.AuditEntry
	w.Must(svc.Store().View(ctx, func(tx rbac.ReadTx) error {
		var err error
		got, err = tx.Audit(before, 0)
		return err
	}))
	for i, e := range got {
		r := recs[i]
		if e.Seq != before+uint64(i)+1 || e.Actor != r.Actor || e.Action != r.Action || e.Target != r.Target || e.Reason != r.Reason ||
			e.Details["from"] != r.Details["from"] {
			t.Errorf("entry %d = %+v, want %+v", i, e, r)
		}
	}
	bad := append(recs[:1:1], rbac.AuditRecord{Actor: c.l3, Action: string(rbac.ActGrant), Target: "t", Reason: "giả mạo"})
	err := svc.Store().Update(ctx, func(tx rbac.Tx) error { return svc.AuditBatchTx(tx, bad) })
	if !errors.Is(err, rbac.ErrInvalid) {
		t.Errorf("batch with rbac's own action: %v, want ErrInvalid", err)
	}
	if n := w.VerifyChain(); n != before+3 {
		t.Errorf("a refused batch reached the chain: %d entries", n)
	}
}
