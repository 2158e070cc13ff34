package vnconnecttest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func userInfoStatus(t *testing.T, s *Server, at string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL()+PathUserInfo, nil)
	req.Header.Set("Authorization", "Bearer "+at)
	st, _, _ := do(t, req)
	return st
}

func TestUserInfo(t *testing.T) {
	s, clk := newTestServer(t)
	at := tokens(t, s, CitizenTechID)["access_token"].(string)
	a, _ := s.Account(CitizenTechID)

	get := func() *http.Request {
		r, _ := http.NewRequest(http.MethodGet, s.URL()+PathUserInfo, nil)
		r.Header.Set("Authorization", "Bearer "+at)
		return r
	}
	postHeader := func() *http.Request {
		r, _ := http.NewRequest(http.MethodPost, s.URL()+PathUserInfo, nil)
		r.Header.Set("Authorization", "bearer "+at)
		return r
	}
	postForm := func() *http.Request {
		r, _ := http.NewRequest(http.MethodPost, s.URL()+PathUserInfo, strings.NewReader(url.Values{"access_token": {at}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	for name, mk := range map[string]func() *http.Request{"GET": get, "POST header": postHeader, "POST form": postForm} {
		t.Run(name, func(t *testing.T) {
			st, m, _ := do(t, mk())
			if st != http.StatusOK {
				t.Fatalf("status %d %v", st, m)
			}
			want := map[string]any{
				"sub": CitizenTechID, "TechID": CitizenTechID, "LoaiTaiKhoan": 1.0, "HoVaTen": "Nguyễn Văn An",
				"SoDinhDanh": a.SoDinhDanh, "NgayThangNamSinh": "19850314", "GioiTinh": 1.0, "SoDienThoai": "0912345678",
				"TrangThai": "1", "ThuDienTu": "nguyenvanan@example.com", "SoCMND": "013572468",
			}
			for k, v := range want {
				if m[k] != v {
					t.Errorf("%s = %#v, want %#v", k, m[k], v)
				}
			}
			if loas, _ := m["loAs"].([]any); len(loas) != 2 || loas[1] != "LoA2" {
				t.Errorf("loAs %v", m["loAs"])
			}
			if _, ok := m["MaSoThue"]; ok {
				t.Error("unset claim sent")
			}
		})
	}

	t.Run("no token", func(t *testing.T) {
		r, _ := http.NewRequest(http.MethodGet, s.URL()+PathUserInfo, nil)
		st, _, h := do(t, r)
		if st != http.StatusUnauthorized || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%d %v", st, h)
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		if st := userInfoStatus(t, s, "bogus"); st != http.StatusUnauthorized {
			t.Errorf("%d", st)
		}
	})
	t.Run("header and form", func(t *testing.T) {
		r := postForm()
		r.Header.Set("Authorization", "Bearer "+at)
		if st, _, _ := do(t, r); st != http.StatusBadRequest {
			t.Errorf("%d", st)
		}
	})
	t.Run("expired", func(t *testing.T) {
		clk.Advance(DefaultAccessTokenTTL)
		if st := userInfoStatus(t, s, at); st != http.StatusUnauthorized {
			t.Errorf("%d", st)
		}
	})
}

func TestUserInfoBusinessAndOrganisation(t *testing.T) {
	s, _ := newTestServer(t)
	for _, tc := range []struct {
		techID string
		want   map[string]any
	}{
		{BusinessTechID, map[string]any{"LoaiTaiKhoan": 2.0, "TenDoanhNghiep": "Công ty TNHH Phần mềm Sông Hồng Xanh"}},
		{OrganisationTechID, map[string]any{"LoaiTaiKhoan": 3.0, "MaDinhDanhCoQuan": "000.00.00.H41"}},
	} {
		at := tokens(t, s, tc.techID)["access_token"].(string)
		r, _ := http.NewRequest(http.MethodGet, s.URL()+PathUserInfo, nil)
		r.Header.Set("Authorization", "Bearer "+at)
		_, m, _ := do(t, r)
		for k, v := range tc.want {
			if m[k] != v {
				t.Errorf("%s: %s = %v, want %v", tc.techID, k, m[k], v)
			}
		}
		if m["MaSoThue"] == nil {
			t.Errorf("%s: no MaSoThue", tc.techID)
		}
	}
}
