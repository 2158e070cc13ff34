package rbac

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// auditCanon is the hashed form of an entry. Field order is fixed by the
// struct, Details keys are sorted by encoding/json, and Time is RFC 3339
// in UTC with nanosecond digits trimmed, so the same entry always hashes to
// the same bytes, whichever store it came back from.
type auditCanon struct {
	Prev    string            `json:"prev"`
	Seq     uint64            `json:"seq"`
	Time    string            `json:"time"`
	Actor   string            `json:"actor"`
	Action  string            `json:"action"`
	Target  string            `json:"target"`
	Reason  string            `json:"reason"`
	Details map[string]string `json:"details"`
}

// HashEntry returns the hex SHA-256 of e's canonical JSON: (Prev, Seq, Time,
// Actor, Action, Target, Reason, Details). e.Hash itself is not hashed.
func HashEntry(e AuditEntry) string {
	d := e.Details
	if d == nil {
		d = map[string]string{} // nil and empty hash alike: stores may not keep the difference
	}
	b, err := json.Marshal(auditCanon{
		Prev: e.Prev, Seq: e.Seq, Time: e.Time.UTC().Format(time.RFC3339Nano),
		Actor: e.Actor, Action: e.Action, Target: e.Target, Reason: e.Reason, Details: d,
	})
	if err != nil { // strings and a string map always marshal
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// audit appends an entry to the log inside tx, chained to the last one.
func (s *Service) audit(tx Tx, at time.Time, actor string, action Action, target, reason string, details map[string]string) error {
	e := AuditEntry{Seq: 1, Time: at, Actor: actor, Action: string(action), Target: target, Reason: reason, Details: details}
	last, err := tx.LastAudit()
	switch {
	case err == nil:
		e.Seq, e.Prev = last.Seq+1, last.Hash
	case !errors.Is(err, ErrNotFound):
		return err
	}
	e.Hash = HashEntry(e)
	return tx.AppendAudit(e)
}

// AuditTx appends an application's entry to the audit log inside tx, an
// Update of this service's store, chained exactly as the service's own
// entries are (Seq, Prev, Hash, the service's clock): a step the
// application takes together with rights changes — rpkit/migrate's
// conversions — is in the chain if and only if the transaction commits.
//
// action names the application's step ("migrate.convert"); rbac's own
// actions are refused (ErrInvalid), so an entry under one of them was
// always written by a rule-checked path of this package. actor, action and
// reason are required. AuditTx checks no rights: check them with CanTx in
// the same transaction.
func (s *Service) AuditTx(tx Tx, actor, action, target, reason string, details map[string]string) error {
	switch {
	case actor == "" || action == "":
		return invalid("an audit entry needs an actor and an action")
	case reason == "":
		return invalid("a reason is required")
	case Action(action).builtin():
		return invalid("%q is one of rbac's own audit actions", action)
	}
	return s.audit(tx, s.now(), actor, Action(action), target, reason, details)
}

// AuditRecord is one application entry for AuditBatchTx: AuditTx's
// arguments.
type AuditRecord struct {
	Actor, Action, Target, Reason string
	Details                       map[string]string
}

// AuditAppender is an optional Tx interface: AppendAudits appends entries
// that follow one another, checked as AppendAudit checks each (es[0]
// follows the stored tail, every entry the one before it, else an error
// wrapping ErrConflict), in fewer round trips. rbac/sqlstore implements
// it.
type AuditAppender interface {
	AppendAudits(es []AuditEntry) error
}

// AuditBatchTx is AuditTx for several entries at once, appended in order:
// the log ends exactly as it would after one AuditTx per record, each
// validated the same way (nothing is appended if any record is refused).
// The tail is read once and the chain computed here; a store implementing
// AuditAppender takes the entries in one call.
func (s *Service) AuditBatchTx(tx Tx, recs []AuditRecord) error {
	for _, r := range recs {
		switch {
		case r.Actor == "" || r.Action == "":
			return invalid("an audit entry needs an actor and an action")
		case r.Reason == "":
			return invalid("a reason is required")
		case Action(r.Action).builtin():
			return invalid("%q is one of rbac's own audit actions", r.Action)
		}
	}
	if len(recs) == 0 {
		return nil
	}
	var seq uint64
	var prev string
	last, err := tx.LastAudit()
	switch {
	case err == nil:
		seq, prev = last.Seq, last.Hash
	case !errors.Is(err, ErrNotFound):
		return err
	}
	es := make([]AuditEntry, len(recs))
	for i, r := range recs {
		seq++
		e := AuditEntry{Seq: seq, Prev: prev, Time: s.now(), Actor: r.Actor, Action: r.Action, Target: r.Target, Reason: r.Reason, Details: r.Details}
		e.Hash = HashEntry(e)
		es[i], prev = e, e.Hash
	}
	if a, ok := tx.(AuditAppender); ok {
		return a.AppendAudits(es)
	}
	for _, e := range es {
		if err := tx.AppendAudit(e); err != nil {
			return err
		}
	}
	return nil
}

// ErrChainBroken: the audit log fails verification. The error is a
// *ChainError naming the first bad entry.
var ErrChainBroken = errors.New("rbac: audit chain broken")

// ChainError names the first audit entry that does not verify.
type ChainError struct {
	Seq    uint64 // the first broken entry
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("%v at entry %d: %s", ErrChainBroken, e.Seq, e.Reason)
}

// Unwrap returns ErrChainBroken.
func (e *ChainError) Unwrap() error { return ErrChainBroken }

// ChainVerifier checks entries one at a time, in order.
type ChainVerifier struct {
	seq  uint64
	hash string
}

// Next checks the entry that should follow the previous one.
func (v *ChainVerifier) Next(e AuditEntry) error {
	switch {
	case e.Seq != v.seq+1:
		return &ChainError{Seq: v.seq + 1, Reason: fmt.Sprintf("sequence jumps to %d", e.Seq)}
	case e.Prev != v.hash:
		return &ChainError{Seq: e.Seq, Reason: "does not link to the previous entry's hash"}
	case HashEntry(e) != e.Hash:
		return &ChainError{Seq: e.Seq, Reason: "content does not match its hash"}
	}
	v.seq, v.hash = e.Seq, e.Hash
	return nil
}

// Count returns how many entries verified so far, and the last hash.
func (v *ChainVerifier) Count() (uint64, string) { return v.seq, v.hash }

// VerifyEntries verifies a whole chain held in memory, starting at Seq 1.
func VerifyEntries(entries []AuditEntry) error {
	var v ChainVerifier
	for _, e := range entries {
		if err := v.Next(e); err != nil {
			return err
		}
	}
	return nil
}

// auditPage is how many entries VerifyChain and ExportAudit read at a time.
const auditPage = 1000

// VerifyChain verifies the store's whole audit log and returns the number
// of entries, or a *ChainError naming the first broken one.
func (s *Service) VerifyChain(ctx context.Context) (uint64, error) {
	var v ChainVerifier
	err := s.eachAudit(ctx, 0, func(e AuditEntry) error { return v.Next(e) })
	n, _ := v.Count()
	return n, err
}

// ExportAudit writes the entries after Seq `after` as JSON lines, one
// AuditEntry per line, in order. VerifyJSONLines checks such an export.
func (s *Service) ExportAudit(ctx context.Context, w io.Writer, after uint64) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := s.eachAudit(ctx, after, func(e AuditEntry) error { return enc.Encode(e) }); err != nil {
		return err
	}
	return bw.Flush()
}

// ExportAuditAs is ExportAudit for an actor: the log names every account
// and unit, so only the platform operator may read it (ActExportAudit). A
// refusal is returned before anything is written to w.
func (s *Service) ExportAuditAs(ctx context.Context, actor string, w io.Writer, after uint64) error {
	// Operator-only actions read nothing, so no transaction is needed.
	if err := s.can(nil, actor, ActExportAudit, Target{}); err != nil {
		return err
	}
	return s.ExportAudit(ctx, w, after)
}

func (s *Service) eachAudit(ctx context.Context, after uint64, fn func(AuditEntry) error) error {
	for {
		var page []AuditEntry
		if err := s.store.View(ctx, func(tx ReadTx) error {
			var err error
			page, err = tx.Audit(after, auditPage)
			return err
		}); err != nil {
			return err
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) < auditPage {
			return nil
		}
		after = page[len(page)-1].Seq
	}
}

// VerifyJSONLines verifies an export of the whole log (from entry 1) and
// returns the number of entries and the last hash, which a verifier can
// compare with one it kept elsewhere (truncation at the end is otherwise
// undetectable).
func VerifyJSONLines(r io.Reader) (uint64, string, error) {
	var v ChainVerifier
	dec := json.NewDecoder(r)
	for {
		var e AuditEntry
		err := dec.Decode(&e)
		if err == io.EOF {
			break
		}
		if err != nil {
			n, _ := v.Count()
			return n, "", &ChainError{Seq: n + 1, Reason: "unreadable: " + err.Error()}
		}
		if err := v.Next(e); err != nil {
			n, _ := v.Count()
			return n, "", err
		}
	}
	n, h := v.Count()
	return n, h, nil
}
