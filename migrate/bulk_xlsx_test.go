package migrate_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/migrate"
	"github.com/xuri/excelize/v2"
)

// workbook builds an XLSX file whose first sheet holds rows; a cell that
// is an int is stored as a number.
func workbook(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if len(row) > 0 {
			if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const cccd = "040080100001" // a valid CCCD (Nghệ An, male, 1980)

// TestParseXLSXMatchesCSV: the same table as CSV and as XLSX gives the
// same rows.
func TestParseXLSXMatchesCSV(t *testing.T) {
	table := [][]string{
		{"STT", "Tài khoản", "CCCD/CMND", "Phân hệ"},
		{"1", "nguyenvana", cccd, "pakn"},
		{"2", "tranthib", "abc-123", ""},
		{"", "", "", ""},
		{"4", "bad user!", cccd, "pakn"},
		{"5", "levanc", "12345", "PAKN"},
		{"6", "phamd", "123456789", "csdl", "thừa"},
	}
	var csv strings.Builder
	var cells [][]any
	for _, r := range table {
		csv.WriteString(strings.Join(r, ",") + "\n")
		row := make([]any, len(r))
		for i, c := range r {
			row[i] = c
		}
		cells = append(cells, row)
	}
	want, err := migrate.ParseCSV(strings.NewReader(csv.String()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := migrate.ParseXLSX(context.Background(), bytes.NewReader(workbook(t, cells)))
	if err != nil {
		t.Fatal(err)
	}
	// csv.Reader skips a blank line but counts it; so does the sheet.
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("xlsx %+v\ncsv  %+v", got, want)
	}
	if len(got) != 5 || got[0].Kind != migrate.IdentCCCD || got[1].Kind != migrate.IdentTechID || got[4].Err == "" {
		t.Errorf("rows %+v", got)
	}
}

// TestParseXLSXCells: numbers, gaps and stray columns.
func TestParseXLSXCells(t *testing.T) {
	rows, err := migrate.ParseXLSX(context.Background(), bytes.NewReader(workbook(t, [][]any{
		{"username", "id", "subsystem"},
		{"a1", 40080100001, "pakn"}, // typed as a number: the zero is gone
		{},
		{},
		{"a2", cccd, "pakn"},
		{"a3", cccd, "pakn", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "far right"},
	})))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("rows %+v", rows)
	}
	if !strings.Contains(rows[0].Err, "leading zero") {
		t.Errorf("numeric CCCD: %q", rows[0].Err)
	}
	if rows[1].Line != 5 || rows[1].Err != "" || rows[1].Ident != cccd {
		t.Errorf("after a gap: %+v", rows[1])
	}
	if rows[2].Err != "too many columns" {
		t.Errorf("stray cell: %+v", rows[2])
	}
}

// TestParseXLSXLimits: what an upload may not do.
func TestParseXLSXLimits(t *testing.T) {
	ctx := context.Background()
	t.Run("not-zip", func(t *testing.T) {
		_, err := migrate.ParseXLSX(ctx, strings.NewReader("username,id\n"))
		if !errors.Is(err, migrate.ErrList) || errors.Is(err, migrate.ErrListTooLarge) {
			t.Errorf("%v", err)
		}
	})
	t.Run("file-size", func(t *testing.T) {
		_, err := migrate.ParseXLSX(ctx, bytes.NewReader(make([]byte, migrate.MaxListBytes+1)))
		if !errors.Is(err, migrate.ErrListTooLarge) {
			t.Errorf("%v", err)
		}
	})
	t.Run("zip-bomb", func(t *testing.T) {
		// 200 MB of zeros deflate to about 200 KB.
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create("xl/worksheets/sheet1.xml")
		zero := make([]byte, 1<<20)
		for range 200 {
			w.Write(zero)
		}
		zw.Close()
		if b.Len() > 1<<20 {
			t.Fatalf("bomb is %d bytes", b.Len())
		}
		_, err := migrate.ParseXLSX(ctx, &b)
		if !errors.Is(err, migrate.ErrListTooLarge) {
			t.Errorf("%v", err)
		}
	})
	t.Run("row-number-bomb", func(t *testing.T) {
		// A few hundred bytes naming the sheet's last row.
		rows := make([][]any, 1)
		rows[0] = []any{"username", "id"}
		data := workbook(t, rows)
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		f.SetCellValue("Sheet1", "A1048576", "x")
		var b bytes.Buffer
		f.Write(&b)
		f.Close()
		start := time.Now()
		_, err = migrate.ParseXLSX(ctx, &b)
		if !errors.Is(err, migrate.ErrListTooLarge) {
			t.Errorf("%v", err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %v", d)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		rows := [][]any{{"username", "id"}}
		for range 600 {
			rows = append(rows, []any{"u", cccd})
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := migrate.ParseXLSX(cctx, bytes.NewReader(workbook(t, rows))); !errors.Is(err, context.Canceled) {
			t.Errorf("%v", err)
		}
	})
}

func FuzzParseXLSX(f *testing.F) {
	f.Add(workbook(f, [][]any{{"STT", "Tài khoản", "CCCD/CMND", "Phân hệ"}, {1, "nguyenvana", cccd, "pakn"}, {2, "b", 123456789, ""}}))
	f.Add(workbook(f, [][]any{{"u1", "abc-123"}, {}, {"u2", 40080100001, "x", "y"}}))
	f.Add(workbook(f, [][]any{{"\ufeffusername", "id"}, {"a\x00", "1"}}))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := migrate.ParseXLSX(context.Background(), bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, migrate.ErrList) {
				t.Fatalf("error not wrapping ErrList: %v", err)
			}
			return
		}
		checkRows(t, rows)
	})
}
