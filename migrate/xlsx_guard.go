package migrate

import (
	"errors"
	"fmt"
	"io"

	"github.com/rpkit-vn/rpkit/internal/xlsxguard"
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

// listLimits are the zip-directory caps of an XLSX list (internal/xlsxguard,
// which rbac/changeform guards its uploads with too).
var listLimits = xlsxguard.Limits{MaxParts: maxListParts, MaxUnzipBytes: maxListUnzip}

// readList reads at most max bytes of r.
func readList(r io.Reader, max int64) ([]byte, error) {
	b, err := xlsxguard.Read(r, max)
	if err != nil {
		return nil, guardError(err)
	}
	return b, nil
}

// checkZip enforces the part count and the uncompressed size from the zip
// directory.
func checkZip(data []byte) error {
	if err := xlsxguard.CheckZip(data, listLimits); err != nil {
		return guardError(err)
	}
	return nil
}

// guardError wraps an xlsxguard refusal in ErrList (and ErrListTooLarge
// for a size limit); the guard's message is its own and quotes nothing of
// the file.
func guardError(err error) error {
	if errors.Is(err, xlsxguard.ErrTooLarge) {
		return fmt.Errorf("%w: %w: %w", ErrList, ErrListTooLarge, err)
	}
	return fmt.Errorf("%w: %w", ErrList, err)
}

// xlsxError turns excelize's errors, whose text may quote the file, into
// ours.
func xlsxError(err error) error {
	if xlsxguard.IsUnzipLimit(err) {
		return fmt.Errorf("%w: %w: the workbook uncompresses to too much data", ErrList, ErrListTooLarge)
	}
	return fmt.Errorf("%w: the workbook could not be read", ErrList)
}
