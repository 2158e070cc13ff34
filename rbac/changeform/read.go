package changeform

import (
	"errors"
	"io"

	"github.com/rpkit-vn/rpkit/internal/xlsxguard"
)

// readAll reads r up to max bytes and refuses more: the file is held in
// memory (both formats need random access or a second pass), so its size
// is the first limit checked. The reader's own error is not repeated: its
// text is not ours to show.
func readAll(r io.Reader, max int64) ([]byte, error) {
	b, err := xlsxguard.Read(r, max)
	if errors.Is(err, xlsxguard.ErrRead) {
		return nil, parseErr(0, "", ErrFormat, "reading the upload failed")
	}
	if err != nil {
		return nil, guardErr(err)
	}
	return b, nil
}
