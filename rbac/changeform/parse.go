package changeform

import (
	"bytes"
	"context"
	"io"
)

// Parse reads the form in either format, told apart by content rather
// than by file name: an XLSX file is a zip archive ("PK\x03\x04"),
// anything else is read as CSV.
func Parse(ctx context.Context, r io.Reader, lim Limits) (*Form, error) {
	lim = lim.withDefaults()
	data, err := readAll(r, lim.MaxFileBytes)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return ParseXLSX(ctx, bytes.NewReader(data), lim)
	}
	return ParseCSV(ctx, bytes.NewReader(data), lim)
}
