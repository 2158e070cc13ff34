package migrate

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Limits of an XLSX list, checked before excelize reads a byte of XML. An
// XLSX file is a zip archive, so a few kilobytes can declare gigabytes.
const (
	// MaxListBytes caps an uploaded list file.
	MaxListBytes = 16 << 20
	// maxListUnzip caps the declared uncompressed size of all parts; it
	// also goes to excelize as its unzip limits. 100,000 rows of three
	// short cells take about 15 MB of sheet XML.
	maxListUnzip = 64 << 20
	// maxListParts caps the archive's entries.
	maxListParts = 1000
)

// readList reads at most max bytes of r.
func readList(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading the file: %v", ErrList, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: %w: the file is over %d bytes", ErrList, ErrListTooLarge, max)
	}
	return b, nil
}

// checkZip enforces the part count and the uncompressed size from the zip
// directory. archive/zip refuses to inflate past an entry's declared
// size, so a directory that lies cannot get round it. (rbac/changeform
// guards its uploads the same way.)
func checkZip(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%w: not an XLSX (zip) file", ErrList)
	}
	if len(zr.File) > maxListParts {
		return fmt.Errorf("%w: %w: the workbook has more than %d parts", ErrList, ErrListTooLarge, maxListParts)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > maxListUnzip || total > maxListUnzip {
			return fmt.Errorf("%w: %w: the workbook uncompresses to over %d bytes", ErrList, ErrListTooLarge, maxListUnzip)
		}
	}
	return nil
}

// xlsxError turns excelize's errors, whose text may quote the file, into
// ours. Its unzip-limit refusal is a plain error with a fixed message.
func xlsxError(err error) error {
	if strings.Contains(err.Error(), "unzip size") {
		return fmt.Errorf("%w: %w: the workbook uncompresses to too much data", ErrList, ErrListTooLarge)
	}
	return fmt.Errorf("%w: the workbook could not be read", ErrList)
}
