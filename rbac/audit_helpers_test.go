package rbac_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
)

// entries collects an ExportAudit.
type entries struct{ bytes.Buffer }

func (b *entries) list(t *testing.T) []rbac.AuditEntry {
	t.Helper()
	var out []rbac.AuditEntry
	dec := json.NewDecoder(bytes.NewReader(b.Bytes()))
	for dec.More() {
		var e rbac.AuditEntry
		if err := dec.Decode(&e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// seqs returns the seq of revoker's revoke of target and of target's grants.
func (b *entries) seqs(t *testing.T, revoker, target string) (revoke uint64, grants []uint64) {
	for _, e := range b.list(t) {
		switch {
		case e.Actor == revoker && e.Action == string(rbac.ActRevoke):
			revoke = e.Seq
		case e.Actor == target && e.Action == string(rbac.ActGrant):
			grants = append(grants, e.Seq)
		}
	}
	if revoke == 0 {
		t.Fatal("no revocation in the log")
	}
	return revoke, grants
}
