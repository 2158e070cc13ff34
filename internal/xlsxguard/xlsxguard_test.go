package xlsxguard

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// zipOf builds an archive whose entries hold the given numbers of bytes.
func zipOf(t *testing.T, sizes ...int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i, n := range sizes {
		w, err := zw.Create("part" + string(rune('a'+i%26)) + strings.Repeat("x", i/26))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(bytes.Repeat([]byte{'0'}, n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var errDisk = errors.New("disk on fire")

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errDisk }

func TestRead(t *testing.T) {
	for _, tc := range []struct {
		name    string
		r       io.Reader
		limit   int64
		want    error
		wantLen int
	}{
		{"under", strings.NewReader("abc"), 4, nil, 3},
		{"at", strings.NewReader("abcd"), 4, nil, 4},
		{"over", strings.NewReader("abcde"), 4, ErrTooLarge, 0},
		{"empty", strings.NewReader(""), 4, nil, 0},
		{"reader fails", failReader{}, 4, ErrRead, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Read(tc.r, tc.limit)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if len(b) != tc.wantLen {
				t.Fatalf("len = %d, want %d", len(b), tc.wantLen)
			}
			var ge *Error
			if err != nil && !errors.As(err, &ge) {
				t.Fatalf("err = %T, want *Error", err)
			}
		})
	}
	_, err := Read(strings.NewReader("abcde"), 4)
	if got := err.Error(); got != "the file is over 4 bytes" {
		t.Errorf("message = %q", got)
	}
	_, err = Read(failReader{}, 4)
	if !errors.Is(err, ErrRead) || !errors.Is(err, errDisk) || err.Error() != "reading the file: disk on fire" {
		t.Errorf("read error = %v, want ErrRead wrapping the reader's error", err)
	}
}

func TestCheckZip(t *testing.T) {
	lim := Limits{MaxParts: 3, MaxUnzipBytes: 100}
	for _, tc := range []struct {
		name string
		data []byte
		want error
		msg  string
	}{
		{"ok", zipOf(t, 10, 20, 70), nil, ""},
		{"empty archive", zipOf(t), nil, ""},
		{"not zip", []byte("PK not really"), ErrNotZip, "not an XLSX (zip) file"},
		{"too many parts", zipOf(t, 1, 1, 1, 1), ErrTooLarge, "the workbook has more than 3 parts"},
		{"one part too large", zipOf(t, 101), ErrTooLarge, "the workbook uncompresses to over 100 bytes"},
		{"total too large", zipOf(t, 50, 50, 1), ErrTooLarge, "the workbook uncompresses to over 100 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckZip(tc.data, lim)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err != nil && err.Error() != tc.msg {
				t.Fatalf("message = %q, want %q", err.Error(), tc.msg)
			}
		})
	}
	if err := CheckZip(zipOf(t, 1), Limits{MaxParts: 1}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("zero MaxUnzipBytes: err = %v, want ErrTooLarge", err)
	}
}

// TestOptionsCapExcelize: the options carry the cap to excelize, and its
// refusal is what IsUnzipLimit recognises.
func TestOptionsCapExcelize(t *testing.T) {
	f := excelize.NewFile()
	if err := f.SetCellValue("Sheet1", "A1", strings.Repeat("0123456789", 1000)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()

	big := Limits{MaxParts: 100, MaxUnzipBytes: 1 << 20}
	if err := CheckZip(data, big); err != nil {
		t.Fatalf("CheckZip: %v", err)
	}
	o := Options(big)
	if !o.RawCellValue || o.UnzipSizeLimit != big.MaxUnzipBytes || o.UnzipXMLSizeLimit != big.MaxUnzipBytes {
		t.Fatalf("Options = %+v", o)
	}
	g, err := excelize.OpenReader(bytes.NewReader(data), o)
	if err != nil {
		t.Fatalf("open under the cap: %v", err)
	}
	g.Close()

	_, err = excelize.OpenReader(bytes.NewReader(data), Options(Limits{MaxParts: 100, MaxUnzipBytes: 1000}))
	if !IsUnzipLimit(err) {
		t.Fatalf("open over the cap: err = %v, want an unzip-limit refusal", err)
	}
	for _, e := range []error{nil, errors.New("zip: not a valid zip file"), ErrTooLarge} {
		if IsUnzipLimit(e) {
			t.Errorf("IsUnzipLimit(%v) = true", e)
		}
	}
}
