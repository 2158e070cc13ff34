package changeform_test

import (
	"errors"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/changeform"
)

func TestAliasTable(t *testing.T) {
	tab, err := changeform.NewAliasTable(changeform.DefaultAliases()...)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		cell string
		want rbac.SubsystemID
		amb  bool
	}{
		// The seed letter's wording, with its stray comma.
		{"Hệ thống tiếp nhận, xử lý, phản ánh kiến nghị của người dân, doanh nghiệp", rbac.SubsystemPAKN, false},
		{"Hệ thống tiếp nhận, xử lý phản ánh kiến nghị…", rbac.SubsystemPAKN, false},
		{"HE THONG TIEP NHAN XU LY PHAN ANH KIEN NGHI", rbac.SubsystemPAKN, false},
		{"Hệ thống tiếp nhận, xử lý phản ánh, kiến nghị của người dân, doanh nghiệp (pakn.dichvucong.gov.vn)", rbac.SubsystemPAKN, false},
		{"pakn", rbac.SubsystemPAKN, false},
		{"Cơ sở dữ liệu quốc gia về thủ tục hành chính", rbac.SubsystemCSDL, false},
		{"csdl tthc", rbac.SubsystemCSDL, false},
		{"Phân hệ quản trị tình hình kết nối của bộ, ngành, địa phương", rbac.SubsystemQuantri, false},
		{"Dịch vụ công \"Chứng thực bản sao điện tử từ bản chính\"", rbac.SubsystemQuantri, false},
		{"Hệ thống quản lý văn bản", "", false},
		{"Hệ thống", "", false}, // too short to be a cut-short name
		{"", "", false},
	}
	for _, c := range cases {
		got, ok, amb := tab.Lookup(c.cell)
		if got != c.want || ok != (c.want != "") || amb != c.amb {
			t.Errorf("Lookup(%q) = %q %v %v, want %q", c.cell, got, ok, amb, c.want)
		}
	}
	// A prefix shared by two subsystems' names is ambiguous, not a guess.
	tab2, err := changeform.NewAliasTable(
		changeform.Alias{Subsystem: "a", Names: []string{"Hệ thống quản lý văn bản đến"}},
		changeform.Alias{Subsystem: "b", Names: []string{"Hệ thống quản lý văn bản đi"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, amb := tab2.Lookup("Hệ thống quản lý văn bản"); ok || !amb {
		t.Errorf("shared prefix: ok=%v ambiguous=%v", ok, amb)
	}
	// One name for two subsystems is a configuration error.
	_, err = changeform.NewAliasTable(
		changeform.Alias{Subsystem: "a", Names: []string{"Phản ánh"}},
		changeform.Alias{Subsystem: "b", Names: []string{"PHAN ANH"}})
	if !errors.Is(err, changeform.ErrConfig) {
		t.Errorf("clash: err = %v", err)
	}
}
