package changeform

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// table turns the records of a file, whatever its format, into a Form:
// it finds the header, then keeps the non-blank rows below it, checking
// the limits as it goes. Both parsers feed it, so CSV and XLSX accept
// exactly the same tables.
type table struct {
	lim     Limits
	cols    columns
	found   bool
	scanned int
	form    Form
}

func newTable(format string, lim Limits) *table {
	return &table{lim: lim, cols: columns{-1, -1, -1, -1, -1}, form: Form{Format: format}}
}

// add takes the record on line (1-based). It returns a *ParseError when a
// limit is hit.
func (t *table) add(line int, cells []string) error {
	t.scanned++
	if t.scanned > t.lim.maxScannedRows() {
		return parseErr(line, "", ErrTooManyRows, "the sheet has too many rows")
	}
	if len(cells) > t.lim.MaxColumns {
		cells = cells[:t.lim.MaxColumns]
	}
	if !t.found {
		if t.scanned > t.lim.HeaderScanRows {
			return parseErr(0, "", ErrNoHeader, "no row names the columns Phân hệ, Họ và tên and Số CMND/CCCD")
		}
		// A header cell longer than the limit cannot be one we want;
		// refusing it here keeps folding cheap.
		short := make([]string, len(cells))
		for i, c := range cells {
			if len(c) <= 4*t.lim.MaxCellRunes {
				short[i] = c
			}
		}
		if c := matchHeader(short); c.complete() {
			t.cols, t.found, t.form.HeaderLine = c, true, line
		}
		return nil
	}
	var r Row
	r.Line = line
	var err error
	get := func(i int, col string, dst *string) {
		if err != nil || i < 0 || i >= len(cells) {
			return
		}
		*dst, err = t.cell(line, col, cells[i])
	}
	get(t.cols.stt, ColSTT, &r.STT)
	get(t.cols.subsystem, ColSubsystem, &r.Subsystem)
	get(t.cols.name, ColFullName, &r.FullName)
	get(t.cols.id, ColID, &r.ID)
	get(t.cols.note, ColNote, &r.Note)
	if err != nil {
		return err
	}
	// Rows without any of the three columns that matter are layout: the
	// letter's "...." placeholder, footnotes below the table, blank lines.
	if r.Subsystem == "" && r.FullName == "" && r.ID == "" {
		return nil
	}
	if r.Subsystem == "" && len(t.form.Rows) > 0 {
		r.Subsystem, r.SubsystemFromAbove = t.form.Rows[len(t.form.Rows)-1].Subsystem, true
	}
	if len(t.form.Rows) >= t.lim.MaxRows {
		return parseErr(line, "", ErrTooManyRows, "the form has more than "+strconv.Itoa(t.lim.MaxRows)+" rows")
	}
	t.form.Rows = append(t.form.Rows, r)
	return nil
}

// cell checks and cleans one cell.
func (t *table) cell(line int, col, s string) (string, error) {
	if len(s) > 4*t.lim.MaxCellRunes || utf8.RuneCountInString(s) > t.lim.MaxCellRunes {
		return "", parseErr(line, col, ErrCellTooLong, "longer than "+strconv.Itoa(t.lim.MaxCellRunes)+" characters")
	}
	return clean(s), nil
}

// clean trims, collapses white space (cells often hold line breaks) and
// composes the text to NFC, so that names typed on different systems
// compare and display alike.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return norm.NFC.String(strings.Join(strings.Fields(s), " "))
}

func (t *table) finish() (*Form, error) {
	if !t.found {
		return nil, parseErr(0, "", ErrNoHeader, "no row names the columns Phân hệ, Họ và tên and Số CMND/CCCD")
	}
	f := t.form
	return &f, nil
}
