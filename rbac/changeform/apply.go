package changeform

import (
	"context"
	"errors"
	"fmt"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
)

// Apply plans the form again (the data may have changed since the dry
// run) and adds every row planned as Add: each person joins its subsystem
// in req.Unit, pending activation. Every add is its own rbac transaction
// that re-checks the actor's rights, so a row refused by a concurrent
// change reports Forbidden or AlreadyPresent rather than failing the form.
// Running the same form again adds nothing twice: those rows report
// AlreadyPresent.
//
// If ctx ends part-way, Apply returns the report so far — rows not reached
// report Failed — together with ctx's error.
func (im *Importer) Apply(ctx context.Context, form *Form, req Request) (*Report, error) {
	if req.Reason == "" {
		return nil, requestErr("a reason is required")
	}
	if err := im.check(ctx, form, req); err != nil {
		return nil, err
	}
	rep, err := im.plan(ctx, form, req)
	if err != nil {
		return nil, err
	}
	todo := 0
	for _, r := range rep.Results {
		if r.Outcome == Add {
			todo++
		}
	}
	done := 0
	var stop error
	for i := range rep.Results {
		r := &rep.Results[i]
		if r.Outcome != Add {
			continue
		}
		if stop == nil {
			stop = ctx.Err()
		}
		if stop != nil {
			*r = r.set(Failed, "not applied: the import was interrupted")
			continue
		}
		*r = im.add(ctx, req, *r)
		done++
		if req.Progress != nil {
			req.Progress(Progress{Phase: "apply", Done: done, Total: todo})
		}
	}
	rep.count()
	return rep, stop
}

func (im *Importer) add(ctx context.Context, req Request, r Result) Result {
	q := vnconnect.Query{Type: vnconnect.AccountCitizen}
	if r.IDKind == IDKindCCCD {
		q.CCCD = r.IDNumber
	} else {
		q.CMND = r.IDNumber
	}
	_, err := im.svc.Add(ctx, req.Actor, rbac.AddRequest{
		Subsystem: r.SubsystemID, Unit: req.Unit, Query: q, TechID: r.TechID,
		Reason: fmt.Sprintf("%s (biểu mẫu thay đổi, dòng %d)", req.Reason, r.Line),
	})
	var de *rbac.DeniedError
	switch {
	case err == nil:
		return r.set(Added, "added to "+string(r.SubsystemID)+", pending activation (Chưa kích hoạt)")
	case errors.As(err, &de):
		r = r.set(Forbidden, de.Reason)
		r.Rule = de.Rule
		return r
	case errors.Is(err, rbac.ErrConflict):
		return r.set(AlreadyPresent, "already on "+string(r.SubsystemID))
	case errors.Is(err, rbac.ErrNotFound):
		return r.set(NotRegistered, "the Vnconnect account is no longer found")
	}
	im.log.ErrorContext(ctx, "changeform: add failed", "line", r.Line, "err", err)
	return r.set(Failed, "the add failed; run the form again")
}
