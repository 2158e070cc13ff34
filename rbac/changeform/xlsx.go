package changeform

import (
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/rpkit-vn/rpkit/internal/xlsxguard"
)

// maxSheets is how many worksheets are searched for the table.
const maxSheets = 16

// ParseXLSX reads the form from an XLSX workbook: the first worksheet (of
// the first 16) on which a header row is found. Rows are streamed
// (excelize's Rows iterator) and never loaded as a whole worksheet:
// excelize's whole-sheet reader allocates every row up to the highest row
// number the XML names, so a 6 KB file naming row 1048576 would cost
// seconds and hundreds of megabytes. The same reason rules out reading
// merged-cell ranges; a subsystem cell merged over several people reads
// as blank below its first row, which the table fills from above (see
// Row.SubsystemFromAbove).
//
// The zip-bomb guard runs before excelize sees the file: the part count
// and the declared uncompressed sizes are checked against Limits, and the
// same size cap goes to excelize as UnzipSizeLimit (and as
// UnzipXMLSizeLimit, so that nothing is spilled to temporary files).
func ParseXLSX(ctx context.Context, r io.Reader, lim Limits) (form *Form, err error) {
	lim = lim.withDefaults()
	data, err := readAll(r, lim.MaxFileBytes)
	if err != nil {
		return nil, err
	}
	if err := checkZip(data, lim); err != nil {
		return nil, err
	}
	// excelize parses untrusted XML; should it ever panic on a crafted
	// file, the upload fails, not the server.
	defer func() {
		if p := recover(); p != nil {
			form, err = nil, parseErr(0, "", ErrFormat, "the workbook could not be read")
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), xlsxguard.Options(lim.zip()))
	if err != nil {
		return nil, xlsxErr(err)
	}
	defer f.Close()
	var first error
	for i, sheet := range f.GetSheetList() {
		if i == maxSheets {
			break
		}
		form, err := parseSheet(ctx, f, sheet, lim)
		if err == nil {
			return form, nil
		}
		if !errors.Is(err, ErrNoHeader) {
			return nil, err
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = parseErr(0, "", ErrNoHeader, "the workbook has no worksheet")
	}
	return nil, first
}

// checkZip enforces the part count and uncompressed size from the zip
// directory (internal/xlsxguard, which migrate's lists use too).
func checkZip(data []byte, lim Limits) error {
	if err := xlsxguard.CheckZip(data, lim.zip()); err != nil {
		return guardErr(err)
	}
	return nil
}

// guardErr turns an xlsxguard refusal into a *ParseError: ErrTooLarge for
// a size limit, ErrFormat otherwise, with the guard's detail (which quotes
// nothing of the file).
func guardErr(err error) error {
	if errors.Is(err, xlsxguard.ErrTooLarge) {
		return parseErr(0, "", ErrTooLarge, err.Error())
	}
	return parseErr(0, "", ErrFormat, err.Error())
}

func xlsxErr(err error) error {
	if xlsxguard.IsUnzipLimit(err) {
		return parseErr(0, "", ErrTooLarge, "the workbook uncompresses to too much data")
	}
	return parseErr(0, "", ErrFormat, "the workbook could not be read")
}

func parseSheet(ctx context.Context, f *excelize.File, sheet string, lim Limits) (*Form, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, xlsxErr(err)
	}
	defer rows.Close()
	t := newTable("xlsx", lim)
	t.form.Sheet = sheet
	for line := 1; rows.Next(); line++ {
		if line%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		cells, err := rows.Columns()
		if err != nil {
			return nil, xlsxErr(err)
		}
		if len(cells) > lim.MaxColumns {
			cells = cells[:lim.MaxColumns]
		}
		if err := t.add(line, cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, xlsxErr(err)
	}
	return t.finish()
}
