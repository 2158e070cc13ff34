package vnconnect

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// Fake identifiers (generated with vnid.NewCCCD / vnid.CompleteMST; no real
// person or company).
const (
	fakeCCCDFemale1991 = "040191583027" // Nghệ An, female, 1991
	fakeCCCDMale1985   = "001085214609" // Hà Nội, male, 1985
	fakeMST            = "0108729366"
	fakeTechID         = "bc30ae58-571a-47e5-93a8-3a3c52da5f94"
)

// claimsJSON builds a document from sub "u1" plus the given claims, each
// value written as raw JSON.
func claimsJSON(kv ...string) []byte {
	var b strings.Builder
	b.WriteString(`{"sub":"u1"`)
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString(`,"` + kv[i] + `":` + kv[i+1])
	}
	b.WriteString("}")
	return []byte(b.String())
}

func mustIdentity(t *testing.T, raw []byte) *Identity {
	t.Helper()
	id, err := IdentityFromClaims(raw)
	if err != nil {
		t.Fatalf("IdentityFromClaims(%s): %v", raw, err)
	}
	return id
}

func TestIdentityFromClaimsDocumentErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
		want error
	}{
		{"too large", append(claimsJSON(), make([]byte, MaxClaimsBytes)...), ErrResponseTooLarge},
		{"empty", []byte(""), ErrMalformedClaims},
		{"null", []byte("null"), ErrMalformedClaims},
		{"array", []byte(`[{"sub":"u1"}]`), ErrMalformedClaims},
		{"string", []byte(`"sub"`), ErrMalformedClaims},
		{"broken JSON", []byte(`{"sub":"u1"`), ErrMalformedClaims},
		{"trailing garbage", []byte(`{"sub":"u1"} x`), ErrMalformedClaims},
		{"no sub", []byte(`{"TechID":"` + fakeTechID + `"}`), ErrMissingClaim},
		{"empty sub", []byte(`{"sub":""}`), ErrMissingClaim},
		{"blank sub", []byte(`{"sub":"   "}`), ErrMissingClaim},
		{"null sub", []byte(`{"sub":null}`), ErrMissingClaim},
		{"object sub", []byte(`{"sub":{"id":1}}`), ErrMalformedClaims},
		{"bool sub", []byte(`{"sub":true}`), ErrMalformedClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := IdentityFromClaims(tt.raw)
			if !errors.Is(err, tt.want) || id != nil {
				t.Fatalf("got (%v, %v), want error wrapping %v", id, err, tt.want)
			}
		})
	}
}

func TestIdentitySubjectVerbatim(t *testing.T) {
	for _, tt := range []struct{ raw, want string }{
		{`{"sub":" a b "}`, " a b "},
		{`{"sub":"Nguyễn"}`, "Nguyễn"},
		{`{"sub":12345}`, "12345"},
	} {
		if id := mustIdentity(t, []byte(tt.raw)); id.Subject != tt.want {
			t.Errorf("%s: Subject %q, want %q", tt.raw, id.Subject, tt.want)
		}
	}
}

// TestIdentityStringsAndNumbers: WSO2 sends everything as strings, other
// deployments send numbers; both must give the same typed result.
func TestIdentityStringsAndNumbers(t *testing.T) {
	tests := []struct {
		name  string
		claim string
		forms []string
		check func(*Identity) bool
	}{
		{"account type", ClaimAccountType, []string{`"2"`, `2`, `" 2 "`, `2.0`},
			func(id *Identity) bool { return id.AccountType == AccountBusiness }},
		{"gender", ClaimGender, []string{`"2"`, `2`, `"Nữ"`, `"nu"`},
			func(id *Identity) bool { return id.Gender == vnid.Female }},
		{"birth date", ClaimBirthDate, []string{`"19910823"`, `19910823`},
			func(id *Identity) bool { return id.BirthDate == CivilDate{1991, time.August, 23} }},
		{"CCCD, leading zero lost as number", ClaimCCCD, []string{`"` + fakeCCCDFemale1991 + `"`, `40191583027`},
			func(id *Identity) bool { return id.CCCD != nil && id.CCCD.Number == fakeCCCDFemale1991 }},
		{"MST, leading zero lost as number", ClaimTaxCode, []string{`"` + fakeMST + `"`, `108729366`},
			func(id *Identity) bool { return id.TaxCode != nil && id.TaxCode.String() == fakeMST }},
		{"CMND", ClaimCMND, []string{`"086543210"`, `86543210`},
			func(id *Identity) bool { return id.CMND == "086543210" }},
		{"BHXH", ClaimSocialInsurance, []string{`"0112345678"`, `112345678`},
			func(id *Identity) bool { return id.MaBHXH == "0112345678" }},
		{"phone", ClaimPhone, []string{`"0912345678"`, `"+84 912.345.678"`, `912345678`, `84912345678`},
			func(id *Identity) bool { return id.Phone == "+84912345678" }},
		{"status", ClaimStatus, []string{`"1"`, `1`},
			func(id *Identity) bool { return id.Status == "1" }},
		{"loAs", ClaimLoAs, []string{`"LoA3"`, `3`, `["LoA3"]`, `[3]`},
			func(id *Identity) bool { return cmp.Equal(id.LoAs, []string{"LoA3"}) }},
	}
	for _, tt := range tests {
		for _, form := range tt.forms {
			t.Run(tt.name+"/"+form, func(t *testing.T) {
				id := mustIdentity(t, claimsJSON(tt.claim, form))
				if !tt.check(id) || len(id.Problems) != 0 {
					t.Errorf("unexpected mapping: %+v problems %v", id, id.Problems)
				}
			})
		}
	}
}

// TestIdentityMalformedClaims: each bad claim is a problem, never an error;
// the typed field stays zero and the raw value is kept.
func TestIdentityMalformedClaims(t *testing.T) {
	tests := []struct {
		claim  string
		value  string
		vnidIs error // the vnid sentinel expected under the problem, if any
		zero   func(*Identity) bool
	}{
		{ClaimTechID, `"bc30ae58571a47e593a83a3c52da5f94"`, nil, func(id *Identity) bool { return id.TechID == "" }},
		{ClaimTechID, `"zc30ae58-571a-47e5-93a8-3a3c52da5f94"`, nil, func(id *Identity) bool { return id.TechID == "" }},
		{ClaimTechID, `123`, nil, func(id *Identity) bool { return id.TechID == "" }},
		{ClaimAccountType, `"4"`, nil, func(id *Identity) bool { return id.AccountType == AccountUnknown }},
		{ClaimAccountType, `"citizen"`, nil, func(id *Identity) bool { return id.AccountType == AccountUnknown }},
		{ClaimAccountType, `-1`, nil, func(id *Identity) bool { return id.AccountType == AccountUnknown }},
		{ClaimCCCD, `"04019158302"`, vnid.ErrLength, func(id *Identity) bool { return id.CCCD == nil }},
		{ClaimCCCD, `"099191583027"`, vnid.ErrProvince, func(id *Identity) bool { return id.CCCD == nil }},
		{ClaimCCCD, `"04019158302X"`, vnid.ErrCharacter, func(id *Identity) bool { return id.CCCD == nil }},
		{ClaimCCCD, `4.0191583027e10`, nil, func(id *Identity) bool { return id.CCCD == nil }},
		{ClaimCCCD, `{"so":"x"}`, nil, func(id *Identity) bool { return id.CCCD == nil }},
		{ClaimCMND, `"1865432101"`, vnid.ErrLength, func(id *Identity) bool { return id.CMND == "" }},
		{ClaimPassport, `"1234567"`, nil, func(id *Identity) bool { return id.Passport == "" }},
		{ClaimSocialInsurance, `"12345"`, nil, func(id *Identity) bool { return id.MaBHXH == "" }},
		{ClaimBirthDate, `"1991-08-23"`, nil, func(id *Identity) bool { return id.BirthDate.IsZero() }},
		{ClaimBirthDate, `"23/08/1991"`, nil, func(id *Identity) bool { return id.BirthDate.IsZero() }},
		{ClaimBirthDate, `"19910231"`, nil, func(id *Identity) bool { return id.BirthDate.IsZero() }},
		{ClaimBirthDate, `"19911301"`, nil, func(id *Identity) bool { return id.BirthDate.IsZero() }},
		{ClaimBirthDate, `"00000000"`, nil, func(id *Identity) bool { return id.BirthDate.IsZero() }},
		{ClaimBirthDate, `"18991231"`, nil, func(id *Identity) bool { return id.BirthDate.IsZero() }},
		{ClaimBirthDate, `1991082`, nil, func(id *Identity) bool { return id.BirthDate.IsZero() }},
		{ClaimGender, `3`, nil, func(id *Identity) bool { return id.Gender == vnid.GenderUnknown }},
		{ClaimGender, `"khac"`, nil, func(id *Identity) bool { return id.Gender == vnid.GenderUnknown }},
		{ClaimEmail, `"not-an-email"`, nil, func(id *Identity) bool { return id.Email == "" }},
		{ClaimEmail, `"Hà <ha@mail.example>"`, nil, func(id *Identity) bool { return id.Email == "" }},
		{ClaimEmail, `"ha@localhost"`, nil, func(id *Identity) bool { return id.Email == "" }},
		{ClaimPhone, `"0241234567"`, nil, func(id *Identity) bool { return id.Phone == "" }},
		{ClaimPhone, `"abc"`, nil, func(id *Identity) bool { return id.Phone == "" }},
		{ClaimTaxCode, `"0108729367"`, vnid.ErrChecksum, func(id *Identity) bool { return id.TaxCode == nil }},
		{ClaimTaxCode, `"0108729366-000"`, nil, func(id *Identity) bool { return id.TaxCode == nil }},
		{ClaimAgencyCode, `"000.00.00.41"`, nil, func(id *Identity) bool { return id.AgencyCode == nil }},
		{ClaimFullName, `["Trần","Hà"]`, nil, func(id *Identity) bool { return id.FullName == "" }},
		{ClaimAddress, `{"Tinh":"Nghệ An"}`, nil, func(id *Identity) bool { return id.Address == "" }},
		{ClaimStatus, `false`, nil, func(id *Identity) bool { return id.Status == "" }},
	}
	for _, tt := range tests {
		t.Run(tt.claim+"="+tt.value, func(t *testing.T) {
			id := mustIdentity(t, claimsJSON(tt.claim, tt.value))
			if !tt.zero(id) {
				t.Errorf("typed field set from a malformed value: %+v", id)
			}
			p := id.Problem(tt.claim)
			if p == nil || len(id.Problems) != 1 {
				t.Fatalf("want exactly one problem on %s, got %v", tt.claim, id.Problems)
			}
			if !errors.Is(p, ErrInvalidClaim) {
				t.Errorf("problem %v does not wrap ErrInvalidClaim", p)
			}
			if tt.vnidIs != nil {
				var ve *vnid.Error
				if !errors.Is(p, tt.vnidIs) || !errors.As(p, &ve) {
					t.Errorf("problem %v does not carry the vnid error %v", p, tt.vnidIs)
				}
			}
			if string(id.Raw[tt.claim]) != tt.value {
				t.Errorf("raw claim %s = %s, want %s", tt.claim, id.Raw[tt.claim], tt.value)
			}
		})
	}
}

func TestIdentityAbsentClaimsAreNotProblems(t *testing.T) {
	for _, v := range []string{`null`, `""`, `"   "`} {
		var kv []string
		for name := range knownClaims {
			if name != ClaimSubject {
				kv = append(kv, name, v)
			}
		}
		id := mustIdentity(t, claimsJSON(kv...))
		if len(id.Problems) != 0 || id.Extra != nil {
			t.Errorf("value %s: problems %v extra %v", v, id.Problems, id.Extra)
		}
	}
}

func TestIdentityLoAForms(t *testing.T) {
	tests := []struct {
		value   string
		want    []string
		problem bool
	}{
		{`"LoA2"`, []string{"LoA2"}, false},
		{`"loa2"`, []string{"LoA2"}, false},
		{`["LoA1","LoA3"]`, []string{"LoA1", "LoA3"}, false},
		{`["LoA3","LoA1","LoA3"]`, []string{"LoA1", "LoA3"}, false},
		{`"LoA1,LoA2"`, []string{"LoA1", "LoA2"}, false},
		{`"LoA1 LoA4"`, []string{"LoA1", "LoA4"}, false},
		{`[]`, nil, false},
		{`[null,""]`, nil, false},
		{`"LoA5"`, nil, true},
		{`["LoA2","LoA7"]`, []string{"LoA2"}, true},
		{`["LoA2",{"x":1}]`, nil, true},
		{`[1,2`, nil, true}, // cannot happen inside a valid document; see below
		{`{"level":2}`, nil, true},
		{`0`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			raw := claimsJSON(ClaimLoAs, tt.value)
			if !json.Valid(raw) {
				// Exercise mapLoAs directly on a value the JSON decoder
				// would never hand over.
				id := &Identity{Raw: map[string]json.RawMessage{ClaimLoAs: json.RawMessage(tt.value)}}
				id.mapLoAs()
				if id.LoAs != nil || len(id.Problems) != 1 {
					t.Fatalf("got %v %v", id.LoAs, id.Problems)
				}
				return
			}
			id := mustIdentity(t, raw)
			if !cmp.Equal(id.LoAs, tt.want) {
				t.Errorf("LoAs = %v, want %v", id.LoAs, tt.want)
			}
			if got := id.Problem(ClaimLoAs) != nil; got != tt.problem {
				t.Errorf("problem = %v, want %v (%v)", got, tt.problem, id.Problems)
			}
		})
	}
}

func TestIdentityCrossCheck(t *testing.T) {
	tests := []struct {
		name     string
		kv       []string
		problems []string // claims with a mismatch problem
	}{
		{"consistent", []string{ClaimCCCD, `"` + fakeCCCDFemale1991 + `"`, ClaimGender, `2`, ClaimBirthDate, `"19910823"`}, nil},
		{"gender differs", []string{ClaimCCCD, `"` + fakeCCCDFemale1991 + `"`, ClaimGender, `1`}, []string{ClaimGender}},
		{"birth year differs", []string{ClaimCCCD, `"` + fakeCCCDMale1985 + `"`, ClaimBirthDate, `"19860101"`}, []string{ClaimBirthDate}},
		{"both differ", []string{ClaimCCCD, `"` + fakeCCCDMale1985 + `"`, ClaimGender, `"Nữ"`, ClaimBirthDate, `"19860101"`}, []string{ClaimGender, ClaimBirthDate}},
		{"gender unknown skips", []string{ClaimCCCD, `"` + fakeCCCDMale1985 + `"`, ClaimGender, `0`}, nil},
		{"bad CCCD skips", []string{ClaimCCCD, `"001"`, ClaimGender, `2`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := mustIdentity(t, claimsJSON(tt.kv...))
			var got []string
			for _, p := range id.Problems {
				if errors.Is(p, ErrClaimMismatch) {
					if !errors.Is(p, vnid.ErrMismatch) {
						t.Errorf("%v: does not wrap vnid.ErrMismatch", p)
					}
					got = append(got, p.Claim)
				}
			}
			if !cmp.Equal(got, tt.problems) {
				t.Errorf("mismatch problems on %v, want %v", got, tt.problems)
			}
			// Both sides stay available: the relying party decides.
			if tt.name == "gender differs" && (id.Gender != vnid.Male || id.CCCD == nil) {
				t.Error("a side of the mismatch was dropped")
			}
		})
	}
}

func TestIdentityExtraAndClaim(t *testing.T) {
	id := mustIdentity(t, claimsJSON(
		"QueQuan", `"Xã Diễn Thành"`, "SoThanhVien", `4`, "ThanhVien", `[{"Ten":"A"}]`, "Trong", `""`, "Co", `true`))
	want := map[string]string{"QueQuan": "Xã Diễn Thành", "SoThanhVien": "4"}
	if !cmp.Equal(id.Extra, want) {
		t.Errorf("Extra = %v, want %v", id.Extra, want)
	}
	if len(id.Problems) != 0 {
		t.Errorf("unknown claims must not be problems: %v", id.Problems)
	}
	var members []struct{ Ten string }
	if err := id.Claim("ThanhVien", &members); err != nil || len(members) != 1 || members[0].Ten != "A" {
		t.Errorf("Claim(ThanhVien) = %v, %v", members, err)
	}
	var s string
	if err := id.Claim("KhongCo", &s); !errors.Is(err, ErrMissingClaim) {
		t.Errorf("Claim(absent) = %v, want ErrMissingClaim", err)
	}
	if err := id.Claim("ThanhVien", &s); err == nil || errors.Is(err, ErrMissingClaim) {
		t.Errorf("Claim(wrong type) = %v, want a decode error", err)
	}
}

func TestIdentityTechIDCanonical(t *testing.T) {
	id := mustIdentity(t, claimsJSON(ClaimTechID, `" BC30AE58-571A-47E5-93A8-3A3C52DA5F94 "`))
	if id.TechID != fakeTechID {
		t.Errorf("TechID = %q, want %q", id.TechID, fakeTechID)
	}
}

func TestAccountTypeString(t *testing.T) {
	for typ, want := range map[AccountType]string{
		AccountUnknown: "Không xác định", AccountCitizen: "Công dân", AccountBusiness: "Doanh nghiệp",
		AccountOrganisation: "Cơ quan, tổ chức", 7: "LoaiTaiKhoan(7)",
	} {
		if got := typ.String(); got != want {
			t.Errorf("AccountType(%d).String() = %q, want %q", int(typ), got, want)
		}
	}
}

func TestDisplayNameAndHighestLoA(t *testing.T) {
	id := &Identity{EnterpriseName: "Công ty An Phát"}
	if id.DisplayName() != "Công ty An Phát" || id.HighestLoA() != "" {
		t.Errorf("got %q %q", id.DisplayName(), id.HighestLoA())
	}
	id.FullName, id.LoAs = "Nguyễn Văn Minh", []string{"LoA1", "LoA2"}
	if id.DisplayName() != "Nguyễn Văn Minh" || id.HighestLoA() != "LoA2" {
		t.Errorf("got %q %q", id.DisplayName(), id.HighestLoA())
	}
}
