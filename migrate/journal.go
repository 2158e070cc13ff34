package migrate

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rpkit-vn/rpkit/rbac"
)

// journalRow is what the journal keeps beyond the public Conversion.
type journalRow struct {
	Conversion
	// AuditMark is rbac's last audit Seq when the current phase began:
	// the rights step looks for its own entry after it, which makes the
	// step idempotent across a crash.
	AuditMark uint64
	Phases    map[State]int64
	// RevertActor and RevertReason: who asked for the revert, and why.
	RevertActor, RevertReason string
}

func (j *journalRow) doc() movedDoc {
	return movedDoc{Moved: j.Moved, AuditMark: j.AuditMark, Phases: j.Phases, RevertActor: j.RevertActor, RevertReason: j.RevertReason}
}

type movedDoc struct {
	Moved     map[string]Moved `json:"moved,omitempty"`
	AuditMark uint64           `json:"audit_mark"`
	Phases    map[State]int64  `json:"phases,omitempty"` // when each state was reached (unix µs)
	// Revert's actor and reason, while and after it runs.
	RevertActor  string `json:"revert_actor,omitempty"`
	RevertReason string `json:"revert_reason,omitempty"`
}

func joinSubs(s []rbac.SubsystemID) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = string(v)
	}
	return strings.Join(parts, ",")
}

func splitSubs(s string) []rbac.SubsystemID {
	if s == "" {
		return nil
	}
	var out []rbac.SubsystemID
	for _, p := range strings.Split(s, ",") {
		out = append(out, rbac.SubsystemID(p))
	}
	return out
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMicro(n).UTC()
}

func (c *Converter) insertJournal(ctx context.Context, q Querier, j *journalRow) error {
	args, err := journalArgs(j)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, c.d.rebind(journalInsert+journalValues), args...)
	if err != nil {
		if isUniqueViolation(err) {
			return conflict("conversion %s exists", j.ID)
		}
		return fmt.Errorf("migrate: journal insert: %w", err)
	}
	return nil
}

const (
	journalInsert = `INSERT INTO rpkit_conversions (id, kind, from_account, to_account, subsystems, actor, reason,
		state, plan, moved, error, created_at, updated_at, done_at) VALUES `
	journalValues = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	journalCols   = 14
)

// journalArgs are j's values for journalInsert, its phases reset to its
// current state.
func journalArgs(j *journalRow) ([]any, error) {
	j.Phases = map[State]int64{j.State: micros(j.UpdatedAt)}
	plan, err := json.Marshal(j.Plan)
	if err != nil {
		return nil, err
	}
	moved, err := json.Marshal(j.doc())
	if err != nil {
		return nil, err
	}
	return []any{j.ID, string(j.Kind), j.From, j.To, joinSubs(j.Subsystems), j.Actor, j.Reason, string(j.State), string(plan), string(moved),
		j.Error, micros(j.CreatedAt), micros(j.UpdatedAt), micros(j.DoneAt)}, nil
}

// insertJournals queues insertJournal for many rows, in multi-row
// INSERTs. (A journal row already there fails the flush; the batch then
// runs row by row, where insertJournal tells the conflict.)
func (c *Converter) insertJournals(p *pipe, js []*journalRow) error {
	return chunks(len(js), maxParams/journalCols, func(lo, hi int) error {
		args := make([]any, 0, (hi-lo)*journalCols)
		for _, j := range js[lo:hi] {
			a, err := journalArgs(j)
			if err != nil {
				return err
			}
			args = append(args, a...)
		}
		query := journalInsert + journalValues + strings.Repeat(", "+journalValues, hi-lo-1)
		p.exec("journal insert", c.d.rebind(query), args, nil)
		return nil
	})
}

// loadJournal reads conversion id; forUpdate locks the row on PostgreSQL
// so that two processes resuming the same conversion take turns.
func (c *Converter) loadJournal(ctx context.Context, q Querier, id string, forUpdate bool) (*journalRow, error) {
	query := `SELECT id, kind, from_account, to_account, subsystems, actor, reason, state, plan, moved, error, created_at, updated_at, done_at
		FROM rpkit_conversions WHERE id = ?`
	if forUpdate && c.d == Postgres {
		query += " FOR UPDATE"
	}
	var j journalRow
	var kind, subs, state, plan, moved string
	var created, updated, done int64
	err := q.QueryRowContext(ctx, c.d.rebind(query), id).Scan(&j.ID, &kind, &j.From, &j.To, &subs, &j.Actor, &j.Reason, &state,
		&plan, &moved, &j.Error, &created, &updated, &done)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: conversion %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("migrate: journal read: %w", err)
	}
	j.Kind, j.Subsystems, j.State = Kind(kind), splitSubs(subs), State(state)
	j.CreatedAt, j.UpdatedAt, j.DoneAt = fromMicros(created), fromMicros(updated), fromMicros(done)
	if err := json.Unmarshal([]byte(plan), &j.Plan); err != nil {
		return nil, fmt.Errorf("migrate: journal plan of %s: %w", id, err)
	}
	var md movedDoc
	if err := json.Unmarshal([]byte(moved), &md); err != nil {
		return nil, fmt.Errorf("migrate: journal moved of %s: %w", id, err)
	}
	j.Moved, j.AuditMark, j.Phases, j.RevertActor, j.RevertReason = md.Moved, md.AuditMark, md.Phases, md.RevertActor, md.RevertReason
	if j.Phases == nil {
		j.Phases = map[State]int64{}
	}
	return &j, nil
}

// setState moves j from state `from` to j.State, failing with ErrConflict
// if another process moved it first.
func (c *Converter) setState(ctx context.Context, q Querier, j *journalRow, from State) error {
	j.Phases[j.State] = micros(j.UpdatedAt)
	moved, err := json.Marshal(j.doc())
	if err != nil {
		return err
	}
	res, err := q.ExecContext(ctx, c.d.rebind(`UPDATE rpkit_conversions SET state = ?, moved = ?, error = ?, updated_at = ?, done_at = ?
		WHERE id = ? AND state = ?`), string(j.State), string(moved), j.Error, micros(j.UpdatedAt), micros(j.DoneAt), j.ID, string(from))
	if err != nil {
		return fmt.Errorf("migrate: journal update: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return conflict("conversion %s is no longer %s", j.ID, from)
	}
	return nil
}

func legacyKey(u string) string { return "legacy:" + u }
func vnKey(t string) string     { return "vn:" + t }

func (j *journalRow) lockKeys() []string { return lockKeys(j.Kind, j.From, j.To) }

// lockKeys are the lock rows of a conversion: both accounts.
func lockKeys(kind Kind, from, to string) []string {
	k := vnKey(from)
	if kind == FromLegacy {
		k = legacyKey(from)
	}
	return []string{k, vnKey(to)}
}

// lock takes the accounts' lock rows for conversion id, or fails with a
// *PreconditionError (CodeInFlight) naming the conversion that holds one.
func (c *Converter) lock(ctx context.Context, q Querier, id string, keys []string) error {
	for _, k := range keys {
		var holder string
		err := q.QueryRowContext(ctx, c.d.rebind(`SELECT conversion_id FROM rpkit_conversion_locks WHERE account = ?`), k).Scan(&holder)
		switch {
		case err == nil && holder == id:
			continue
		case err == nil:
			return precond(CodeInFlight, "", "account %s is being converted (conversion %s)", k, holder)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("migrate: lock read: %w", err)
		}
		if _, err := q.ExecContext(ctx, c.d.rebind(`INSERT INTO rpkit_conversion_locks (account, conversion_id) VALUES (?, ?)`), k, id); err != nil {
			if isUniqueViolation(err) {
				return precond(CodeInFlight, "", "account %s is being converted by another conversion", k)
			}
			return fmt.Errorf("migrate: lock: %w", err)
		}
	}
	return nil
}

func (c *Converter) unlock(ctx context.Context, q Querier, id string) error {
	if _, err := q.ExecContext(ctx, c.d.rebind(`DELETE FROM rpkit_conversion_locks WHERE conversion_id = ?`), id); err != nil {
		return fmt.Errorf("migrate: unlock: %w", err)
	}
	return nil
}

// Get returns conversion id from the journal.
func (c *Converter) Get(ctx context.Context, id string) (*Conversion, error) {
	var out *Conversion
	err := c.appTx(ctx, func(q Querier) error {
		j, err := c.loadJournal(ctx, q, id, false)
		if err == nil {
			out = &j.Conversion
		}
		return err
	})
	return out, err
}

// Unfinished lists the IDs of conversions that a crash may have left
// between states (anything but done, failed, reverted), oldest first: a
// process calls Resume on each at start-up.
func (c *Converter) Unfinished(ctx context.Context) ([]string, error) {
	rows, err := c.db.QueryContext(ctx, c.d.rebind(`SELECT id FROM rpkit_conversions WHERE state NOT IN (?, ?, ?) ORDER BY created_at, id`),
		string(StateDone), string(StateFailed), string(StateReverted))
	if err != nil {
		return nil, fmt.Errorf("migrate: unfinished: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// convertedFrom reports a done conversion of a Vnconnect source that
// covers one of subs (nil: any).
func (c *Converter) convertedFrom(ctx context.Context, q Querier, kind Kind, from string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, c.d.rebind(`SELECT id FROM rpkit_conversions WHERE from_account = ? AND kind = ? AND state = ? ORDER BY created_at DESC LIMIT 1`),
		from, string(kind), string(StateDone)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}
