package changeform_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/rpkit-vn/rpkit/rbac/changeform"
)

// fuzzLimits are small, so that the fuzzer reaches them.
var fuzzLimits = changeform.Limits{MaxFileBytes: 256 << 10, MaxUnzipBytes: 2 << 20, MaxZipEntries: 64,
	MaxRows: 20, MaxCellRunes: 200, MaxColumns: 8, HeaderScanRows: 5}

// checkForm asserts the limits held on whatever a parser returned.
func checkForm(t *testing.T, f *changeform.Form, err error) {
	if err != nil {
		var pe *changeform.ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("error is not a *ParseError: %T %v", err, err)
		}
		return
	}
	if len(f.Rows) > fuzzLimits.MaxRows {
		t.Fatalf("%d rows over the limit", len(f.Rows))
	}
	for _, r := range f.Rows {
		for _, c := range []string{r.STT, r.Subsystem, r.FullName, r.ID, r.Note} {
			if utf8.RuneCountInString(c) > fuzzLimits.MaxCellRunes || !utf8.ValidString(c) {
				t.Fatalf("cell %q breaks the limits", c)
			}
		}
		if r.Subsystem == "" && r.FullName == "" && r.ID == "" {
			t.Fatalf("blank row kept: %+v", r)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("testdata", "form.csv")); err == nil {
		f.Add(data)
	}
	if data, err := os.ReadFile(filepath.Join("testdata", "form-tab.csv")); err == nil {
		f.Add(data)
	}
	f.Add([]byte("STT;Phân hệ;Họ và tên;Số CMND\n1;PAKN;\"Nguyễn \"\"A\"\"\";040085000001\n"))
	f.Add([]byte("\xff\xfeS\x00T\x00T\x00"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		form, err := changeform.ParseCSV(context.Background(), bytes.NewReader(data), fuzzLimits)
		checkForm(t, form, err)
	})
}

func FuzzParseXLSX(f *testing.F) {
	// The seed is a small generated workbook: the fixture's table with a
	// merged subsystem cell.
	f.Add(xlsxBytes(f, fixtureTable(), true))
	f.Add(xlsxBytes(f, [][]string{header, {"1", "PAKN", "Nguyễn Văn A", "040085000001"}}, false))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		form, err := changeform.ParseXLSX(context.Background(), bytes.NewReader(data), fuzzLimits)
		checkForm(t, form, err)
	})
}
