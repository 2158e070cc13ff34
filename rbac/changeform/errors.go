package changeform

import (
	"errors"
	"fmt"
)

// Sentinel errors of parsing. Every parse failure is a *ParseError wrapping
// one of them, so callers branch with errors.Is and show Error(), which is
// written by this package and never quotes more than a short cell prefix.
var (
	// ErrTooLarge: the file, or an XLSX file's uncompressed content, is
	// over its limit (Limits.MaxFileBytes, MaxUnzipBytes, MaxZipEntries).
	ErrTooLarge = errors.New("changeform: file too large")
	// ErrTooManyRows: more data rows than Limits.MaxRows.
	ErrTooManyRows = errors.New("changeform: too many rows")
	// ErrCellTooLong: a cell of a column the form uses is over
	// Limits.MaxCellRunes.
	ErrCellTooLong = errors.New("changeform: cell too long")
	// ErrNoHeader: no row within Limits.HeaderScanRows names the
	// subsystem, full-name and ID-number columns.
	ErrNoHeader = errors.New("changeform: header row not found")
	// ErrFormat: the file is not a readable CSV or XLSX workbook.
	ErrFormat = errors.New("changeform: unreadable file")
	// ErrEncoding: a CSV file that is neither UTF-8 nor UTF-16 with a
	// byte-order mark (a legacy Vietnamese code page, for example).
	ErrEncoding = errors.New("changeform: text is not UTF-8")
)

// ParseError says where a file failed to parse. Line is the 1-based CSV
// line or XLSX row (0 for the file as a whole); Column the form's column
// ("STT", "Phân hệ", "Họ và tên", "Số CMND/CCCD", "Ghi chú") or "".
type ParseError struct {
	Line   int
	Column string
	Err    error
	Detail string
}

func (e *ParseError) Error() string {
	msg := e.Err.Error()
	if e.Line > 0 {
		msg += fmt.Sprintf(" at line %d", e.Line)
	}
	if e.Column != "" {
		msg += ", column " + e.Column
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap returns the sentinel.
func (e *ParseError) Unwrap() error { return e.Err }

func parseErr(line int, column string, err error, detail string) *ParseError {
	return &ParseError{Line: line, Column: column, Err: err, Detail: detail}
}

// ErrConfig: New was given an unusable Config (no directory, no service, a
// bad alias table).
var ErrConfig = errors.New("changeform: bad configuration")
