package vnconnect

import (
	"strings"
	"testing"
)

// TestClaimProblemsDoNotQuoteValues: problem messages go to logs; they
// must describe the defect, not repeat personal data.
func TestClaimProblemsDoNotQuoteValues(t *testing.T) {
	values := map[string]string{
		ClaimEmail:      "Hoa Nguyen <hoa.nguyen@mail.example>",
		ClaimPhone:      "0112345678",
		ClaimCMND:       "1865432109876",
		ClaimPassport:   "123456789",
		ClaimTaxCode:    "0108729367",
		ClaimTechID:     "12345678-aaaa",
		ClaimBirthDate:  "23/08/1991",
		ClaimAgencyCode: "999.99.99",
	}
	var kv []string
	for k, v := range values {
		kv = append(kv, k, `"`+v+`"`)
	}
	id := mustIdentity(t, claimsJSON(kv...))
	if len(id.Problems) != len(values) {
		t.Fatalf("problems: %v", id.Problems)
	}
	for _, p := range id.Problems {
		if v := values[p.Claim]; strings.Contains(p.Error(), v) {
			t.Errorf("%s problem quotes the value: %v", p.Claim, p)
		}
	}
}

func TestScalarClaim(t *testing.T) {
	tests := []struct {
		raw    string
		text   string
		number bool
		ok     bool
		err    bool
	}{
		{`"a"`, "a", false, true, false},
		{`"  a  "`, "a", false, true, false},
		{`""`, "", false, false, false},
		{`null`, "", false, false, false},
		{``, "", false, false, false},
		{`12`, "12", true, true, false},
		{`-1.5e3`, "-1.5e3", true, true, false},
		{`true`, "", false, false, true},
		{`[]`, "", false, false, true},
		{`{}`, "", false, false, true},
		{`"` + strings.Repeat("x", maxClaimTextBytes+1) + `"`, "", false, false, true},
	}
	for _, tt := range tests {
		v, ok, err := scalarClaim([]byte(tt.raw))
		if v.text != tt.text || v.number != tt.number || ok != tt.ok || (err != nil) != tt.err {
			t.Errorf("scalarClaim(%.20s) = %+v %v %v", tt.raw, v, ok, err)
		}
	}
}
