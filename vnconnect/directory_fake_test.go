package vnconnect_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
)

// TestHTTPDirectoryAgainstFake runs the directory client against the fake
// Vnconnect's look-up routes: every seeded account is found by each of its
// identifiers, and maps to an Identity without problems.
func TestHTTPDirectoryAgainstFake(t *testing.T) {
	srv := vnconnecttest.NewServer(t)
	reg := srv.Client()
	dir, err := vnconnect.NewHTTPDirectory(vnconnect.DirectoryConfig{
		BaseURL: srv.URL(), ClientID: reg.ID, ClientSecret: reg.Secret,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	accounts := srv.Accounts()
	if len(accounts) < 3 {
		t.Fatalf("only %d seeded accounts", len(accounts))
	}
	for _, a := range accounts {
		t.Run(a.TechID, func(t *testing.T) {
			// The fake's own claims must map cleanly: its seeded data is
			// meant to be valid.
			raw, err := json.Marshal(a.Claims())
			if err != nil {
				t.Fatal(err)
			}
			id, err := vnconnect.IdentityFromClaims(raw)
			if err != nil {
				t.Fatal(err)
			}
			if len(id.Problems) != 0 {
				t.Errorf("seeded account maps with problems: %v", id.Problems)
			}

			var queries []vnconnect.Query
			if a.SoDinhDanh != "" {
				queries = append(queries, vnconnect.Query{CCCD: a.SoDinhDanh})
			}
			if a.Phone != "" {
				queries = append(queries, vnconnect.Query{Phone: a.Phone})
			}
			if a.FullName != "" {
				queries = append(queries, vnconnect.Query{Name: a.FullName})
			}
			if a.AgencyCode != "" {
				queries = append(queries, vnconnect.Query{AgencyCode: a.AgencyCode, Type: vnconnect.AccountOrganisation})
			}
			if a.TaxCode != "" {
				queries = append(queries, vnconnect.Query{TaxCode: a.TaxCode})
			}
			for _, q := range queries {
				found, err := dir.Search(ctx, q)
				if err != nil {
					t.Fatalf("Search(%+v): %v", q, err)
				}
				if !containsTechID(found, a.TechID) {
					t.Errorf("Search(%+v) did not find the account", q)
				}
			}
			if a.TaxCode != "" {
				got, err := dir.LookupTechID(ctx, vnconnect.TechIDQuery{TaxCode: a.TaxCode})
				if err != nil || got == "" {
					t.Errorf("LookupTechID(MST): %q, %v", got, err)
				}
			}
			if a.Type == vnconnecttest.Citizen && a.SoDinhDanh != "" {
				got, err := dir.LookupTechID(ctx, vnconnect.TechIDQuery{CCCD: a.SoDinhDanh})
				if err != nil || got != id.TechID {
					t.Errorf("LookupTechID(CCCD) = %q, %v; want %q", got, err, id.TechID)
				}
			}
		})
	}

	if _, err := dir.LookupTechID(ctx, vnconnect.TechIDQuery{CMND: "000000001"}); !errors.Is(err, vnconnect.ErrNotFound) {
		t.Errorf("unknown CMND: %v, want ErrNotFound", err)
	}

	bad, err := vnconnect.NewHTTPDirectory(vnconnect.DirectoryConfig{
		BaseURL: srv.URL(), ClientID: reg.ID, ClientSecret: reg.Secret + "x",
	})
	if err != nil {
		t.Fatal(err)
	}
	var de *vnconnect.DirectoryError
	if _, err := bad.Search(ctx, vnconnect.Query{Name: "Nguyễn"}); !errors.As(err, &de) || de.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong secret: %v, want *DirectoryError 401", err)
	}
}

func containsTechID(ids []*vnconnect.Identity, techID string) bool {
	for _, id := range ids {
		if id.TechID == techID {
			return true
		}
	}
	return false
}
