package vnconnect

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzIdentityFromClaims: the mapping never panics, errors only for the
// documented reasons, and is stable under re-encoding: marshalling Raw and
// mapping again gives the same typed identity and the same bytes.
func FuzzIdentityFromClaims(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "userinfo", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add(claimsJSON(ClaimLoAs, `["LoA1",2,"x"]`, ClaimGender, `"Nữ"`, ClaimCCCD, `40191583027`))
	f.Add([]byte(`{"sub":"\u0000","TechID":"\ud800"}`))
	f.Add([]byte(`{"sub":1e400}`))
	f.Add([]byte(`{"sub":"a","sub":"b"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		id, err := IdentityFromClaims(raw)
		if err != nil {
			if id != nil {
				t.Fatal("identity returned with an error")
			}
			return
		}
		if id.Subject == "" {
			t.Fatal("accepted without a subject")
		}
		for _, p := range id.Problems {
			if p.Err == nil || p.Claim == "" || p.Error() == "" {
				t.Fatalf("empty problem %#v", p)
			}
		}
		enc1, err := json.Marshal(id.Raw)
		if err != nil {
			t.Fatalf("re-encoding raw claims: %v", err)
		}
		id2, err := IdentityFromClaims(enc1)
		if err != nil {
			t.Fatalf("re-encoded claims rejected: %v\n%s", err, enc1)
		}
		v1, _ := json.Marshal(identityView(id))
		v2, _ := json.Marshal(identityView(id2))
		if !bytes.Equal(v1, v2) {
			t.Fatalf("mapping changed after re-encoding:\n%s\n%s", v1, v2)
		}
		enc2, _ := json.Marshal(id2.Raw)
		if !bytes.Equal(enc1, enc2) {
			t.Fatalf("re-encoding not stable:\n%s\n%s", enc1, enc2)
		}
	})
}
