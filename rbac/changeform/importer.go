package changeform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Config configures an Importer.
type Config struct {
	// Service applies the adds; it checks the actor's rights on every
	// one. Required.
	Service *rbac.Service
	// Directory looks people up on Vnconnect by CCCD/CMND to check the
	// form's names. It should be the directory Service was built with.
	// Required.
	Directory vnconnect.Directory
	// Aliases maps the form's subsystem column to subsystem IDs; nil means
	// NewAliasTable(DefaultAliases()...).
	Aliases *AliasTable
	// Logger receives the failures a row reports only as Failed; nil
	// discards them.
	Logger *slog.Logger
}

// Importer plans and applies change forms. It keeps no state between
// calls and is safe for concurrent use.
type Importer struct {
	svc     *rbac.Service
	dir     vnconnect.Directory
	aliases *AliasTable
	log     *slog.Logger
}

// New checks cfg and returns an Importer.
func New(cfg Config) (*Importer, error) {
	if cfg.Service == nil {
		return nil, fmt.Errorf("%w: Config.Service is required", ErrConfig)
	}
	if cfg.Directory == nil {
		return nil, fmt.Errorf("%w: Config.Directory is required", ErrConfig)
	}
	im := &Importer{svc: cfg.Service, dir: cfg.Directory, aliases: cfg.Aliases, log: cfg.Logger}
	if im.aliases == nil {
		t, err := NewAliasTable(DefaultAliases()...)
		if err != nil {
			return nil, err
		}
		im.aliases = t
	}
	if im.log == nil {
		im.log = slog.New(slog.DiscardHandler)
	}
	return im, nil
}

// Request says who imports a form, where the people go and why.
type Request struct {
	// Actor is the TechID of the admin importing the form.
	Actor string
	// Unit is the unit the people join: the form lists people, not
	// units, so it is the unit that sent it (the province, department or
	// district whose admin imports it).
	Unit rbac.UnitID
	// Reason is recorded in every add's audit entry, with the form's line
	// ("Công văn 6112/VP-KGVX"). Required by Apply.
	Reason string
	// Progress, if set, is called after each row, from the calling
	// goroutine.
	Progress func(Progress)
}

// requestErr wraps rbac.ErrInvalid so that callers (adminapi) report a
// malformed request the way rbac's own are.
func requestErr(msg string) error { return fmt.Errorf("%w: %s", rbac.ErrInvalid, msg) }

func (im *Importer) check(ctx context.Context, form *Form, req Request) error {
	switch {
	case form == nil:
		return requestErr("no form")
	case req.Actor == "":
		return requestErr("no actor")
	case req.Unit == "":
		return requestErr("the unit the people join is required")
	}
	return im.svc.Store().View(ctx, func(tx rbac.ReadTx) error {
		u, err := tx.Unit(req.Unit)
		if errors.Is(err, rbac.ErrNotFound) {
			return fmt.Errorf("%w: unit %s", rbac.ErrNotFound, req.Unit)
		}
		if err != nil {
			return err
		}
		if !u.Live() {
			return fmt.Errorf("%w: unit %s was merged into %s", rbac.ErrConflict, req.Unit, u.MergedInto)
		}
		return nil
	})
}
