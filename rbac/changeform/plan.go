package changeform

import (
	"context"
	"errors"
	"fmt"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// Plan is the dry run: it decides every row's outcome — looking people up
// on Vnconnect and checking the actor's rights — and changes nothing.
// Apply makes the same decisions again and then adds.
func (im *Importer) Plan(ctx context.Context, form *Form, req Request) (*Report, error) {
	if err := im.check(ctx, form, req); err != nil {
		return nil, err
	}
	rep, err := im.plan(ctx, form, req)
	if err != nil {
		return nil, err
	}
	rep.DryRun = true
	rep.count()
	return rep, nil
}

// planner holds one run's caches: a form names the same subsystem on every
// row and may name a person twice.
type planner struct {
	im       *Importer
	req      Request
	subs     map[rbac.SubsystemID]bool  // registered in the service
	allowed  map[rbac.SubsystemID]error // CanAddTo's answer per subsystem
	lookups  map[string]lookup          // by kind:number
	seenID   map[string]int             // kind:number/sub → line
	seenTech map[string]int             // techID/sub → line
}

type lookup struct {
	id  *vnconnect.Identity
	n   int // accounts found
	err error
}

func (im *Importer) plan(ctx context.Context, form *Form, req Request) (*Report, error) {
	p := &planner{im: im, req: req, subs: map[rbac.SubsystemID]bool{}, allowed: map[rbac.SubsystemID]error{},
		lookups: map[string]lookup{}, seenID: map[string]int{}, seenTech: map[string]int{}}
	if err := im.svc.Store().View(ctx, func(tx rbac.ReadTx) error {
		subs, err := tx.Subsystems()
		for _, s := range subs {
			p.subs[s.ID] = true
		}
		return err
	}); err != nil {
		return nil, err
	}
	rep := &Report{Unit: req.Unit, Results: make([]Result, 0, len(form.Rows))}
	for i, row := range form.Rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res, err := p.row(ctx, row)
		if err != nil {
			return nil, err
		}
		rep.Results = append(rep.Results, res)
		if req.Progress != nil {
			req.Progress(Progress{Phase: "plan", Done: i + 1, Total: len(form.Rows)})
		}
	}
	return rep, nil
}

// row decides one row. An error return aborts the run (the context ended);
// everything else is an outcome.
func (p *planner) row(ctx context.Context, row Row) (Result, error) {
	res := Result{Row: row}
	sub, ok, ambiguous := p.im.aliases.Lookup(row.Subsystem)
	switch {
	case ambiguous:
		return res.set(UnknownSubsystem, "the subsystem column names more than one subsystem"), nil
	case !ok:
		return res.set(UnknownSubsystem, "no subsystem is known by this name"), nil
	case !p.subs[sub]:
		return res.set(UnknownSubsystem, "subsystem "+string(sub)+" is not served by this application"), nil
	}
	res.SubsystemID = sub
	id, err := parseID(row.ID)
	if err != nil {
		return res.set(InvalidID, idDetail(err)), nil
	}
	res.IDKind, res.IDNumber, res.IDRepaired = id.kind, id.number, id.repaired
	if vnid.FoldName(row.FullName) == "" {
		return res.set(MissingName, "the row has no name to check the number against"), nil
	}
	key := id.kind + ":" + id.number + "/" + string(sub)
	if line, dup := p.seenID[key]; dup {
		return res.set(Duplicate, fmt.Sprintf("the same person and subsystem as line %d", line)), nil
	}
	p.seenID[key] = row.Line
	if err := p.mayAdd(ctx, sub); err != nil {
		return res.denied(err)
	}
	l, err := p.lookup(ctx, id)
	if err != nil {
		return res, err
	}
	switch {
	case l.err != nil:
		p.im.log.WarnContext(ctx, "changeform: Vnconnect look-up failed", "line", row.Line, "err", l.err)
		return res.set(Failed, "the Vnconnect look-up failed; run the form again"), nil
	case l.n == 0:
		return res.set(NotRegistered, "no Vnconnect account holds this number: the person must register first"), nil
	case l.n > 1:
		return res.set(Ambiguous, "several Vnconnect accounts hold this number"), nil
	}
	res.TechID = l.id.TechID
	if vnid.FoldName(l.id.FullName) != vnid.FoldName(row.FullName) {
		res.TechID = "" // do not tie the number to an account the form does not name
		return res.set(NameMismatch, "the Vnconnect account holding this number is registered under another name"), nil
	}
	tkey := l.id.TechID + "/" + string(sub)
	if line, dup := p.seenTech[tkey]; dup {
		return res.set(Duplicate, fmt.Sprintf("the same person and subsystem as line %d", line)), nil
	}
	p.seenTech[tkey] = row.Line
	svc := p.im.svc
	if err := svc.Can(ctx, p.req.Actor, rbac.ActAdd, rbac.Target{Account: l.id.TechID, Subsystem: sub, Unit: p.req.Unit}); err != nil {
		return res.denied(err)
	}
	present, detail, err := p.present(ctx, l.id.TechID, sub)
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		p.im.log.WarnContext(ctx, "changeform: reading the membership failed", "line", row.Line, "err", err)
		return res.set(Failed, "reading the current memberships failed; run the form again"), nil
	}
	if present {
		return res.set(AlreadyPresent, detail), nil
	}
	return res.set(Add, "will be added to "+string(sub)+", pending activation (Chưa kích hoạt)"), nil
}

func (r Result) set(o Outcome, detail string) Result {
	r.Outcome, r.Detail = o, detail
	return r
}

// denied turns a refusal into a Forbidden row, and anything else into a
// Failed one (or an abort when the context ended).
func (r Result) denied(err error) (Result, error) {
	var de *rbac.DeniedError
	switch {
	case errors.As(err, &de):
		r = r.set(Forbidden, de.Reason)
		r.Rule = de.Rule
		return r, nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return r, err
	case errors.Is(err, rbac.ErrNotFound), errors.Is(err, rbac.ErrInvalid):
		return r.set(UnknownSubsystem, "the subsystem or unit is not known"), nil
	}
	return r.set(Failed, "checking the rights failed; run the form again"), nil
}

// mayAdd asks once per subsystem whether the actor may add anyone in the
// unit (rbac's CanAddTo), before any Vnconnect look-up is made on the
// actor's behalf; each row is then checked against the account found.
func (p *planner) mayAdd(ctx context.Context, sub rbac.SubsystemID) error {
	if err, ok := p.allowed[sub]; ok {
		return err
	}
	err := p.im.svc.CanAddTo(ctx, p.req.Actor, sub, p.req.Unit)
	if ctx.Err() == nil {
		p.allowed[sub] = err
	}
	return err
}

// lookup finds the account holding id, once per number per run. Only a
// context error is returned as an error; a directory failure is recorded
// in the lookup so the row reports Failed.
func (p *planner) lookup(ctx context.Context, id idNumber) (lookup, error) {
	key := id.kind + ":" + id.number
	if l, ok := p.lookups[key]; ok {
		return l, nil
	}
	q := vnconnect.Query{Type: vnconnect.AccountCitizen, Limit: 2}
	if id.kind == IDKindCCCD {
		q.CCCD = id.number
	} else {
		q.CMND = id.number
	}
	found, err := p.im.dir.Search(ctx, q)
	if err != nil && ctx.Err() != nil {
		return lookup{}, ctx.Err()
	}
	var l lookup
	switch {
	case errors.Is(err, vnconnect.ErrNotFound):
	case err != nil:
		l.err = err
	default:
		for _, f := range found {
			if f != nil && f.TechID != "" {
				l.n++
				l.id = f
			}
		}
	}
	p.lookups[key] = l
	return l, nil
}

// present reports whether the account is already on sub. The detail names
// the state, and the unit only when the actor may see the membership.
func (p *planner) present(ctx context.Context, techID string, sub rbac.SubsystemID) (bool, string, error) {
	var m rbac.Membership
	found := false
	err := p.im.svc.Store().View(ctx, func(tx rbac.ReadTx) error {
		var err error
		m, err = tx.Membership(techID, sub)
		if errors.Is(err, rbac.ErrNotFound) {
			return nil
		}
		found = err == nil
		return err
	})
	if err != nil || !found {
		return false, "", err
	}
	detail := "already on " + string(sub)
	if p.im.svc.Can(ctx, p.req.Actor, rbac.ActView, rbac.Target{Account: techID, Subsystem: sub}) == nil {
		detail += " in unit " + string(m.Unit) + " (" + m.State.Label() + ")"
	}
	return true, detail, nil
}

// idDetail is the message of an ID refusal. vnid's messages are written
// to be shown (they quote no more than a few characters).
func idDetail(err error) string {
	var ve *vnid.Error
	if errors.As(err, &ve) {
		return ve.Error()
	}
	return "the ID column is not a CMND (9 digits) or CCCD (12 digits)"
}
