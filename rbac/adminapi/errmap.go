package adminapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// fail answers err as a problem. rbac's sentinels map to their status and
// code; a *rbac.DeniedError gives its Reason and Rule; anything else is a
// 500 whose detail is generic, the error going only to the log.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	var de *rbac.DeniedError
	var qe *vnconnect.QueryError
	switch {
	case errors.As(err, &de):
		p := newProblem(rbac.CodeForbidden, de.Reason)
		p.Rule = de.Rule
		writeProblem(w, r, p)
	case errors.As(err, &qe):
		// A search the directory refused before sending: the client's
		// own input, described by vnid in a message made to be shown.
		p := newProblem(rbac.CodeInvalid, "invalid Vnconnect search")
		p.Errors = []FieldError{{Field: queryField(qe.Field), Detail: safeDetail(qe.Err, "invalid value")}}
		writeProblem(w, r, p)
	case errors.Is(err, rbac.ErrForbidden):
		writeProblem(w, r, newProblem(rbac.CodeForbidden, "not allowed"))
	case errors.Is(err, rbac.ErrNotFound):
		writeProblem(w, r, newProblem(rbac.CodeNotFound, publicDetail(err, "not found")))
	case errors.Is(err, rbac.ErrConflict):
		writeProblem(w, r, newProblem(rbac.CodeConflict, publicDetail(err, "the request conflicts with the current state")))
	case errors.Is(err, rbac.ErrInvalid):
		writeProblem(w, r, newProblem(rbac.CodeInvalid, publicDetail(err, "invalid request")))
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer.
		a.log.DebugContext(r.Context(), "adminapi: request cancelled", "path", r.URL.Path)
	default:
		a.log.ErrorContext(r.Context(), "adminapi: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		writeProblem(w, r, newProblem(CodeInternal, "the request could not be completed"))
	}
}

// publicDetail is the detail of an rbac-classed error: rbac's own text
// (rbac.PublicMessage) when the chain carries one, else what safeDetail
// lets through — other packages of this codebase (changeform, migrate)
// wrap rbac's sentinels with messages of their own — else fallback.
func publicDetail(err error, fallback string) string {
	if msg, ok := rbac.PublicMessage(err); ok {
		return clipDetail(msg)
	}
	return safeDetail(err, fallback)
}

// clipDetail bounds a detail's length and keeps it valid UTF-8.
func clipDetail(msg string) string {
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return strings.ToValidUTF8(msg, "")
}

// safeDetail returns err's message for the client only when every error in
// its chain is of a kind whose message this codebase wrote: fmt's wrappers,
// errors.New values, vnid's and vnconnect's query errors. A store that
// wraps a driver error (rbac/sqlstore keeps it in the chain for its retry
// loop) then yields the generic fallback instead of SQL text. The rbac
// sentinel's own prefix ("rbac: conflict: ") is dropped: Title says it.
func safeDetail(err error, fallback string) string {
	if err == nil || !ownChain(err, 0) {
		return fallback
	}
	msg := err.Error()
	for _, s := range []error{rbac.ErrNotFound, rbac.ErrConflict, rbac.ErrInvalid, rbac.ErrForbidden} {
		msg = strings.TrimPrefix(msg, s.Error()+": ")
	}
	return clipDetail(msg)
}

// ownChain walks err's tree (Unwrap() error and Unwrap() []error).
func ownChain(err error, depth int) bool {
	if err == nil {
		return true
	}
	if depth > 16 {
		return false
	}
	var vnidErr *vnid.Error
	var qe *vnconnect.QueryError
	switch t := reflect.TypeOf(err); {
	case t == reflect.TypeOf(vnidErr), t == reflect.TypeOf(qe):
	case t == plainErrorType(), t == wrapErrorType(), t == wrapErrorsType():
	default:
		return false
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if !ownChain(e, depth+1) {
				return false
			}
		}
	case interface{ Unwrap() error }:
		return ownChain(u.Unwrap(), depth+1)
	}
	return true
}

// The dynamic types of errors.New and fmt.Errorf values are unexported;
// sample values name them. They are computed per call (only on error
// paths), which keeps the package free of globals.
func plainErrorType() reflect.Type { return reflect.TypeOf(errors.New("")) }
func wrapErrorType() reflect.Type  { return reflect.TypeOf(fmt.Errorf("%w", errors.New(""))) }
func wrapErrorsType() reflect.Type {
	return reflect.TypeOf(fmt.Errorf("%w %w", errors.New(""), errors.New("")))
}

// queryField maps vnconnect.Query field names to this API's parameters.
func queryField(f string) string {
	switch f {
	case "CCCD":
		return "cccd"
	case "CMND":
		return "cmnd"
	case "Phone":
		return "phone"
	case "Name":
		return "name"
	case "Email":
		return "email"
	case "AgencyCode":
		return "agency_code"
	case "TaxCode":
		return "mst"
	case "Type":
		return "type"
	case "Limit":
		return "limit"
	}
	return "query"
}
