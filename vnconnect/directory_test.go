package vnconnect

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

func TestQueryNormalize(t *testing.T) {
	tests := []struct {
		name      string
		in        Query
		want      Query
		errField  string // "-" = no error
		vnidError error
	}{
		{"CCCD trimmed", Query{CCCD: " " + fakeCCCDMale1985 + " "}, Query{CCCD: fakeCCCDMale1985, Limit: DefaultSearchLimit}, "-", nil},
		{"phone to E.164", Query{Phone: "0912.345.678"}, Query{Phone: "+84912345678", Limit: DefaultSearchLimit}, "-", nil},
		{"name spaces collapsed", Query{Name: "  Nguyễn   Văn  "}, Query{Name: "Nguyễn Văn", Limit: DefaultSearchLimit}, "-", nil},
		{"agency code", Query{AgencyCode: "000.00.00.H41", Type: AccountOrganisation}, Query{AgencyCode: "000.00.00.H41", Type: AccountOrganisation, Limit: DefaultSearchLimit}, "-", nil},
		{"tax code branch", Query{TaxCode: fakeMST + "-001"}, Query{TaxCode: fakeMST + "-001", Limit: DefaultSearchLimit}, "-", nil},
		{"limit capped", Query{CMND: "186543210", Limit: 5000}, Query{CMND: "186543210", Limit: MaxSearchLimit}, "-", nil},
		{"limit kept", Query{Email: "a@mail.example", Limit: 3}, Query{Email: "a@mail.example", Limit: 3}, "-", nil},
		{"empty", Query{}, Query{}, "", nil},
		{"only type", Query{Type: AccountCitizen}, Query{}, "", nil},
		{"blank fields", Query{CCCD: "  ", Name: " "}, Query{}, "", nil},
		{"bad CCCD province", Query{CCCD: "099191583027"}, Query{}, "CCCD", vnid.ErrProvince},
		{"bad CCCD length", Query{CCCD: "0401915830"}, Query{}, "CCCD", vnid.ErrLength},
		{"bad CMND", Query{CMND: "12AB"}, Query{}, "CMND", nil},
		{"bad phone", Query{Phone: "0241234567"}, Query{}, "Phone", nil},
		{"bad MST", Query{TaxCode: "0108729367"}, Query{}, "TaxCode", vnid.ErrChecksum},
		{"bad agency", Query{AgencyCode: "H41"}, Query{}, "AgencyCode", nil},
		{"bad email", Query{Email: "x"}, Query{}, "Email", nil},
		{"short name", Query{Name: "Đ"}, Query{}, "Name", nil},
		{"bad type", Query{Name: "An", Type: 9}, Query{}, "Type", nil},
		{"negative limit", Query{Name: "An", Limit: -1}, Query{}, "Limit", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Normalize()
			if tt.errField == "-" {
				if err != nil {
					t.Fatalf("Normalize: %v", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Normalize (-want +got):\n%s", diff)
				}
				return
			}
			var qe *QueryError
			if !errors.Is(err, ErrInvalidQuery) || !errors.As(err, &qe) || qe.Field != tt.errField {
				t.Fatalf("err = %v, want *QueryError on %q", err, tt.errField)
			}
			if !strings.HasPrefix(err.Error(), "vnconnect: invalid directory query: "+tt.errField) {
				t.Errorf("message %q does not name the field", err)
			}
			if tt.vnidError != nil && !errors.Is(err, tt.vnidError) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.vnidError)
			}
		})
	}
}

func TestTechIDQueryNormalize(t *testing.T) {
	tests := []struct {
		in         TechIDQuery
		key, value string
		errField   string
	}{
		{TechIDQuery{TaxCode: " " + fakeMST}, ClaimTaxCode, fakeMST, "-"},
		{TechIDQuery{CCCD: fakeCCCDMale1985}, ClaimCCCD, fakeCCCDMale1985, "-"},
		{TechIDQuery{CMND: "186543210"}, ClaimCMND, "186543210", "-"},
		{TechIDQuery{}, "", "", ""},
		{TechIDQuery{TaxCode: fakeMST, CCCD: fakeCCCDMale1985}, "", "", ""},
		{TechIDQuery{TaxCode: "123"}, "", "", "TaxCode"},
		{TechIDQuery{CCCD: "123"}, "", "", "CCCD"},
		{TechIDQuery{CMND: "123"}, "", "", "CMND"},
	}
	for _, tt := range tests {
		key, value, err := tt.in.normalize()
		if tt.errField == "-" {
			if err != nil || key != tt.key || value != tt.value {
				t.Errorf("%+v: got %q %q %v", tt.in, key, value, err)
			}
			continue
		}
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Field != tt.errField || !errors.Is(err, ErrInvalidQuery) {
			t.Errorf("%+v: err = %v, want *QueryError on %q", tt.in, err, tt.errField)
		}
	}
}
