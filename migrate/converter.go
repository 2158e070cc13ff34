package migrate

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// DefaultRevertWindow is how long after a conversion Revert still works
// when Config.RevertWindow is zero.
const DefaultRevertWindow = 30 * 24 * time.Hour

// Config configures a Converter. DB, Dialect and RBAC are required; every
// other field has a safe default.
type Config struct {
	// DB is the application's database: its data, the legacy accounts and
	// the conversion journal (see Migrate).
	DB      *sql.DB
	Dialect Dialect
	// RBAC is the rights service: memberships move through its store and
	// every conversion is written to its audit chain.
	RBAC *rbac.Service
	// Directory, when set, re-checks on Vnconnect that the target still
	// exists (by the CCCD/CMND saved with its rbac account).
	Directory vnconnect.Directory
	// Legacy holds the username/password accounts; nil refuses FromLegacy.
	Legacy LegacyAccounts
	// Movers move the application's data. None: only rights move.
	Movers []Mover
	// RevertWindow: zero means DefaultRevertWindow; negative disables
	// Revert.
	RevertWindow time.Duration
	// Clock defaults to the system clock; Rand (conversion IDs) to
	// crypto/rand.
	Clock rbac.Clock
	Rand  io.Reader
	// Transactions chooses between one transaction per conversion and
	// the journal; the zero value, TxAuto, takes one transaction when rbac's
	// store is proven to share DB (see TxShared for the proof).
	Transactions TxMode
	// MaxAttempts bounds retries of a journal transaction that lost a
	// serialization race or met a busy SQLite; zero means 10.
	MaxAttempts int
}

// Converter runs account conversions. It is safe for concurrent use, and
// several Converters (in several processes) may share one database: the
// journal's lock rows keep them apart.
type Converter struct {
	db          *sql.DB
	d           Dialect
	svc         *rbac.Service
	store       rbac.Store
	dir         vnconnect.Directory
	legacy      LegacyAccounts
	movers      []Mover
	window      time.Duration
	clock       rbac.Clock
	rand        io.Reader
	maxAttempts int
	mode        TxMode
	// shared caches the probe's answer (probeUnknown, probeShared,
	// probeApart).
	shared atomic.Int32
}

// New returns a Converter for cfg.
func New(cfg Config) (*Converter, error) {
	if cfg.DB == nil {
		return nil, invalid("Config.DB is required")
	}
	if !cfg.Dialect.valid() {
		return nil, invalid("Config.Dialect is required")
	}
	if cfg.RBAC == nil {
		return nil, invalid("Config.RBAC is required")
	}
	c := &Converter{db: cfg.DB, d: cfg.Dialect, svc: cfg.RBAC, store: cfg.RBAC.Store(), dir: cfg.Directory,
		legacy: cfg.Legacy, window: cfg.RevertWindow, clock: cfg.Clock, rand: cfg.Rand, maxAttempts: cfg.MaxAttempts, mode: cfg.Transactions}
	if c.mode < TxAuto || c.mode > TxShared {
		return nil, invalid("unknown Config.Transactions %v", c.mode)
	}
	if c.window == 0 {
		c.window = DefaultRevertWindow
	}
	if c.clock == nil {
		c.clock = rbac.ClockFunc(time.Now)
	}
	if c.rand == nil {
		c.rand = rand.Reader
	}
	if c.maxAttempts <= 0 {
		c.maxAttempts = 10
	}
	names := map[string]bool{}
	for _, m := range cfg.Movers {
		if m == nil || m.Name() == "" || names[m.Name()] {
			return nil, invalid("movers need distinct, non-empty names")
		}
		names[m.Name()] = true
		c.movers = append(c.movers, m)
	}
	return c, nil
}

// now is the clock's time as every store round-trips it.
func (c *Converter) now() time.Time { return c.clock.Now().UTC().Truncate(time.Microsecond) }

var idRE = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,100}$`)

func (c *Converter) newID() (string, error) {
	var b [12]byte
	if _, err := io.ReadFull(c.rand, b[:]); err != nil {
		return "", fmt.Errorf("migrate: conversion id: %w", err)
	}
	return "cv-" + hex.EncodeToString(b[:]), nil
}

// appTx runs fn in a transaction on the application's database, again
// from the start when the database reports a lost race.
func (c *Converter) appTx(ctx context.Context, fn func(q Querier) error) error {
	var err error
	for attempt := 0; attempt < c.maxAttempts; attempt++ {
		if err = c.appTxOnce(ctx, fn); err == nil || !isRetryable(err) {
			return err
		}
		t := time.NewTimer(time.Duration(attempt+1) * 5 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	return err
}

func (c *Converter) appTxOnce(ctx context.Context, fn func(q Querier) error) (err error) {
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}
