package changeform_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"

	"github.com/rpkit-vn/rpkit/rbac/changeform"
	"github.com/xuri/excelize/v2"
)

func TestParseFormats(t *testing.T) {
	ctx := context.Background()
	table := fixtureTable()
	utf16le := func(b []byte) []byte {
		u := utf16.Encode([]rune(string(b)))
		out := []byte{0xFF, 0xFE}
		for _, c := range u {
			out = append(out, byte(c), byte(c>>8))
		}
		return out
	}
	cases := []struct {
		name string
		data []byte
		fmt  string
	}{
		{"csv comma", csvBytes(t, table, ','), "csv"},
		{"csv semicolon", csvBytes(t, table, ';'), "csv"},
		{"csv tab (pasted from Word)", csvBytes(t, table, '\t'), "csv"},
		{"csv with BOM", append([]byte{0xEF, 0xBB, 0xBF}, csvBytes(t, table, ',')...), "csv"},
		{"csv UTF-16", utf16le(csvBytes(t, table, '\t')), "csv"},
		{"xlsx", xlsxBytes(t, table, false), "xlsx"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := changeform.Parse(ctx, bytes.NewReader(c.data), changeform.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != c.fmt || f.HeaderLine != 3 {
				t.Errorf("format %s header line %d, want %s 3", f.Format, f.HeaderLine, c.fmt)
			}
			want := 10 // the "...." placeholder, blank line and footnotes are layout
			if len(f.Rows) != want {
				t.Fatalf("%d rows, want %d: %+v", len(f.Rows), want, f.Rows)
			}
			if r := f.Rows[0]; r.Line != 4 || r.STT != "1" || r.Subsystem != paknLetter || r.Note != "Bổ sung" {
				t.Errorf("first row = %+v", r)
			}
		})
	}
}

func TestParseXLSXMergedCells(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "form-merged.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := changeform.ParseXLSX(context.Background(), bytes.NewReader(data), changeform.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if r := f.Rows[1]; r.Subsystem != paknLetter || !r.SubsystemFromAbove || f.Rows[0].SubsystemFromAbove {
		t.Errorf("row under a merged subsystem cell: %+v, want the value from above", r)
	}
	if f.Sheet != "Danh sách" {
		t.Errorf("sheet %q", f.Sheet)
	}
}

// A tiny workbook naming the last row Excel allows must cost no more than
// any other: the sheet is streamed, never loaded whole.
func TestParseXLSXFarRow(t *testing.T) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"STT"}); err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1048576", []any{"x"}); err != nil {
		t.Fatal(err)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = changeform.ParseXLSX(context.Background(), bytes.NewReader(b.Bytes()), changeform.Limits{})
	if !errors.Is(err, changeform.ErrNoHeader) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("parsing a %d-byte workbook took %v", b.Len(), d)
	}
}

func TestParseHeaderVariants(t *testing.T) {
	for _, h := range [][]string{
		{"stt", "PHÂN HỆ", "HỌ VÀ TÊN", "SỐ CMND/CCCD", "GHI CHÚ"},
		{"Số thứ tự", "Hệ thống", "Họ tên", "Số định danh cá nhân"},
		{"TT", "Phan he can bo sung", "Ho va ten CCVC", "So CCCD", "Ghi chu"},
		// Decomposed (NFD) text, as some systems send it.
		{"STT", norm.NFD.String("Phân hệ"), norm.NFD.String("Họ và tên"), norm.NFD.String("Số CMND"), "Ghi chú"},
	} {
		data := csvBytes(t, [][]string{h, {"1", "PAKN", "Nguyễn Văn A", "040085000001"}}, ',')
		f, err := changeform.ParseCSV(context.Background(), bytes.NewReader(data), changeform.Limits{})
		if err != nil {
			t.Errorf("%q: %v", h, err)
			continue
		}
		if len(f.Rows) != 1 || f.Rows[0].FullName != "Nguyễn Văn A" {
			t.Errorf("%q: rows %+v", h, f.Rows)
		}
	}
}

func TestParseErrors(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("ễ", 50)
	rows := func(n int) [][]string {
		out := [][]string{header}
		for i := range n {
			out = append(out, []string{"1", "PAKN", "Nguyễn Văn A", "040085000001", string(rune('a' + i%26))})
		}
		return out
	}
	cases := []struct {
		name   string
		data   []byte
		lim    changeform.Limits
		want   error
		line   int
		column string
	}{
		{"no header", csvBytes(t, [][]string{{"a", "b"}, {"c", "d"}}, ','), changeform.Limits{}, changeform.ErrNoHeader, 0, ""},
		{"header too low", csvBytes(t, append([][]string{{"x"}, {"y"}, {"z"}}, header), ','), changeform.Limits{HeaderScanRows: 2}, changeform.ErrNoHeader, 0, ""},
		{"too many rows", csvBytes(t, rows(6), ','), changeform.Limits{MaxRows: 5}, changeform.ErrTooManyRows, 7, ""},
		{"cell too long", csvBytes(t, [][]string{header, {"1", "PAKN", long, "040085000001"}}, ','), changeform.Limits{MaxCellRunes: 40}, changeform.ErrCellTooLong, 2, changeform.ColFullName},
		{"file too large", csvBytes(t, rows(50), ','), changeform.Limits{MaxFileBytes: 100}, changeform.ErrTooLarge, 0, ""},
		{"legacy code page", []byte("STT,Ph\xe2n h\xea,H\xf5 t\xean,S\xf5 CMND\n"), changeform.Limits{}, changeform.ErrEncoding, 0, ""},
		{"not a workbook", []byte("PK\x03\x04garbage"), changeform.Limits{}, changeform.ErrFormat, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := changeform.Parse(ctx, bytes.NewReader(c.data), c.lim)
			var pe *changeform.ParseError
			if !errors.Is(err, c.want) || !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *ParseError wrapping %v", err, c.want)
			}
			if pe.Line != c.line || pe.Column != c.column {
				t.Errorf("at line %d column %q, want %d %q (%v)", pe.Line, pe.Column, c.line, c.column, err)
			}
		})
	}
}

// A workbook whose parts uncompress to far more than the limit is refused
// from the zip directory, before excelize inflates anything.
func TestParseXLSXZipBomb(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range 8 {
		if _, err := w.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 64<<10 {
		t.Fatalf("bomb is %d bytes compressed; the test wants a small file", b.Len())
	}
	_, err = changeform.ParseXLSX(context.Background(), bytes.NewReader(b.Bytes()), changeform.Limits{MaxUnzipBytes: 4 << 20})
	if !errors.Is(err, changeform.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	// Too many parts.
	b.Reset()
	zw = zip.NewWriter(&b)
	for i := range 20 {
		if _, err := zw.Create("x/" + strings.Repeat("a", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	_ = zw.Close()
	_, err = changeform.ParseXLSX(context.Background(), bytes.NewReader(b.Bytes()), changeform.Limits{MaxZipEntries: 10})
	if !errors.Is(err, changeform.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge for too many parts", err)
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rows := [][]string{header}
	for range 600 {
		rows = append(rows, []string{"1", "PAKN", "Nguyễn Văn A", "040085000001"})
	}
	if _, err := changeform.ParseCSV(ctx, bytes.NewReader(csvBytes(t, rows, ',')), changeform.Limits{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestParseID(t *testing.T) {
	cases := []struct {
		in, kind, number string
		repaired, bad    bool
	}{
		{"040085000001", changeform.IDKindCCCD, "040085000001", false, false},
		{"040 085 000 001", changeform.IDKindCCCD, "040085000001", false, false},
		{"'040.085.000.001", changeform.IDKindCCCD, "040085000001", false, false},
		{"40085000001", changeform.IDKindCCCD, "040085000001", true, false},
		{"1085004217", changeform.IDKindCCCD, "001085004217", true, false},
		{"186543210", changeform.IDKindCMND, "186543210", false, false},
		{"13572468", changeform.IDKindCMND, "013572468", true, false},
		{"12345", "", "", false, true},
		{"0400850000011", "", "", false, true},
		{"CCCD 040085000001", "", "", false, true},
		{"999085000001", "", "", false, true}, // province 999 does not exist
		{"", "", "", false, true},
	}
	for _, c := range cases {
		kind, number, repaired, err := changeform.ParseIDForTest(c.in)
		if (err != nil) != c.bad || kind != c.kind || number != c.number || repaired != c.repaired {
			t.Errorf("parseID(%q) = %q %q %v %v", c.in, kind, number, repaired, err)
		}
	}
}
