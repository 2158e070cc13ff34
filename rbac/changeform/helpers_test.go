package changeform_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/rbac/changeform"
	"github.com/rpkit-vn/rpkit/rbac/rbactest"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
	"github.com/xuri/excelize/v2"
)

// The seed letter's column headings and subsystem wording (Kiên Giang,
// 6112/VP-KGVX), with fake people from rbactest's world.
const (
	titleRow   = "DANH SÁCH BỔ SUNG TÀI KHOẢN XỬ LÝ TRÊN CÁC PHÂN HỆ CỦA CỔNG DỊCH VỤ CÔNG QUỐC GIA"
	paknLetter = "Hệ thống tiếp nhận, xử lý, phản ánh kiến nghị của người dân, doanh nghiệp"
	csdlLetter = "Cơ sở dữ liệu quốc gia về thủ tục hành chính"
)

var header = []string{"STT", "Phân hệ cần bổ sung CCVC xử lý", "Họ và tên CCVC", "Số CMND", "Ghi chú"}

// fixtureRows is the golden form's table (below the header): one row per
// outcome Plan distinguishes for a super admin of p-na.
func fixtureRows() [][]string {
	p := rbactest.Person
	cccd := func(i int) string { return p(i).CCCD.Number }
	return [][]string{
		{"1", paknLetter, p(1).FullName, cccd(1), "Bổ sung"},
		// Upper case without diacritics, as typed on a phone.
		{"2", paknLetter, upperFold(p(2).FullName), cccd(2), ""},
		{"3", csdlLetter, p(3).FullName, cccd(3)[:3] + " " + cccd(3)[3:6] + " " + cccd(3)[6:], "số có dấu cách"},
		{"4", paknLetter, "Trần Văn Sai Tên", cccd(4), "tên không khớp"},
		{"5", paknLetter, "Phạm Chưa Đăng Ký", "040085999999", "chưa đăng ký Vnconnect"},
		{"6", paknLetter, p(6).FullName, "12345", "số sai"},
		{"7", "Hệ thống quản lý văn bản điều hành", p(7).FullName, cccd(7), "phân hệ lạ"},
		{"8", paknLetter, p(1).FullName, cccd(1), "trùng dòng 1"},
		{"9", "PAKN", p(5).FullName, cccd(5), "đã có"},
		// Excel stored the number as a number: the leading zero is gone.
		{"10", "Hệ thống tiếp nhận, xử lý phản ánh kiến nghị…", p(8).FullName, cccd(8)[1:], "mất số 0"},
		{"", "", "", "", ""},
		{"....", "", "", "", ""},
	}
}

// upperFold upper-cases s without its diacritics.
func upperFold(s string) string {
	return strings.ToUpper(vnid.FoldName(s))
}

// fixtureTable is the whole sheet: title, blank line, header, rows,
// footnotes.
func fixtureTable() [][]string {
	t := [][]string{{titleRow}, {}, header}
	t = append(t, fixtureRows()...)
	return append(t, []string{"Ghi chú:"}, []string{"- CCVC: Công chức, Viên chức."})
}

func csvBytes(t testing.TB, rows [][]string, sep rune) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = sep
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// xlsxBytes writes rows to a workbook. mergeSub merges the subsystem cells
// of the first two data rows, as provinces do; the second then reads
// empty in the sheet's XML.
func xlsxBytes(t testing.TB, rows [][]string, mergeSub bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Danh sách"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		for j, v := range row {
			if v == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if mergeSub {
		// Header on row 3, data from row 4.
		if err := f.SetCellStr(sheet, "B5", ""); err != nil {
			t.Fatal(err)
		}
		if err := f.MergeCell(sheet, "B4", "B5"); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// world is rbactest's world with a super admin of Nghệ An (p-na) and
// person 5 already on PAKN there.
type world struct {
	*rbactest.World
	super string
	im    *changeform.Importer
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := rbactest.NewWorld(t, rbac.NewMemoryStore())
	super := w.Super("p-na")
	w.Member(super, 5, rbac.SubsystemPAKN, "na-soyt")
	im, err := changeform.New(changeform.Config{Service: w.Svc, Directory: w.Dir})
	if err != nil {
		t.Fatal(err)
	}
	return &world{World: w, super: super, im: im}
}
