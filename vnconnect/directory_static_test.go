package vnconnect

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// goldenIdentities loads the realistic fake accounts of testdata/userinfo.
func goldenIdentities(t *testing.T) []*Identity {
	t.Helper()
	var out []*Identity
	for _, name := range []string{"citizen", "business", "organisation"} {
		raw, err := os.ReadFile(filepath.Join("testdata", "userinfo", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, mustIdentity(t, raw))
	}
	return out
}

func techIDs(ids []*Identity) []string {
	var out []string
	for _, id := range ids {
		out = append(out, id.TechID)
	}
	return out
}

func TestStaticDirectorySearch(t *testing.T) {
	accts := goldenIdentities(t)
	citizen, business, org := accts[0].TechID, accts[1].TechID, accts[2].TechID
	d := NewStaticDirectory(append(accts, nil)...)
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"name without diacritics", Query{Name: "tran thi thu ha"}, []string{citizen}},
		{"name prefix words", Query{Name: "Trần Hà"}, []string{citizen}},
		{"enterprise name", Query{Name: "cong ty an phat"}, []string{business}},
		{"organisation by agency code", Query{AgencyCode: "000.00.00.H41"}, []string{org}},
		{"CCCD", Query{CCCD: fakeCCCDFemale1991}, []string{citizen}},
		{"CMND", Query{CMND: "186543210"}, []string{citizen}},
		{"phone any form", Query{Phone: "+84 912 345 678"}, []string{citizen}},
		{"email case-insensitive", Query{Email: "LIENHE@anphat.example"}, []string{business}},
		{"tax code", Query{TaxCode: fakeMST}, []string{business}},
		{"AND of criteria", Query{Name: "Nguyen", TaxCode: "2901764533"}, nil},
		{"type filter", Query{Name: "nghe an", Type: AccountCitizen}, nil},
		{"type filter match", Query{Name: "nghe an", Type: AccountOrganisation}, []string{org}},
		{"no match", Query{Name: "Lê Văn Tám"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := d.Search(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if g := techIDs(got); len(g) != len(tt.want) || (len(g) > 0 && g[0] != tt.want[0]) {
				t.Errorf("got %v, want %v", g, tt.want)
			}
		})
	}

	t.Run("limit caps results", func(t *testing.T) {
		many := NewStaticDirectory(accts[0], accts[0], accts[0])
		got, err := many.Search(context.Background(), Query{Name: "Hà", Limit: 2})
		if err != nil || len(got) != 2 {
			t.Fatalf("got %d results, %v", len(got), err)
		}
		got[0].FullName = "changed"
		if accts[0].FullName == "changed" {
			t.Error("result is not a copy")
		}
	})

	t.Run("invalid query", func(t *testing.T) {
		for _, q := range []Query{{}, {Name: "n"}, {Email: "@", Name: "Nguyễn"}} {
			if got, err := d.Search(context.Background(), q); !errors.Is(err, ErrInvalidQuery) || got != nil {
				t.Errorf("%+v: %v %v", q, got, err)
			}
		}
	})

	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := d.Search(ctx, Query{Name: "Hà"}); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestStaticDirectoryLookupTechID(t *testing.T) {
	accts := goldenIdentities(t)
	d := NewStaticDirectory(accts...)
	ctx := context.Background()
	for _, tt := range []struct {
		q    TechIDQuery
		want string
	}{
		{TechIDQuery{CCCD: fakeCCCDFemale1991}, accts[0].TechID},
		{TechIDQuery{CMND: "186543210"}, accts[0].TechID},
		{TechIDQuery{TaxCode: fakeMST}, accts[1].TechID},
		{TechIDQuery{TaxCode: "2901764533"}, accts[2].TechID},
	} {
		if got, err := d.LookupTechID(ctx, tt.q); err != nil || got != tt.want {
			t.Errorf("%+v: got %q, %v; want %q", tt.q, got, err, tt.want)
		}
	}
	if _, err := d.LookupTechID(ctx, TechIDQuery{CCCD: fakeCCCDMale1985 + " "}); err != nil {
		t.Errorf("business representative's CCCD: %v", err)
	}
	if _, err := d.LookupTechID(ctx, TechIDQuery{CMND: "999999999"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown CMND: err = %v, want ErrNotFound", err)
	}
	if _, err := d.LookupTechID(ctx, TechIDQuery{CMND: "9"}); !errors.Is(err, ErrInvalidQuery) {
		t.Errorf("bad CMND: err = %v, want ErrInvalidQuery", err)
	}
}
