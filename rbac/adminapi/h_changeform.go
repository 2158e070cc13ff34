package adminapi

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"net/http"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/changeform"
)

// ChangeFormJSON is the answer of POST /change-form.
type ChangeFormJSON struct {
	DryRun bool `json:"dry_run"`
	// Plan identifies this dry run (the file, the unit and the actor):
	// send it back as the "plan" field to apply exactly what was planned.
	Plan    string                     `json:"plan"`
	Unit    string                     `json:"unit"`
	Counts  map[changeform.Outcome]int `json:"counts"`
	Results []changeform.Result        `json:"results"`
}

// changeForm imports the provinces' change form: multipart/form-data with
// "file" (XLSX or CSV), "unit" (where the people go) and "reason"; with
// ?dry_run=1 it only plans. Applying needs "plan", the value a dry run of
// the same file and unit returned, so that what is applied is what the
// admin reviewed.
func (a *api) changeForm(w http.ResponseWriter, r *http.Request) {
	p := readParams(r, "dry_run")
	dry := p.bool("dry_run")
	if !p.ok(w, r) {
		return
	}
	if a.importer == nil {
		writeProblem(w, r, newProblem(CodeNotConfigured, "the change form needs a Vnconnect directory"))
		return
	}
	data, fields, ok := a.readUpload(w, r)
	if !ok {
		return
	}
	actor := actorOf(r).TechID
	digest := planDigest(data, fields["unit"], actor)
	form, err := changeform.Parse(r.Context(), bytes.NewReader(data), a.limits)
	if err != nil {
		a.formError(w, r, err)
		return
	}
	req := changeform.Request{Actor: actor, Unit: rbac.UnitID(fields["unit"]), Reason: fields["reason"]}
	var rep *changeform.Report
	if dry != nil && *dry {
		rep, err = a.importer.Plan(r.Context(), form, req)
	} else {
		if subtle.ConstantTimeCompare([]byte(fields["plan"]), []byte(digest)) != 1 {
			writeProblem(w, r, newProblem(CodePlanMismatch, "run ?dry_run=1 with this file and unit first, then send its plan value"))
			return
		}
		rep, err = a.importer.Apply(r.Context(), form, req)
	}
	if err != nil && rep == nil {
		a.fail(w, r, err)
		return
	}
	if err != nil {
		a.log.WarnContext(r.Context(), "adminapi: change form interrupted", "err", err)
	}
	writeJSON(w, http.StatusOK, ChangeFormJSON{DryRun: rep.DryRun, Plan: digest, Unit: string(rep.Unit), Counts: rep.Counts, Results: rep.Results})
}

// readUpload parses the multipart body (already capped by the router) and
// returns the file's bytes and the text fields. Unknown fields are
// refused, like unknown JSON fields.
func (a *api) readUpload(w http.ResponseWriter, r *http.Request) ([]byte, map[string]string, bool) {
	if err := r.ParseMultipartForm(a.maxForm); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeProblem(w, r, newProblem(CodeTooLarge, "the upload is over the size limit"))
		} else {
			writeProblem(w, r, newProblem(CodeUnsupportedMedia, "send the form as multipart/form-data with a file field"))
		}
		return nil, nil, false
	}
	defer r.MultipartForm.RemoveAll()
	mf := r.MultipartForm
	fields := map[string]string{}
	var bad []FieldError
	for k, vs := range mf.Value {
		switch k {
		case "unit", "reason", "plan", "csrf":
			if len(vs) != 1 {
				bad = append(bad, FieldError{Field: k, Detail: "given more than once"})
			}
			fields[k] = vs[0]
		default:
			bad = append(bad, FieldError{Field: clip(k, 64), Detail: "unknown field"})
		}
	}
	for k := range mf.File {
		if k != "file" {
			bad = append(bad, FieldError{Field: clip(k, 64), Detail: "unknown file field"})
		}
	}
	files := mf.File["file"]
	if len(files) != 1 {
		bad = append(bad, FieldError{Field: "file", Detail: "exactly one file is required"})
	}
	if len(bad) > 0 {
		pr := newProblem(rbac.CodeInvalid, "the upload's fields are wrong")
		pr.Errors = bad
		writeProblem(w, r, pr)
		return nil, nil, false
	}
	f, err := files[0].Open()
	if err != nil {
		a.fail(w, r, err)
		return nil, nil, false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, a.limits.MaxFileBytes+1))
	if err != nil {
		a.fail(w, r, err)
		return nil, nil, false
	}
	if int64(len(data)) > a.limits.MaxFileBytes {
		writeProblem(w, r, newProblem(CodeTooLarge, "the file is over the size limit"))
		return nil, nil, false
	}
	return data, fields, true
}

func (a *api) formError(w http.ResponseWriter, r *http.Request, err error) {
	var pe *changeform.ParseError
	switch {
	case errors.Is(err, changeform.ErrTooLarge):
		writeProblem(w, r, newProblem(CodeTooLarge, pe2msg(err)))
	case errors.As(err, &pe):
		writeProblem(w, r, newProblem(CodeBadForm, pe.Error()))
	default:
		a.fail(w, r, err)
	}
}

func pe2msg(err error) string {
	var pe *changeform.ParseError
	if errors.As(err, &pe) {
		return pe.Error()
	}
	return "the file is too large"
}

// planDigest binds a dry run to its inputs.
func planDigest(file []byte, unit, actor string) string {
	h := sha256.New()
	h.Write(file)
	h.Write([]byte{0})
	h.Write([]byte(unit))
	h.Write([]byte{0})
	h.Write([]byte(actor))
	return hex.EncodeToString(h.Sum(nil))
}
