package vnconnect

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// go test ./vnconnect -run TestIdentityGolden -update rewrites the .golden files.
var updateGolden = flag.Bool("update", false, "rewrite golden files under testdata/")

// identityView is a stable, readable rendering of the typed fields, so a
// golden file shows at a glance what each realistic document maps to.
func identityView(id *Identity) map[string]any {
	v := map[string]any{
		"Subject":        id.Subject,
		"TechID":         id.TechID,
		"AccountType":    id.AccountType.String(),
		"LoAs":           id.LoAs,
		"HighestLoA":     id.HighestLoA(),
		"Status":         id.Status,
		"CMND":           string(id.CMND),
		"Passport":       string(id.Passport),
		"MaBHXH":         id.MaBHXH,
		"FullName":       id.FullName,
		"DisplayName":    id.DisplayName(),
		"BirthDate":      id.BirthDate.String(),
		"Gender":         id.Gender.String(),
		"Email":          id.Email,
		"Phone":          string(id.Phone),
		"Address":        id.Address,
		"EnterpriseCode": id.EnterpriseCode,
		"EnterpriseName": id.EnterpriseName,
		"Extra":          id.Extra,
	}
	if id.CCCD != nil {
		v["CCCD"] = map[string]any{
			"Number": id.CCCD.Number, "Province": id.CCCD.ProvinceName(),
			"Gender": id.CCCD.Gender.String(), "BirthYear": id.CCCD.BirthYear,
		}
	}
	if id.TaxCode != nil {
		v["TaxCode"] = id.TaxCode.String()
	}
	if id.AgencyCode != nil {
		v["AgencyCode"] = map[string]any{"Code": id.AgencyCode.String(), "Level": id.AgencyCode.Level()}
	}
	var problems []string
	for _, p := range id.Problems {
		problems = append(problems, p.Error())
	}
	v["Problems"] = problems
	return v
}

func TestIdentityGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "userinfo", "*.json"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			id, err := IdentityFromClaims(raw)
			if err != nil {
				t.Fatalf("IdentityFromClaims: %v", err)
			}
			got, err := json.MarshalIndent(identityView(id), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(in, ".json") + ".golden"
			if *updateGolden {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s", in, golden, got)
			}
		})
	}
}
