// Package xlsxguard checks an uploaded XLSX file before excelize reads a
// byte of its XML: an XLSX file is a zip archive, so a few kilobytes can
// declare gigabytes. rbac/changeform and migrate both guard their uploads
// with it, each with its own limits, and turn its errors into their own.
//
// The order is Read (the file as uploaded, capped), CheckZip (the zip
// directory: part count and declared uncompressed size), then
// excelize.OpenReader with Options (the same size cap as excelize's unzip
// limits); excelize's refusal of that cap is recognised by IsUnzipLimit.
package xlsxguard

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits caps a workbook. Both fields must be positive.
type Limits struct {
	// MaxParts caps the archive's entries.
	MaxParts int
	// MaxUnzipBytes caps the declared uncompressed size of all parts
	// together (and of each). archive/zip refuses to inflate past an
	// entry's declared size, so a directory that lies cannot get round it.
	MaxUnzipBytes int64
}

// Sentinels: every error of this package is an *Error wrapping one of them.
var (
	// ErrRead: the reader failed.
	ErrRead = errors.New("xlsxguard: read failed")
	// ErrTooLarge: the file, its part count or its uncompressed size is
	// over its limit.
	ErrTooLarge = errors.New("xlsxguard: too large")
	// ErrNotZip: the file is not a zip archive.
	ErrNotZip = errors.New("xlsxguard: not a zip archive")
)

// Error is a refusal. Its message is the detail alone, written here and
// safe to show (it never quotes the file); Unwrap yields the sentinel and,
// for ErrRead, the reader's error.
type Error struct {
	Err    error // ErrRead, ErrTooLarge or ErrNotZip
	Detail string
	cause  error
}

func (e *Error) Error() string { return e.Detail }

// Unwrap returns the sentinel and the cause, if any.
func (e *Error) Unwrap() []error {
	if e.cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.cause}
}

// Read reads r up to limit bytes and refuses more. The file is held in
// memory (zip needs random access), so its size is the first limit.
func Read(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, &Error{Err: ErrRead, Detail: "reading the file: " + err.Error(), cause: err}
	}
	if int64(len(b)) > limit {
		return nil, &Error{Err: ErrTooLarge, Detail: "the file is over " + strconv.FormatInt(limit, 10) + " bytes"}
	}
	return b, nil
}

// CheckZip enforces lim from the zip directory of data.
func CheckZip(data []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return &Error{Err: ErrNotZip, Detail: "not an XLSX (zip) file"}
	}
	if len(zr.File) > lim.MaxParts {
		return &Error{Err: ErrTooLarge, Detail: "the workbook has more than " + strconv.Itoa(lim.MaxParts) + " parts"}
	}
	limit := uint64(max(lim.MaxUnzipBytes, 0))
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > limit || total > limit {
			return &Error{Err: ErrTooLarge, Detail: "the workbook uncompresses to over " + strconv.FormatInt(lim.MaxUnzipBytes, 10) + " bytes"}
		}
	}
	return nil
}

// Options are the excelize options for a checked workbook: cells read as
// stored (identity numbers keep their digits, not a display format), and
// lim.MaxUnzipBytes as both unzip limits, so that excelize keeps every part
// in memory and never spills to temporary files.
func Options(lim Limits) excelize.Options {
	return excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    lim.MaxUnzipBytes,
		UnzipXMLSizeLimit: lim.MaxUnzipBytes,
	}
}

// IsUnzipLimit reports excelize's refusal of Options' unzip limits, which
// it returns as a plain error with a fixed message.
func IsUnzipLimit(err error) bool {
	return err != nil && strings.Contains(err.Error(), "unzip size")
}
