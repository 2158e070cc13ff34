package adminapi

import (
	"net/http"

	"github.com/rpkit-vn/rpkit/rbac"
)

// AuditContentType is the media type of GET /audit: JSON lines, one
// rbac.AuditEntry per line (rbac.VerifyJSONLines checks an export).
const AuditContentType = "application/x-ndjson"

// audit exports the hash-chained log after entry `after`, for the
// platform operator only: the log names every account and unit.
func (a *api) audit(w http.ResponseWriter, r *http.Request) {
	p := readParams(r, "after")
	after := p.uint64("after")
	if !p.ok(w, r) {
		return
	}
	actor := actorOf(r).TechID
	if !a.svc.IsOperator(actor) {
		a.fail(w, r, &rbac.DeniedError{Actor: actor, Action: "export-audit", Target: "audit log",
			Reason: "only the platform operator exports the audit log", Rule: rbac.RuleOperatorOnly})
		return
	}
	w.Header().Set("Content-Type", AuditContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	cw := &countingWriter{w: w}
	if err := a.svc.ExportAudit(r.Context(), cw, after); err != nil {
		if cw.n == 0 {
			a.fail(w, r, err)
			return
		}
		// Part of the log is out with a 200: cut the connection so the
		// client sees a broken transfer, not a short but clean export.
		a.log.ErrorContext(r.Context(), "adminapi: audit export failed mid-stream", "err", err, "bytes", cw.n)
		panic(http.ErrAbortHandler)
	}
}

// countingWriter counts what reached the client.
type countingWriter struct {
	w http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
