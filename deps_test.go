package rpkit_test

import (
	"os"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// advisoryFloors are the lowest versions past the published advisories of
// dependencies that rpkit uses or that they pull in. The test fails when
// go.mod selects anything older, so a downgrade cannot land quietly.
var advisoryFloors = map[string]string{
	// XML signature verification bypass fixed in v1.6.1.
	"github.com/russellhaering/goxmldsig": "v1.6.1",
	// JWE p2c exhaustion (CVE-2024-28122) and earlier advisories fixed in v2.0.21.
	"github.com/lestrrat-go/jwx/v2": "v2.0.21",
	// Signature and XML round-trip advisories fixed in v0.4.14.
	"github.com/crewjam/saml": "v0.4.14",
	// Header parsing memory exhaustion (CVE-2025-30204) fixed in v4.5.2 / v5.2.2.
	"github.com/golang-jwt/jwt/v4": "v4.5.2",
	"github.com/golang-jwt/jwt/v5": "v5.2.2",
	// ssh and related advisories of 2024–2025.
	"golang.org/x/crypto": "v0.35.0",
	// html tokenizer and HTTP/2 advisories of 2025.
	"golang.org/x/net": "v0.38.0",
	// SQL injection through protocol message sizes (CVE-2024-27304) fixed in v5.5.4.
	"github.com/jackc/pgx/v5": "v5.5.4",
}

func TestDependenciesPastAdvisories(t *testing.T) {
	data, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkFloors(t, mf, advisoryFloors)
}

// TestFloorCheckRefusesOldVersions proves the check bites: a go.mod that
// selects the vulnerable versions is reported for each one.
func TestFloorCheckRefusesOldVersions(t *testing.T) {
	old := []byte(`module example.com/x
go 1.26
require (
	github.com/russellhaering/goxmldsig v1.6.0
	github.com/lestrrat-go/jwx/v2 v2.0.20
	github.com/crewjam/saml v0.4.13
	github.com/golang-jwt/jwt/v4 v4.5.1
)
replace github.com/lestrrat-go/jwx/v2 => github.com/lestrrat-go/jwx/v2 v2.1.0
`)
	mf, err := modfile.Parse("go.mod", old, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	checkFloors(rec, mf, advisoryFloors)
	// jwx is replaced by a safe version, so three findings, not four.
	if len(rec.errs) != 3 {
		t.Fatalf("want 3 findings, got %d: %q", len(rec.errs), rec.errs)
	}
}

// reporter is the part of testing.TB that checkFloors needs, so that the
// check itself can be tested.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, format)
}

func checkFloors(t reporter, mf *modfile.File, floors map[string]string) {
	t.Helper()
	selected := map[string]string{}
	for _, r := range mf.Require {
		selected[r.Mod.Path] = r.Mod.Version
	}
	// A replace directive decides what is built.
	for _, r := range mf.Replace {
		if _, ok := selected[r.Old.Path]; ok && r.New.Version != "" {
			selected[r.Old.Path] = r.New.Version
		}
	}
	for path, floor := range floors {
		v, ok := selected[path]
		if !ok {
			continue // not pulled in
		}
		if semver.Compare(v, floor) < 0 {
			t.Errorf("%s %s is below %s, the first version past its published advisories", path, v, floor)
		}
	}
}
