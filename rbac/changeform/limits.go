package changeform

import "github.com/rpkit-vn/rpkit/internal/xlsxguard"

// Limits bound what a parser accepts from an uploaded file. The form comes
// from outside (a province's e-mail attachment), so every dimension that
// costs memory or time is capped. A zero field takes its default.
type Limits struct {
	// MaxFileBytes caps the file as uploaded. Default 8 MiB: the form
	// lists people, a few hundred rows.
	MaxFileBytes int64
	// MaxUnzipBytes caps the total uncompressed size of an XLSX file's
	// parts, as declared in the zip directory (archive/zip refuses to read
	// past a declared size, so a lying header cannot get round it).
	// Default 64 MiB. It also goes to excelize as UnzipSizeLimit.
	MaxUnzipBytes int64
	// MaxZipEntries caps the number of parts of an XLSX file. Default 1000.
	MaxZipEntries int
	// MaxRows caps the data rows (rows below the header that are not
	// blank). Default 5000.
	MaxRows int
	// MaxCellRunes caps the length of a cell in a column the form uses.
	// Default 1000.
	MaxCellRunes int
	// MaxColumns is how many columns from the left are read; cells
	// beyond are ignored. Default 64.
	MaxColumns int
	// HeaderScanRows is how many rows from the top are searched for the
	// header (the letter's form has a title above its table). Default 30.
	HeaderScanRows int
}

// Defaults of Limits.
const (
	DefaultMaxFileBytes   = 8 << 20
	DefaultMaxUnzipBytes  = 64 << 20
	DefaultMaxZipEntries  = 1000
	DefaultMaxRows        = 5000
	DefaultMaxCellRunes   = 1000
	DefaultMaxColumns     = 64
	DefaultHeaderScanRows = 30
)

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def64 := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	def64(&l.MaxFileBytes, DefaultMaxFileBytes)
	def64(&l.MaxUnzipBytes, DefaultMaxUnzipBytes)
	def(&l.MaxZipEntries, DefaultMaxZipEntries)
	def(&l.MaxRows, DefaultMaxRows)
	def(&l.MaxCellRunes, DefaultMaxCellRunes)
	def(&l.MaxColumns, DefaultMaxColumns)
	def(&l.HeaderScanRows, DefaultHeaderScanRows)
	return l
}

// zip returns the caps of an XLSX file's zip directory.
func (l Limits) zip() xlsxguard.Limits {
	return xlsxguard.Limits{MaxParts: l.MaxZipEntries, MaxUnzipBytes: l.MaxUnzipBytes}
}

// maxScannedRows bounds the rows a parser walks, blank ones included:
// spreadsheets often carry formatted but empty rows far below the table.
func (l Limits) maxScannedRows() int { return l.HeaderScanRows + 4*l.MaxRows }
