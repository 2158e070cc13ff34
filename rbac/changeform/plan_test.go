package changeform_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/changeform"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
)

var update = flag.Bool("update", false, "rewrite testdata/ (the fixtures and the golden reports)")

// TestTestdata regenerates the fixture files with -update, and otherwise
// checks they still are what the generator makes (so that a change to the
// fixture rows cannot leave stale files behind).
func TestTestdata(t *testing.T) {
	files := map[string][]byte{
		"form.csv":         csvBytes(t, fixtureTable(), ','),
		"form-tab.csv":     csvBytes(t, fixtureTable(), '\t'),
		"form.xlsx":        xlsxBytes(t, fixtureTable(), false),
		"form-merged.xlsx": xlsxBytes(t, fixtureTable(), true),
	}
	for name, data := range files {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if filepath.Ext(name) == ".xlsx" {
			continue // excelize stamps its output; the file is checked by parsing it
		}
		old, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(old, data) {
			t.Errorf("%s is stale: run go test -update", path)
		}
	}
}

func readForm(t *testing.T, name string) *changeform.Form {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := changeform.Parse(context.Background(), bytes.NewReader(data), changeform.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, d)
	}
}

// TestGolden plans and applies the seed-shaped form in every format: the
// reports must match the golden files, whatever the file format.
func TestGolden(t *testing.T) {
	for _, file := range []string{"form.csv", "form-tab.csv", "form.xlsx"} {
		t.Run(file, func(t *testing.T) {
			w := newWorld(t)
			form := readForm(t, file)
			req := changeform.Request{Actor: w.super, Unit: "na-soyt", Reason: "Công văn 6112/VP-KGVX"}
			plan, err := w.im.Plan(w.Ctx, form, req)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "plan.golden.json", plan)
			applied, err := w.im.Apply(w.Ctx, form, req)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "apply.golden.json", applied)
			// Running the form again adds nothing.
			again, err := w.im.Apply(w.Ctx, form, req)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "reapply.golden.json", again)
			w.VerifyChain()
		})
	}
}

func TestPlanChangesNothing(t *testing.T) {
	w := newWorld(t)
	before := w.VerifyChain()
	if _, err := w.im.Plan(w.Ctx, readForm(t, "form.csv"), changeform.Request{Actor: w.super, Unit: "na-soyt"}); err != nil {
		t.Fatal(err)
	}
	if after := w.VerifyChain(); after != before {
		t.Errorf("Plan wrote %d audit entries", after-before)
	}
}

func TestApplyStates(t *testing.T) {
	w := newWorld(t)
	if _, err := w.im.Apply(w.Ctx, readForm(t, "form.csv"), changeform.Request{Actor: w.super, Unit: "na-soyt", Reason: "6112/VP-KGVX"}); err != nil {
		t.Fatal(err)
	}
	m, err := w.Svc.Memberships(w.Ctx, w.super, rbactest.PersonID(1))
	if err != nil || len(m) != 1 {
		t.Fatalf("memberships %+v %v", m, err)
	}
	if m[0].State != rbac.Pending || m[0].Unit != "na-soyt" || m[0].Subsystem != rbac.SubsystemPAKN {
		t.Errorf("person 1: %+v, want pending on pakn in na-soyt", m[0])
	}
}

// A lower admin importing outside its subtree is refused row by row, with
// rbac's reason, and nothing is looked up on Vnconnect for it; naming its
// superior adds nothing and reveals nothing of the superior's membership.
func TestForbidden(t *testing.T) {
	w := newWorld(t)
	lower := w.Admin(w.super, 10, rbac.SubsystemPAKN, "na-soyt", 2)
	boss := w.Admin(w.super, 11, rbac.SubsystemPAKN, "p-na", 1)
	form := readForm(t, "form.csv")

	rep, err := w.im.Plan(w.Ctx, form, changeform.Request{Actor: lower, Unit: "p-ht"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.SubsystemID != "" && r.IDNumber != "" && r.Outcome != changeform.Forbidden && r.Outcome != changeform.Duplicate {
			t.Errorf("line %d: %s, want forbidden outside the subtree", r.Line, r.Outcome)
		}
		if r.Outcome == changeform.Forbidden && (r.Rule != rbac.RuleOutsideScope || r.TechID != "") {
			t.Errorf("line %d: rule %q techID %q", r.Line, r.Rule, r.TechID)
		}
	}
	if rep.Results[0].Detail != "not an admin of pakn over unit p-ht" {
		t.Errorf("detail %q", rep.Results[0].Detail)
	}

	p := rbactest.Person(11)
	superior := &changeform.Form{Format: "csv", Rows: []changeform.Row{{Line: 2, Subsystem: "PAKN", FullName: p.FullName, ID: p.CCCD.Number}}}
	rep, err = w.im.Apply(w.Ctx, superior, changeform.Request{Actor: lower, Unit: "na-soyt", Reason: "x"})
	if err != nil {
		t.Fatal(err)
	}
	// The superior is already on the subsystem, so nothing is added; the
	// lower admin may not see that membership, so its unit is not named.
	if r := rep.Results[0]; r.Outcome != changeform.AlreadyPresent || r.Detail != "already on pakn" {
		t.Errorf("naming a superior: %+v (boss %s)", r, boss)
	}
}

func TestProgressAndCancel(t *testing.T) {
	w := newWorld(t)
	form := readForm(t, "form.csv")
	var seen []changeform.Progress
	req := changeform.Request{Actor: w.super, Unit: "na-soyt", Reason: "x", Progress: func(p changeform.Progress) { seen = append(seen, p) }}
	if _, err := w.im.Apply(w.Ctx, form, req); err != nil {
		t.Fatal(err)
	}
	plans, applies := 0, 0
	for _, p := range seen {
		switch p.Phase {
		case "plan":
			plans++
		case "apply":
			applies++
		}
	}
	if plans != len(form.Rows) || applies != 4 {
		t.Errorf("progress: %d plan and %d apply calls, want %d and 4", plans, applies, len(form.Rows))
	}
	if last := seen[len(seen)-1]; last.Done != last.Total {
		t.Errorf("last progress %+v", last)
	}

	ctx, cancel := context.WithCancel(w.Ctx)
	cancel()
	if _, err := w.im.Plan(ctx, form, changeform.Request{Actor: w.super, Unit: "na-soyt"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled plan: %v", err)
	}
}

func TestRequestErrors(t *testing.T) {
	w := newWorld(t)
	form := readForm(t, "form.csv")
	for _, c := range []struct {
		req  changeform.Request
		want error
	}{
		{changeform.Request{Unit: "na-soyt"}, rbac.ErrInvalid},
		{changeform.Request{Actor: w.super}, rbac.ErrInvalid},
		{changeform.Request{Actor: w.super, Unit: "nowhere"}, rbac.ErrNotFound},
	} {
		if _, err := w.im.Plan(w.Ctx, form, c.req); !errors.Is(err, c.want) {
			t.Errorf("%+v: err = %v, want %v", c.req, err, c.want)
		}
	}
	if _, err := w.im.Apply(w.Ctx, form, changeform.Request{Actor: w.super, Unit: "na-soyt"}); !errors.Is(err, rbac.ErrInvalid) {
		t.Errorf("apply without reason: %v", err)
	}
	if _, err := changeform.New(changeform.Config{}); !errors.Is(err, changeform.ErrConfig) {
		t.Errorf("New: %v", err)
	}
}
