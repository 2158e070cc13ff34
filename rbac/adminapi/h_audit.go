package adminapi

import "net/http"

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
	// rbac decides who may read the log (the operator only) and refuses
	// before writing anything; the headers of the export go out with its
	// first line, so a refusal is a plain problem.
	cw := &countingWriter{w: w, start: func() {
		w.Header().Set("Content-Type", AuditContentType)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
	}}
	if err := a.svc.ExportAuditAs(r.Context(), actorOf(r).TechID, cw, after); err != nil {
		if cw.n == 0 {
			a.fail(w, r, err)
			return
		}
		// Part of the log is out with a 200: cut the connection so the
		// client sees a broken transfer, not a short but clean export.
		a.log.ErrorContext(r.Context(), "adminapi: audit export failed mid-stream", "err", err, "bytes", cw.n)
		panic(http.ErrAbortHandler)
	}
	cw.begin() // an empty export is still one
}

// countingWriter counts what reached the client.
type countingWriter struct {
	w       http.ResponseWriter
	n       int64
	start   func() // sets the headers, before the first byte
	started bool
}

func (c *countingWriter) begin() {
	if !c.started {
		c.started = true
		c.start()
	}
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.begin()
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
