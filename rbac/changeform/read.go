package changeform

import (
	"io"
	"strconv"
)

// readAll reads r up to max bytes and refuses more: the file is held in
// memory (both formats need random access or a second pass), so its size
// is the first limit checked.
func readAll(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, parseErr(0, "", ErrFormat, "reading the upload failed")
	}
	if int64(len(b)) > max {
		return nil, parseErr(0, "", ErrTooLarge, "the file is over "+strconv.FormatInt(max, 10)+" bytes")
	}
	return b, nil
}
