package vnconnecttest

import (
	"reflect"
	"regexp"
	"testing"

	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// Every seeded identifier must pass the vnid parsers, and a CCCD must agree
// with its holder's birth year and gender.
func TestSeedAccountsValid(t *testing.T) {
	accounts := SeedAccounts()
	if len(accounts) < 12 {
		t.Fatalf("%d accounts", len(accounts))
	}
	if !reflect.DeepEqual(accounts, SeedAccounts()) {
		t.Fatal("seed is not deterministic")
	}
	byType := map[AccountType]int{}
	seen := map[string]bool{}
	for _, a := range accounts {
		byType[a.Type]++
		t.Run(a.TechID, func(t *testing.T) {
			if !uuidRE.MatchString(a.TechID) || seen[a.TechID] {
				t.Errorf("TechID %q", a.TechID)
			}
			seen[a.TechID] = true
			if loaRank(a.loa()) == 0 || a.FullName == "" {
				t.Errorf("LoA %q name %q", a.LoA, a.FullName)
			}
			if a.Phone != "" {
				if _, err := vnid.ParsePhone(a.Phone); err != nil {
					t.Errorf("phone: %v", err)
				}
			}
			if a.Type != Organisation {
				c, err := vnid.ParseCCCD(a.SoDinhDanh)
				if err != nil {
					t.Fatalf("CCCD: %v", err)
				}
				if err := c.CheckHolder(a.BirthDate.Year(), vnid.Gender(a.Gender)); err != nil {
					t.Errorf("CCCD vs holder: %v", err)
				}
			}
			if a.CMND != "" {
				if _, err := vnid.ParseCMND(a.CMND); err != nil {
					t.Errorf("CMND: %v", err)
				}
			}
			if a.Passport != "" {
				if _, err := vnid.ParsePassport(a.Passport); err != nil {
					t.Errorf("passport: %v", err)
				}
			}
			if a.Type != Citizen {
				if _, err := vnid.ParseMST(a.TaxCode); err != nil {
					t.Errorf("MST %s: %v", a.TaxCode, err)
				}
			}
			if a.Type == Business && (a.EnterpriseCode == "" || a.EnterpriseName == "") {
				t.Error("business without MaSoDoanhNghiep/TenDoanhNghiep")
			}
			if a.Type == Organisation {
				if _, err := vnid.ParseAgencyCode(a.AgencyCode); err != nil {
					t.Errorf("agency code: %v", err)
				}
			}
		})
	}
	if byType[Citizen] < 6 || byType[Business] < 2 || byType[Organisation] < 2 {
		t.Errorf("mix %v", byType)
	}
	for _, id := range []string{CitizenTechID, CitizenFemaleTechID, CitizenLoA1TechID, CitizenLoA4TechID, Citizen2000sTechID,
		BusinessTechID, BusinessBranchTechID, OrganisationTechID, OrganisationChildTechID} {
		if !seen[id] {
			t.Errorf("constant %s names no account", id)
		}
	}
}

func TestSeedNamedAccounts(t *testing.T) {
	s, _ := newTestServer(t)
	c, _ := s.Account(Citizen2000sTechID)
	if c.SoDinhDanh[3] != '2' {
		t.Errorf("born 2001, male: century digit %c", c.SoDinhDanh[3])
	}
	f, _ := s.Account(CitizenFemaleTechID)
	if f.Gender != Female || f.SoDinhDanh[3] != '1' {
		t.Errorf("female born 1992: %d %c", f.Gender, f.SoDinhDanh[3])
	}
	if a, _ := s.Account(CitizenLoA1TechID); a.LoA != "LoA1" {
		t.Error(a.LoA)
	}
	b, _ := s.Account(BusinessBranchTechID)
	m, err := vnid.ParseMST(b.TaxCode)
	if err != nil || m.Branch != "001" {
		t.Errorf("branch MST %v %v", m, err)
	}
	parent, _ := vnid.ParseAgencyCode(mustAccount(t, s, OrganisationTechID).AgencyCode)
	child, _ := vnid.ParseAgencyCode(mustAccount(t, s, OrganisationChildTechID).AgencyCode)
	if !parent.IsAncestorOf(child) {
		t.Errorf("%v is not above %v", parent, child)
	}
}

func mustAccount(t *testing.T, s *Server, id string) Account {
	a, ok := s.Account(id)
	if !ok {
		t.Fatalf("no account %s", id)
	}
	return a
}

func TestMakeMST(t *testing.T) {
	for _, base := range []string{"000000000", "010987654", "999999999", "123456789", "031234567"} {
		mst := makeMST(base)
		if _, err := vnid.ParseMST(mst); err != nil {
			t.Errorf("%s → %s: %v", base, mst, err)
		}
	}
}

func TestAccountsAPI(t *testing.T) {
	s, _ := newTestServer(t, WithAccounts(Account{TechID: "extra-1", FullName: "Thêm", Extra: map[string]any{"NoiThuongTru": "Hà Nội"}}))
	all := s.Accounts()
	if all[0].TechID != CitizenTechID || all[len(all)-1].TechID != "extra-1" {
		t.Error("order")
	}
	all[len(all)-1].Extra["NoiThuongTru"] = "changed"
	if a, _ := s.Account("extra-1"); a.Extra["NoiThuongTru"] != "Hà Nội" || a.Claims()["NoiThuongTru"] != "Hà Nội" {
		t.Error("Accounts leaked internal state or Extra not in claims")
	}
	for _, bad := range []Account{{}, {TechID: "extra-1"}, {TechID: "x", LoA: "LoA9"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AddAccount(%+v) did not panic", bad)
				}
			}()
			s.AddAccount(bad)
		}()
	}
	empty, _ := newTestServer(t, WithoutSeedAccounts())
	if n := len(empty.Accounts()); n != 0 {
		t.Errorf("%d accounts", n)
	}
}
