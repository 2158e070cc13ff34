package migrate

import (
	"errors"

	"github.com/rpkit-vn/rpkit/rbac"
)

// Audit actions this package writes to rbac's audit chain, through
// rbac.Service.AuditTx. Each is appended inside the rbac transaction that
// changes the rights, so the chain never says something that did not
// happen (or misses something that did).
const (
	AuditConvert  = "migrate.convert"
	AuditRevert   = "migrate.revert"
	AuditRollback = "migrate.rollback"
)

func auditTarget(id string) string { return "conversion:" + id }

// lastSeq is the Seq of rbac's newest audit entry (0 for none).
func lastSeq(rv rbac.ReadTx) (uint64, error) {
	last, err := rv.LastAudit()
	if errors.Is(err, rbac.ErrNotFound) {
		return 0, nil
	}
	return last.Seq, err
}

// audited reports whether the chain holds action on target after mark:
// the rights steps' proof that they already ran (the rbac commit and the
// journal's are two transactions; a crash may fall between them).
func audited(rv rbac.ReadTx, mark uint64, target, action string) (bool, error) {
	const page = 500
	for {
		es, err := rv.Audit(mark, page)
		if err != nil {
			return false, err
		}
		for _, e := range es {
			if e.Target == target && e.Action == action {
				return true, nil
			}
		}
		if len(es) < page {
			return false, nil
		}
		mark = es[len(es)-1].Seq
	}
}
