package vnconnecttest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

func search(t *testing.T, s *Server, q url.Values, id, secret string) (int, []string, bool) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL()+PathSearch+"?"+q.Encode(), nil)
	req.SetBasicAuth(id, secret)
	st, m, _ := do(t, req)
	var ids []string
	accts, _ := m["accounts"].([]any)
	for _, a := range accts {
		ids = append(ids, a.(map[string]any)["TechID"].(string))
	}
	tr, _ := m["truncated"].(bool)
	return st, ids, tr
}

func TestDirectorySearch(t *testing.T) {
	s, _ := newTestServer(t)
	citizen, _ := s.Account(CitizenTechID)
	org, _ := s.Account(OrganisationTechID)
	cases := []struct {
		name string
		q    url.Values
		want []string // exactly these, in order; nil = check only non-empty
	}{
		{"cccd", url.Values{"cccd": {citizen.SoDinhDanh}}, []string{CitizenTechID}},
		{"cmnd", url.Values{"cmnd": {citizen.CMND}}, []string{CitizenTechID}},
		{"phone local", url.Values{"phone": {"0912345678"}}, []string{CitizenTechID}},
		{"phone E.164", url.Values{"phone": {"+84 912 345 678"}}, []string{CitizenTechID}},
		{"phone dotted 84", url.Values{"phone": {"84.912.345.678"}}, []string{CitizenTechID}},
		{"name without diacritics", url.Values{"name": {"nguyen van an"}}, []string{CitizenTechID}},
		{"name đ folded", url.Values{"name": {"LE HOANG DUC"}}, []string{Citizen2000sTechID}},
		{"name words in order", url.Values{"name": {"Nguyễn Ánh"}}, []string{"634f12fc-f815-4ea6-ace6-caeb8bdf14bd"}},
		{"name several", url.Values{"name": {"nguyen"}, "type": {"1"}}, []string{CitizenTechID, "634f12fc-f815-4ea6-ace6-caeb8bdf14bd"}},
		{"enterprise name", url.Values{"name": {"song hong xanh"}}, []string{BusinessTechID, BusinessBranchTechID}},
		{"email any case", url.Values{"email": {"NguyenVanAn@Example.com"}}, []string{CitizenTechID}},
		{"agency code", url.Values{"agency_code": {"000.00.00.H41"}}, []string{OrganisationTechID}},
		{"mst", url.Values{"mst": {org.TaxCode}}, []string{OrganisationTechID}},
		{"AND of filters", url.Values{"name": {"nguyen van an"}, "phone": {"0987654321"}}, []string{}},
		{"type filter", url.Values{"name": {"nghe an"}, "type": {"3"}}, []string{OrganisationTechID, OrganisationChildTechID}},
		{"no match", url.Values{"cccd": {"001099000000"}}, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, ids, _ := search(t, s, tc.q, DefaultClientID, DefaultClientSecret)
			if st != http.StatusOK {
				t.Fatalf("status %d", st)
			}
			if len(ids) != len(tc.want) {
				t.Fatalf("got %v, want %v", ids, tc.want)
			}
			for i := range ids {
				if ids[i] != tc.want[i] {
					t.Errorf("got %v, want %v", ids, tc.want)
				}
			}
		})
	}
	t.Run("limit and truncated", func(t *testing.T) {
		_, ids, tr := search(t, s, url.Values{"type": {"1"}, "name": {"i"}, "limit": {"2"}}, DefaultClientID, DefaultClientSecret)
		if len(ids) != 2 || !tr {
			t.Errorf("%v truncated=%v", ids, tr)
		}
	})
	for name, q := range map[string]url.Values{"no criterion": {}, "bad limit": {"name": {"a"}, "limit": {"0"}}, "bad type": {"name": {"a"}, "type": {"4"}}} {
		t.Run(name, func(t *testing.T) {
			if st, _, _ := search(t, s, q, DefaultClientID, DefaultClientSecret); st != http.StatusBadRequest {
				t.Errorf("%d", st)
			}
		})
	}
	t.Run("auth", func(t *testing.T) {
		if st, _, _ := search(t, s, url.Values{"name": {"an"}}, DefaultClientID, "wrong"); st != http.StatusUnauthorized {
			t.Errorf("%d", st)
		}
	})
	t.Run("claims shape", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+PathSearch+"?cccd="+citizen.SoDinhDanh, nil)
		req.SetBasicAuth(DefaultClientID, DefaultClientSecret)
		_, m, _ := do(t, req)
		a := m["accounts"].([]any)[0].(map[string]any)
		if a["HoVaTen"] != "Nguyễn Văn An" || a["sub"] != CitizenTechID || a["NgayThangNamSinh"] != "19850314" {
			t.Errorf("%v", a)
		}
	})
}

func TestTraCuuTechID(t *testing.T) {
	s, _ := newTestServer(t)
	citizen, _ := s.Account(CitizenTechID)
	biz, _ := s.Account(BusinessTechID)
	call := func(body any, id, secret string) (int, map[string]any) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, s.URL()+PathTraCuuTechID, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(id, secret)
		st, m, _ := do(t, req)
		return st, m
	}
	cases := []struct {
		name   string
		body   any
		status int
		want   string
	}{
		{"MaSoThue", map[string]string{"MaSoThue": biz.TaxCode}, 200, BusinessTechID},
		{"SoDinhDanh", map[string]string{"SoDinhDanh": citizen.SoDinhDanh}, 200, CitizenTechID},
		{"SoCMND", map[string]string{"SoCMND": citizen.CMND}, 200, CitizenTechID},
		{"representative's CCCD finds the business", map[string]string{"SoDinhDanh": biz.SoDinhDanh}, 200, BusinessTechID},
		{"not found", map[string]string{"MaSoThue": "0100000000"}, 404, ""},
		{"two keys", map[string]string{"MaSoThue": biz.TaxCode, "SoCMND": citizen.CMND}, 400, ""},
		{"empty", map[string]string{}, 400, ""},
		{"not an object", []int{1}, 400, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, m := call(tc.body, DefaultClientID, DefaultClientSecret)
			if st != tc.status {
				t.Fatalf("%d %v", st, m)
			}
			if tc.want != "" && m["TECHNICALID"] != tc.want {
				t.Errorf("%v", m)
			}
			if st == 404 && m["error"] != "not_found" {
				t.Errorf("%v", m)
			}
		})
	}
	if st, _ := call(map[string]string{"MaSoThue": biz.TaxCode}, "nobody", "x"); st != http.StatusUnauthorized {
		t.Errorf("unauthenticated: %d", st)
	}
}

func TestFoldName(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Văn Đức":     "nguyen van duc",
		"  TRẦN   THỊ  ":     "tran thi",
		"Ủy ban nhân dân":    "uy ban nhan dan",
		"Nguye\u0302\u0303n": "nguyen", // decomposed input
	} {
		if got := foldName(in); got != want {
			t.Errorf("foldName(%q) = %q, want %q", in, got, want)
		}
	}
}
