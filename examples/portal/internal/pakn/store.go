package pakn

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/rpkit-vn/rpkit/internal/sqldialect"
	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/rpkit-vn/rpkit/rbac"
)

// Table is the feedback cases' table. Its owner column holds the account
// handling a case — a legacy username before conversion, a TechID after —
// and is what a conversion moves (Movers).
const Table = "feedback"

// MoverName names the PAKN mover in conversion plans and the journal; it
// must not change once conversions have been recorded.
const MoverName = "pakn"

// States of a case, as the PAKN screens show them.
const (
	StateNew      = "Mới tiếp nhận"
	StateWorking  = "Đang xử lý"
	StateAnswered = "Đã trả lời"
)

// Limits of what a form may hold (runes).
const (
	MaxTitle   = 200
	MaxContent = 5000
	MaxAnswer  = 5000
)

// Case is one feedback case (phản ánh, kiến nghị).
type Case struct {
	ID          int64
	Ref         string // a stable key for seeded cases ("" for submitted ones): Seed skips refs it has
	Citizen     string // the submitter's TechID
	CitizenName string
	Title       string
	Content     string
	Unit        rbac.UnitID // the unit it concerns
	Owner       string      // the staff account handling it ("" until someone takes it)
	State       string
	Answer      string
	AnsweredBy  string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func schema(d migrate.Dialect) []string {
	id := "INTEGER PRIMARY KEY"
	if d == migrate.Postgres {
		id = "BIGSERIAL PRIMARY KEY"
	}
	return []string{
		`CREATE TABLE IF NOT EXISTS feedback (
			id ` + id + `,
			ref TEXT,
			citizen TEXT NOT NULL,
			citizen_name TEXT NOT NULL,
			title TEXT NOT NULL,
			content TEXT NOT NULL,
			unit_id TEXT NOT NULL,
			owner TEXT NOT NULL DEFAULT '',
			subsystem TEXT NOT NULL DEFAULT 'pakn',
			state TEXT NOT NULL,
			answer TEXT NOT NULL DEFAULT '',
			answered_by TEXT NOT NULL DEFAULT '',
			created_at BIGINT NOT NULL,
			updated_at BIGINT NOT NULL
		)`,
		`CREATE UNIQUE INDEX IF NOT EXISTS feedback_ref ON feedback (ref)`,
		`CREATE INDEX IF NOT EXISTS feedback_owner ON feedback (owner)`,
		`CREATE INDEX IF NOT EXISTS feedback_citizen ON feedback (citizen)`,
	}
}

// Migrate creates the feedback table on db if it is missing. It is safe to
// run at every start, on SQLite and on PostgreSQL.
func Migrate(ctx context.Context, db *sql.DB, d migrate.Dialect) error {
	if !sqldialect.Dialect(d).Valid() {
		return fmt.Errorf("pakn: unknown dialect %v", d)
	}
	for _, s := range schema(d) {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("pakn: schema: %w", err)
		}
	}
	return nil
}

// Tables declares where PAKN keeps account references, for a
// migrate.NewSQLMover: the feedback cases' owner, scoped to the pakn
// subsystem (a conversion limited to another subsystem leaves them).
func Tables() []migrate.Table {
	return []migrate.Table{{Name: Table, Owner: "owner", Key: "id", Subsystem: "subsystem"}}
}

// Movers returns the movers a migrate.Converter needs so that converting
// an account moves its feedback cases.
func Movers(d migrate.Dialect) ([]migrate.Mover, error) {
	m, err := migrate.NewSQLMover(MoverName, d, Tables()...)
	if err != nil {
		return nil, err
	}
	return []migrate.Mover{m}, nil
}

// Seed inserts cases, skipping those whose Ref is already stored, so it
// may run at every start (and from every replica). A case without State
// is "Mới tiếp nhận" ("Đang xử lý" when it has an owner); zero times are
// now.
func Seed(ctx context.Context, db *sql.DB, d migrate.Dialect, cases []Case) error {
	s := store{db: db, d: sqldialect.Dialect(d)}
	for _, c := range cases {
		if c.Ref == "" {
			return errors.New("pakn: seeded cases need a Ref")
		}
		if _, err := s.insert(ctx, c, time.Now()); err != nil {
			return err
		}
	}
	return nil
}

// store is the feedback table's queries.
type store struct {
	db *sql.DB
	d  sqldialect.Dialect
}

func micros(t time.Time) int64 { return t.UTC().UnixMicro() }

// insert adds c and returns its id (0 when a seeded Ref was already
// there).
func (s store) insert(ctx context.Context, c Case, now time.Time) (int64, error) {
	if c.State == "" {
		c.State = StateNew
		if c.Owner != "" {
			c.State = StateWorking
		}
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	var ref any
	if c.Ref != "" {
		ref = c.Ref
	}
	q := `INSERT INTO feedback (ref, citizen, citizen_name, title, content, unit_id, owner, subsystem, state, answer, answered_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	if c.Ref != "" {
		q += ` ON CONFLICT (ref) DO NOTHING`
	}
	var id int64
	err := s.db.QueryRowContext(ctx, s.d.Rebind(q+` RETURNING id`), ref, c.Citizen, c.CitizenName, c.Title, c.Content, string(c.Unit),
		c.Owner, string(rbac.SubsystemPAKN), c.State, c.Answer, c.AnsweredBy, micros(c.CreatedAt), micros(c.UpdatedAt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("pakn: insert: %w", err)
	}
	return id, nil
}

const caseCols = `id, COALESCE(ref, ''), citizen, citizen_name, title, content, unit_id, owner, state, answer, answered_by, created_at, updated_at`

func scanCase(sc interface{ Scan(...any) error }) (Case, error) {
	var c Case
	var unit string
	var created, updated int64
	if err := sc.Scan(&c.ID, &c.Ref, &c.Citizen, &c.CitizenName, &c.Title, &c.Content, &unit, &c.Owner, &c.State, &c.Answer,
		&c.AnsweredBy, &created, &updated); err != nil {
		return Case{}, err
	}
	c.Unit = rbac.UnitID(unit)
	c.CreatedAt, c.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return c, nil
}

// listLimit bounds every list: the demo pages do not page.
const listLimit = 200

func (s store) list(ctx context.Context, where string, args ...any) ([]Case, error) {
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(`SELECT `+caseCols+` FROM feedback WHERE `+where+
		` ORDER BY id DESC LIMIT `+fmt.Sprint(listLimit)), args...)
	if err != nil {
		return nil, fmt.Errorf("pakn: list: %w", err)
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("pakn: list: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ByCitizen lists the cases a citizen submitted, newest first.
func (s store) byCitizen(ctx context.Context, techID string) ([]Case, error) {
	return s.list(ctx, `citizen = ?`, techID)
}

// byOwner lists the cases an account handles, newest first.
func (s store) byOwner(ctx context.Context, owner string) ([]Case, error) {
	return s.list(ctx, `owner = ?`, owner)
}

// unassigned lists the cases nobody has taken yet.
func (s store) unassigned(ctx context.Context) ([]Case, error) {
	return s.list(ctx, `owner = ''`)
}

var errNoCase = errors.New("pakn: no such case")

func (s store) get(ctx context.Context, id int64) (Case, error) {
	c, err := scanCase(s.db.QueryRowContext(ctx, s.d.Rebind(`SELECT `+caseCols+` FROM feedback WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, errNoCase
	}
	return c, err
}

// take gives an unassigned case to owner; false if someone took it first.
func (s store) take(ctx context.Context, id int64, owner string, now time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.d.Rebind(`UPDATE feedback SET owner = ?, state = ?, updated_at = ? WHERE id = ? AND owner = ''`),
		owner, StateWorking, micros(now), id)
	if err != nil {
		return false, fmt.Errorf("pakn: take: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// answer records owner's answer; false if the case is not owner's or was
// answered already.
func (s store) answer(ctx context.Context, id int64, owner, text string, now time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.d.Rebind(`UPDATE feedback SET answer = ?, answered_by = ?, state = ?, updated_at = ?
		WHERE id = ? AND owner = ? AND state <> ?`), text, owner, StateAnswered, micros(now), id, owner, StateAnswered)
	if err != nil {
		return false, fmt.Errorf("pakn: answer: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
