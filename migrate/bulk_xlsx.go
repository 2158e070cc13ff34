package migrate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/rpkit-vn/rpkit/internal/xlsxguard"
)

const (
	// maxListColumns: cells further right are only checked for being
	// blank.
	maxListColumns = 16
	// maxScannedRows bounds the rows walked on the sheet, blank ones
	// included: excelize yields every row number up to the highest one the
	// XML names, so a tiny file naming row 1,048,576 would otherwise cost
	// a million iterations.
	maxScannedRows = MaxBulkRows + MaxBulkRows/10
)

// ParseXLSX reads a conversion list from the first worksheet of an XLSX
// workbook, with the same columns and row model as ParseCSV (Line is the
// sheet's row number). The file is capped at MaxListBytes and its zip
// directory checked before excelize reads it; rows are streamed, never
// loaded as a whole sheet (excelize's whole-sheet reader allocates every
// row up to the highest row number the XML names).
//
// Cells are read as stored, not as displayed. An ID number typed into a
// cell formatted as a number has lost its leading zero (every CCCD starts
// with 0); such rows are refused with a hint rather than repaired, since
// the list has no name to check a guessed number against.
func ParseXLSX(ctx context.Context, r io.Reader) (rows []BulkRow, err error) {
	data, err := readList(r, MaxListBytes)
	if err != nil {
		return nil, err
	}
	if err := checkZip(data); err != nil {
		return nil, err
	}
	// excelize parses untrusted XML; should it panic on a crafted file,
	// the upload fails, not the process.
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, fmt.Errorf("%w: the workbook could not be read", ErrList)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), xlsxguard.Options(listLimits))
	if err != nil {
		return nil, xlsxError(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("%w: the workbook has no worksheet", ErrList)
	}
	records, err := sheetRecords(ctx, f, sheets[0])
	if err != nil {
		return nil, err
	}
	rows, err = parseRecords(records)
	for i := range rows {
		hintLostZero(&rows[i])
	}
	return rows, err
}

func sheetRecords(ctx context.Context, f *excelize.File, sheet string) ([][]string, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, xlsxError(err)
	}
	defer it.Close()
	var records [][]string
	nonBlank := 0
	for line := 1; it.Next(); line++ {
		if line%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if line > maxScannedRows {
			return nil, fmt.Errorf("%w: %w: more than %d rows", ErrList, ErrListTooLarge, MaxBulkRows)
		}
		cells, err := it.Columns()
		if err != nil {
			return nil, xlsxError(err)
		}
		if len(cells) > maxListColumns {
			// Keep one stray non-blank cell so that the row is reported
			// as having too many columns, not silently cut.
			extra := !blank(cells[maxListColumns:])
			cells = cells[:maxListColumns]
			if extra {
				cells = append(cells, "…")
			}
		}
		if !blank(cells) {
			if nonBlank++; nonBlank > MaxBulkRows+1 {
				return nil, fmt.Errorf("%w: %w: more than %d rows", ErrList, ErrListTooLarge, MaxBulkRows)
			}
		}
		// Line numbers are row numbers: blank rows keep their place.
		records = append(records, append([]string(nil), cells...))
	}
	if err := it.Error(); err != nil {
		return nil, xlsxError(err)
	}
	return records, nil
}

// hintLostZero explains an ID that is a CCCD or CMND stored as a number.
func hintLostZero(r *BulkRow) {
	if !strings.HasPrefix(r.Err, "an ID number has") || strings.Trim(r.Ident, "0123456789") != "" {
		return
	}
	switch len(r.Ident) {
	case 8, 10, 11:
		r.Err = "the ID number has " + strconv.Itoa(len(r.Ident)) + " digits: the cell was probably stored as a number and lost its leading zero; format the column as Text and type it again"
	}
}
