package sqlstore

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
)

// The audit log is INSERT-only. Its chain shape is checked here (Seq follows,
// Prev is the last Hash); the hashes themselves are rbac's business. seq is
// the primary key, so of two concurrent appends of the same position one
// fails: PostgreSQL reports that as a serialization failure under
// SERIALIZABLE and the loser's whole Update runs again on the new tail.

const auditCols = `seq, at, actor, action, target, reason, details, prev, hash`

func scanAudit(r scanner) (rbac.AuditEntry, error) {
	var e rbac.AuditEntry
	var seq int64
	var at sql.NullInt64
	var details sql.NullString
	if err := r.Scan(&seq, &at, &e.Actor, &e.Action, &e.Target, &e.Reason, &details, &e.Prev, &e.Hash); err != nil {
		return e, err
	}
	e.Seq, e.Time = uint64(seq), tsVal(at)
	if details.Valid {
		return e, jsonVal(details.String, &e.Details)
	}
	return e, nil
}

func (t *tx) LastAudit() (rbac.AuditEntry, error) {
	if tl := t.tail; tl != nil && tl.last != nil {
		return *tl.last, nil
	} else if tl != nil && tl.empty {
		return rbac.AuditEntry{}, t.c.fail("last audit entry", sql.ErrNoRows)
	}
	e, err := scanAudit(t.c.queryRow(`SELECT ` + auditCols + ` FROM audit_log ORDER BY seq DESC LIMIT 1`))
	switch {
	case err == nil:
		t.tail = &auditTail{seq: int64(e.Seq), hash: e.Hash, last: &e}
	case err == sql.ErrNoRows:
		t.tail = &auditTail{empty: true}
	}
	return e, t.c.fail("last audit entry", err)
}

// auditTail is the log's last entry as this transaction knows it: read by
// LastAudit (or PrefetchReads), moved by the appends. The snapshot does
// not move and the log changes only through those methods, so the appends
// that follow a LastAudit (rbac's audit calls always make one first)
// check their chain against it instead of reading the tail again, and
// LastAudit answers from it until an append. seq 0: the log is empty.
type auditTail struct {
	seq  int64
	hash string
	// last is the entry as read (nil after an append: LastAudit reads
	// it back); empty says the log was read empty.
	last  *rbac.AuditEntry
	empty bool
}

// auditTail returns the log's tail: the one remembered, or read.
func (t *tx) auditTail() (int64, string, error) {
	if t.tail != nil {
		return t.tail.seq, t.tail.hash, nil
	}
	var lastSeq int64
	var lastHash string
	err := t.c.queryRow(`SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&lastSeq, &lastHash)
	if err != nil && err != sql.ErrNoRows {
		return 0, "", t.c.fail("audit tail", err)
	}
	return lastSeq, lastHash, nil
}

func (t *tx) Audit(after uint64, limit int) ([]rbac.AuditEntry, error) {
	q := `SELECT ` + auditCols + ` FROM audit_log WHERE seq > ? ORDER BY seq`
	args := []any{int64(after)}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	es, err := queryAll(t.c, scanAudit, q, args...)
	return es, t.c.fail("audit entries", err)
}

func (t *tx) AppendAudit(e rbac.AuditEntry) error {
	lastSeq, lastHash, err := t.auditTail()
	if err != nil {
		return err
	}
	if e.Seq != uint64(lastSeq)+1 || e.Prev != lastHash {
		return fmt.Errorf("%w: audit entry %d does not follow entry %d", rbac.ErrConflict, e.Seq, lastSeq)
	}
	details, err := detailsArg(e.Details)
	if err != nil {
		return err
	}
	t.tail = nil // known again only once the INSERT is
	_, err = t.c.exec(`INSERT INTO audit_log (`+auditCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		int64(e.Seq), tsArg(e.Time), e.Actor, e.Action, e.Target, e.Reason, details, e.Prev, e.Hash)
	if err == nil {
		t.tail = &auditTail{seq: int64(e.Seq), hash: e.Hash}
	}
	return t.c.fail(fmt.Sprintf("append audit entry %d", e.Seq), err)
}

var _ rbac.AuditAppender = (*tx)(nil)

// auditChunk bounds the entries one INSERT carries (nine placeholders
// each).
const auditChunk = 500

// AppendAudits implements rbac.AuditAppender: the same checks as
// AppendAudit entry by entry — es[0] follows the stored tail, each entry
// the one before — then multi-row INSERTs.
func (t *tx) AppendAudits(es []rbac.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	lastSeq, lastHash, err := t.auditTail()
	if err != nil {
		return err
	}
	seq, hash := uint64(lastSeq), lastHash
	for _, e := range es {
		if e.Seq != seq+1 || e.Prev != hash {
			return fmt.Errorf("%w: audit entry %d does not follow entry %d", rbac.ErrConflict, e.Seq, seq)
		}
		seq, hash = e.Seq, e.Hash
	}
	t.tail = nil // known again only once every INSERT is
	last := es[len(es)-1]
	for len(es) > 0 {
		n := min(len(es), auditChunk)
		args := make([]any, 0, 9*n)
		for _, e := range es[:n] {
			details, err := detailsArg(e.Details)
			if err != nil {
				return err
			}
			args = append(args, int64(e.Seq), tsArg(e.Time), e.Actor, e.Action, e.Target, e.Reason, details, e.Prev, e.Hash)
		}
		q := `INSERT INTO audit_log (` + auditCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)` +
			strings.Repeat(`, (?, ?, ?, ?, ?, ?, ?, ?, ?)`, n-1)
		if _, err := t.c.exec(q, args...); err != nil {
			return t.c.fail(fmt.Sprintf("append audit entries %d–%d", es[0].Seq, es[n-1].Seq), err)
		}
		es = es[n:]
	}
	t.tail = &auditTail{seq: int64(last.Seq), hash: last.Hash}
	return nil
}

// detailsArg is an entry's details as stored: JSON, or NULL when there are
// none.
func detailsArg(d map[string]string) (any, error) {
	if d == nil {
		return nil, nil
	}
	return jsonArg(d)
}
